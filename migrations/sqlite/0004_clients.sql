-- Clients (SPEC §7), their external ids (several per client, per space and source system)
-- and tags. Search: an FTS5 trigram index over the folded full name and the phone digits.

CREATE TABLE clients (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  type TEXT NOT NULL,
  last_name TEXT,
  first_name TEXT,
  middle_name TEXT,
  organization_name TEXT,
  phone TEXT,
  email TEXT,
  gender TEXT,
  birth_date TEXT,
  passport_series TEXT,
  passport_number TEXT,
  passport_issued_by TEXT,
  passport_issued_at TEXT,
  passport_department_code TEXT,
  passport_comment TEXT,
  registration_address TEXT,
  registration_postcode TEXT,
  registration_comment TEXT,
  inn TEXT,
  snils TEXT,
  loyalty_card TEXT,
  note TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  tester INTEGER NOT NULL DEFAULT 0,
  last_seen_at TEXT,
  name_key TEXT NOT NULL,    -- folded full name, for search
  name_sort TEXT NOT NULL,   -- Russian alphabetical order, ё beside е
  phone_digits TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX clients_phone ON clients(organization_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX clients_name ON clients(organization_id, name_sort, id);
CREATE INDEX clients_last_seen ON clients(organization_id, last_seen_at, id);
CREATE INDEX clients_type ON clients(organization_id, type, name_sort);
CREATE INDEX clients_status ON clients(organization_id, status, name_sort);

CREATE VIRTUAL TABLE clients_search USING fts5(
  name_key, phone_digits, content='clients', content_rowid='id', tokenize='trigram');
CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
  INSERT INTO clients_search(rowid, name_key, phone_digits)
  VALUES (new.id, new.name_key, new.phone_digits);
END;
CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
  INSERT INTO clients_search(clients_search, rowid, name_key, phone_digits)
  VALUES ('delete', old.id, old.name_key, old.phone_digits);
END;
CREATE TRIGGER clients_search_update AFTER UPDATE OF name_key, phone_digits ON clients BEGIN
  INSERT INTO clients_search(clients_search, rowid, name_key, phone_digits)
  VALUES ('delete', old.id, old.name_key, old.phone_digits);
  INSERT INTO clients_search(rowid, name_key, phone_digits)
  VALUES (new.id, new.name_key, new.phone_digits);
END;

CREATE TABLE client_external_ids (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  space TEXT NOT NULL CHECK (space IN ('operations', 'construction')),
  system TEXT NOT NULL,
  value TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX client_external_ids_value ON client_external_ids(organization_id, space, value);
CREATE INDEX client_external_ids_client ON client_external_ids(client_id);

CREATE TABLE client_tags (
  client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  PRIMARY KEY (client_id, tag_id)
);
CREATE INDEX client_tags_tag ON client_tags(tag_id, client_id);

-- The space (operations / construction) a staff member works in; switchable in the header.
ALTER TABLE sessions ADD COLUMN space TEXT NOT NULL DEFAULT 'operations';
