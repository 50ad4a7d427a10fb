-- The clients' search index in name order, with the organisation (db/search_rowid.hpp,
-- docs/performance.md «Clients»): a row's rowid is an order-preserving key of the name's
-- first five letters << 32 | the client's id, so that a search reads its matches in name
-- order and stops after the first page; the column org holds the organisation's token, so
-- that a search and its count keep to the organisation without reading clients. The index
-- is contentless now: its rowids are not the clients' ids.
DROP TABLE clients_search;
CREATE VIRTUAL TABLE clients_search USING fts5(
  name_key, phone_digits, org, content='', tokenize='trigram');
INSERT INTO clients_search(clients_search, rank) VALUES ('automerge', 16);
INSERT INTO clients_search(rowid, name_key, phone_digits, org)
  SELECT upravdom_client_search_rowid(name_key, id), name_key, phone_digits,
         upravdom_organization_search_token(organization_id)
  FROM clients;
-- One segment to begin with: a bulk insert leaves many, and a search reads each.
INSERT INTO clients_search(clients_search) VALUES ('optimize');
