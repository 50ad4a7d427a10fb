-- Change history (SPEC P-5): who changed what and when, field by field, for premises now
-- and clients, links and accounts as they arrive. `changes` is JSON:
-- {"field": {"old": …, "new": …}, …}.
CREATE TABLE change_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
  actor_user_id INTEGER,
  actor_name TEXT NOT NULL,
  changes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX change_history_entity ON change_history(organization_id, entity, entity_id, id);
