-- Organisations (tenants), staff users, sessions, API tokens, login throttling, and the
-- reference data: object groups, quarters, objects, entrances, floors, legal entities.
-- Timestamps are ISO-8601 UTC text written by the application. Ids are AUTOINCREMENT: an id
-- is never reused after a delete, since the change history refers to records by id.

CREATE TABLE organizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  login TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'readonly')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX users_organization ON users(organization_id);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  revoked_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Failed sign-ins per key ("login:<login>" or "ip:<address>"); not tenant data.
CREATE TABLE login_attempts (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_started_at BIGINT NOT NULL,  -- unix seconds
  locked_until BIGINT,                -- unix seconds
  updated_at TEXT NOT NULL
);

CREATE TABLE object_groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  search_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX object_groups_org ON object_groups(organization_id, search_key);

CREATE TABLE quarters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  object_group_id INTEGER NOT NULL REFERENCES object_groups(id),
  name TEXT NOT NULL,
  search_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX quarters_org ON quarters(organization_id, object_group_id);

CREATE TABLE objects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  object_group_id INTEGER REFERENCES object_groups(id),
  quarter_id INTEGER REFERENCES quarters(id),
  name TEXT NOT NULL,
  city TEXT,
  street TEXT NOT NULL,
  house TEXT NOT NULL,
  search_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX objects_org ON objects(organization_id, object_group_id, quarter_id);
CREATE INDEX objects_quarter ON objects(quarter_id);

CREATE TABLE entrances (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  object_id INTEGER NOT NULL REFERENCES objects(id),
  number INTEGER NOT NULL,
  name TEXT,
  search_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX entrances_object ON entrances(object_id, number);

CREATE TABLE floors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  object_id INTEGER NOT NULL REFERENCES objects(id),
  entrance_id INTEGER REFERENCES entrances(id),
  number INTEGER NOT NULL,
  search_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX floors_object ON floors(object_id, entrance_id, number);
CREATE INDEX floors_entrance ON floors(entrance_id);

CREATE TABLE legal_entities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  name TEXT NOT NULL,
  inn TEXT NOT NULL,
  kpp TEXT,
  ogrn TEXT,
  search_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX legal_entities_org ON legal_entities(organization_id, inn);
