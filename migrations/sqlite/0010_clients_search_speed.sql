-- A name search that matches many clients (docs/performance.md, «Clients»):
-- - the name order carries the folded name, so walking it checks each name without
--   reading the row;
-- - a narrow index to look matches up by id: their organisation and name order without
--   reading the wide client rows.
DROP INDEX clients_name;
CREATE INDEX clients_name ON clients(organization_id, name_sort, id, name_key);
CREATE INDEX clients_search_order ON clients(id, organization_id, name_sort);
