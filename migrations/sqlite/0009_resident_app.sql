-- Issue 5, the resident app (docs/links-and-accounts.md, «Resident app API»): one resident
-- identity per phone across organisations, one-time sign-in codes (only their digests),
-- resident sessions (only token digests) and the SMS outbox that the delivery loop drains.

CREATE TABLE residents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  phone TEXT NOT NULL UNIQUE,          -- E.164
  created_at TEXT NOT NULL,
  last_seen_at TEXT
);

CREATE TABLE resident_codes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  phone TEXT NOT NULL,                 -- E.164
  code_hash TEXT NOT NULL,             -- BLAKE2b of phone and code, never the code
  expires_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, -- verifications tried; 5 wrong ones spend the code
  used_at TEXT,                        -- set when the code signed someone in
  created_at TEXT NOT NULL
);
CREATE INDEX resident_codes_phone ON resident_codes(phone, created_at);

CREATE TABLE resident_sessions (
  token_hash TEXT PRIMARY KEY,         -- BLAKE2b of the bearer token
  resident_id INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX resident_sessions_resident ON resident_sessions(resident_id);

CREATE TABLE sms_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  phone TEXT NOT NULL,
  text TEXT NOT NULL,                  -- digits masked once the message is sent or given up
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,       -- a pending message is (re)tried from this time
  created_at TEXT NOT NULL,
  sent_at TEXT,
  error TEXT
);
CREATE INDEX sms_outbox_pending ON sms_outbox(status, next_attempt_at);

-- Sign-in joins the clients of every organisation that have the phone.
CREATE INDEX clients_phone_any_org ON clients(phone) WHERE phone IS NOT NULL;
