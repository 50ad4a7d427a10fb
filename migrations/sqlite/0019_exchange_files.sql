-- Files an exchange operation leaves for download (the Excel import's error file: the
-- uploaded sheet with an «Ошибки» column), in the database rather than on the disk of the
-- instance that ran the import: with several instances over one database any of them serves
-- the link. The content is base64 text (one column type for both dialects); a file is kept
-- 24 hours, at most 200 per organisation (exchange::OperationLog::KeepFile).
CREATE TABLE exchange_files (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  operation_id INTEGER NOT NULL REFERENCES exchange_operations(id),
  content TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX exchange_files_operation ON exchange_files(organization_id, operation_id);
CREATE INDEX exchange_files_created ON exchange_files(created_at);
