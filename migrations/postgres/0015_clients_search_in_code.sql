-- SQLite only (its FTS5 index is now written by ClientRepository); PostgreSQL searches the
-- clients table itself. Kept so that both dialects share one numbering.
SELECT 1;
