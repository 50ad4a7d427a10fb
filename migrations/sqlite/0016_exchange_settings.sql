-- Data exchange II (SPEC I-4 … I-7): the organisation's exchange settings («Общие
-- настройки»: FTP; «Импорт»: method, report e-mails, file paths, deletion, schedule) and the
-- outbox of report e-mails. Written by exchange::SettingsRepository, the Scheduler and
-- MailDelivery (src/domains/exchange/settings_repository.*, scheduler.*, mail.*).

CREATE TABLE exchange_settings (
  organization_id INTEGER PRIMARY KEY REFERENCES organizations(id),
  ftp_host TEXT NOT NULL DEFAULT '',
  ftp_port INTEGER NOT NULL DEFAULT 21,
  ftp_user TEXT NOT NULL DEFAULT '',
  ftp_password_enc TEXT,               -- base64 of libsodium secretbox nonce+cipher; NULL: none
  ftp_passive INTEGER NOT NULL DEFAULT 1,
  ftp_tls INTEGER NOT NULL DEFAULT 0,
  method TEXT NOT NULL DEFAULT 'links',  -- «Ссылки на XML-файлы», the only one
  report_emails TEXT NOT NULL DEFAULT '',  -- comma list
  paths TEXT NOT NULL DEFAULT '',          -- comma list: /abs/path or http(s):// ftp:// URLs
  delete_after_read INTEGER NOT NULL DEFAULT 0,
  schedule_minute TEXT NOT NULL DEFAULT '*',
  schedule_hour TEXT NOT NULL DEFAULT '*',
  schedule_day TEXT NOT NULL DEFAULT '*',
  schedule_month TEXT NOT NULL DEFAULT '*',
  schedule_weekday TEXT NOT NULL DEFAULT '*',
  schedule_enabled INTEGER NOT NULL DEFAULT 0,
  space TEXT NOT NULL DEFAULT 'operations',
  source TEXT NOT NULL DEFAULT 'xml',
  -- Bookkeeping of the scheduler: the slot due next (NULL: no schedule), the last run, and
  -- the lease an instance takes with a conditional UPDATE before it runs a slot, so that two
  -- instances over one PostgreSQL run it once.
  next_run_at TEXT,
  last_run_at TEXT,
  lease_owner TEXT,
  lease_until TEXT,
  updated_at TEXT NOT NULL
);
-- The scheduler's poll: due schedules only.
CREATE INDEX exchange_settings_due ON exchange_settings(next_run_at) WHERE next_run_at IS NOT NULL;

-- Report e-mails of the exchange (I-7): queued where a run ends, sent by MailDelivery over
-- SMTP, retried with backoff; a failure is logged here and never fails the import.
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER REFERENCES organizations(id),
  recipients TEXT NOT NULL,            -- comma list
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  error TEXT
);
CREATE INDEX mail_outbox_pending ON mail_outbox(status, next_attempt_at);
