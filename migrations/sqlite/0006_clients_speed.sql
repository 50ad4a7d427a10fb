-- Clients sorted by phone or last visit without sorting the whole register: indexes in the
-- exact ORDER BY form (clients without a value last), and FTS5 merging more segments per
-- write so that adding a client stays cheap on a large search index.
CREATE INDEX clients_phone_order ON clients(organization_id, phone IS NULL, phone, id);
CREATE INDEX clients_phone_order_desc ON clients(organization_id, phone IS NULL, phone DESC, id DESC);
CREATE INDEX clients_last_seen_order ON clients(organization_id, last_seen_at IS NULL, last_seen_at, id);
CREATE INDEX clients_last_seen_order_desc
  ON clients(organization_id, last_seen_at IS NULL, last_seen_at DESC, id DESC);
INSERT INTO clients_search(clients_search, rank) VALUES ('automerge', 16);
