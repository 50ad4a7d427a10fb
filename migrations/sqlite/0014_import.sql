-- Issue 6, the import engine (docs/import-api.md): objects can be named by the accounting
-- system's id, premises are found by object + number when they have no external id yet, and
-- every merge of two clients (I-2 case 2d) is kept with both clients' data.

ALTER TABLE objects ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX objects_external_id ON objects(organization_id, external_id)
  WHERE external_id IS NOT NULL;

CREATE INDEX premises_object_number ON premises(organization_id, object_id, number);

CREATE TABLE client_merges (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  operation_id INTEGER,                 -- the exchange operation that merged them
  surviving_client_id INTEGER NOT NULL, -- no foreign keys: the record outlives both clients
  absorbed_client_id INTEGER NOT NULL,
  absorbed TEXT NOT NULL,               -- JSON: the absorbed client's full data
  replaced TEXT NOT NULL,               -- JSON: {"field": "value that lost"}
  created_at TEXT NOT NULL
);
CREATE INDEX client_merges_surviving ON client_merges(organization_id, surviving_client_id);
