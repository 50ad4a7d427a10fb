-- The exchange log (SPEC I-9, docs/import-api.md «The exchange log»): every import (later
-- every export and broadcast) as an operation with its status, counts and problems.
-- Written by exchange::OperationLog outside the import's own transaction, so a running
-- operation is visible at once and survives the import's rollback.

CREATE TABLE exchange_operations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  kind TEXT NOT NULL,                  -- import, import_dry_run (later export, broadcast)
  source TEXT NOT NULL,                -- the accounting system: api, 1c, xml, excel …
  status TEXT NOT NULL DEFAULT 'running'
    CHECK (status IN ('running', 'ok', 'warnings', 'failed')),
  message TEXT NOT NULL DEFAULT '',    -- Russian, one warning or error a line
  counts TEXT NOT NULL DEFAULT '{}',   -- JSON object: records, processed, created, …
  details TEXT NOT NULL DEFAULT '{}',  -- JSON object: errors, warnings, merges
  actor_name TEXT,                     -- who started it: a user's name, «API: 1С»
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,            -- touched by every progress report of a running one
  finished_at TEXT
);
-- The log's page: the organisation's operations, newest first.
CREATE INDEX exchange_operations_org ON exchange_operations(organization_id, started_at DESC, id DESC);
-- The sweep of operations cut off by a stopped server (at start-up, and per organisation
-- while the log is read): only the few running ones are in it.
CREATE INDEX exchange_operations_running ON exchange_operations(organization_id, updated_at)
  WHERE status = 'running';
