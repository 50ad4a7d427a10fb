-- Issue 5 (docs/links-and-accounts.md): premise–client links, personal accounts and their
-- ledger (charges, payments). Debt is kept: personal_accounts.debt = Σ charges − Σ payments,
-- clients.debt = Σ debt of the accounts of every premise the client is linked to; both are
-- updated in the transaction that changes a charge, payment, account or link.

CREATE TABLE premise_clients (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  premise_id INTEGER NOT NULL REFERENCES premises(id) ON DELETE CASCADE,
  client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  role TEXT NOT NULL DEFAULT 'owner',
  owner_client_id INTEGER REFERENCES clients(id) ON DELETE SET NULL,
  ddu_number TEXT,
  ddu_date TEXT,
  acceptance_act_number TEXT,
  acceptance_act_date TEXT,
  certificate_number TEXT,
  certificate_date TEXT,
  management_contract_number TEXT,
  management_contract_date TEXT,
  ownership_share TEXT,          -- as typed, normalised: "1/2" or "50%"
  share_numerator INTEGER,       -- the share as an exact fraction (NULL without a share)
  share_denominator INTEGER,
  comment TEXT,
  online_payment INTEGER NOT NULL DEFAULT 0,
  keep_on_sync INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL DEFAULT 'staff',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX premise_clients_pair ON premise_clients(premise_id, client_id);
CREATE INDEX premise_clients_client ON premise_clients(client_id);
CREATE INDEX premise_clients_role ON premise_clients(premise_id, role);
CREATE INDEX premise_clients_owner ON premise_clients(organization_id, owner_client_id);

CREATE TABLE personal_accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  premise_id INTEGER NOT NULL REFERENCES premises(id) ON DELETE CASCADE,
  legal_entity_id INTEGER NOT NULL REFERENCES legal_entities(id),
  number TEXT NOT NULL,
  unified_account TEXT,
  external_id TEXT,
  hidden_from_resident INTEGER NOT NULL DEFAULT 0,
  debt INTEGER NOT NULL DEFAULT 0,   -- kopecks: Σ charges − Σ payments
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX personal_accounts_number ON personal_accounts(legal_entity_id, number);
CREATE UNIQUE INDEX personal_accounts_external ON personal_accounts(organization_id, external_id)
  WHERE external_id IS NOT NULL;
CREATE INDEX personal_accounts_premise ON personal_accounts(premise_id);
CREATE INDEX personal_accounts_org_number ON personal_accounts(organization_id, number);
CREATE INDEX personal_accounts_unified ON personal_accounts(organization_id, unified_account)
  WHERE unified_account IS NOT NULL;

CREATE TABLE account_charges (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  account_id INTEGER NOT NULL REFERENCES personal_accounts(id) ON DELETE CASCADE,
  period TEXT NOT NULL,   -- YYYY-MM
  service TEXT NOT NULL,
  amount INTEGER NOT NULL,  -- kopecks; negative = recalculation
  created_at TEXT NOT NULL
);
CREATE INDEX account_charges_account ON account_charges(account_id, period);

CREATE TABLE account_payments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  account_id INTEGER NOT NULL REFERENCES personal_accounts(id) ON DELETE CASCADE,
  date TEXT NOT NULL,     -- YYYY-MM-DD
  amount INTEGER NOT NULL,  -- kopecks, > 0
  source TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX account_payments_account ON account_payments(account_id, date);

ALTER TABLE clients ADD COLUMN debt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN logged_in_at TEXT;
CREATE INDEX clients_debt ON clients(organization_id, debt);
