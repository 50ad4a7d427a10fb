-- clients_last_seen (organization_id, last_seen_at, id) serves no query: the «последний
-- визит» sorts walk clients_last_seen_order[_desc], which keep clients never seen last.
-- Every client insert and update still wrote it (one B-tree page per commit of a client
-- create: docs/performance.md, «Clients»).
DROP INDEX IF EXISTS clients_last_seen;
