-- Staff users an admin blocked («Настройки» → «Пользователи», SPEC P-1: admins manage users):
-- they cannot sign in, and their sessions end when they are blocked. Users are blocked, never
-- deleted: the change history and the exchange log name them.
ALTER TABLE users ADD COLUMN blocked_at TEXT;
