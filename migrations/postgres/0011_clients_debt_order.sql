-- Clients filtered by a debt range (issue 5): the matches are counted and sorted by name
-- from this index alone (an index-only scan), without reading each matching client's row.
DROP INDEX clients_debt;
CREATE INDEX clients_debt ON clients(organization_id, debt, name_sort, id);
