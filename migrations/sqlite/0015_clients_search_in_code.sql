-- The FTS5 index clients_search is written by ClientRepository from now on, not by triggers:
-- a trigger makes every client write a statement with its own savepoint, and FTS5 flushes
-- its pending terms at every savepoint (~100 µs a row, most of an import's time); the
-- import engine writes the index at the end of each batch, outside its per-record
-- savepoints.
DROP TRIGGER IF EXISTS clients_search_insert;
DROP TRIGGER IF EXISTS clients_search_delete;
DROP TRIGGER IF EXISTS clients_search_update;
