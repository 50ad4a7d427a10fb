-- The accounts tab shows each account's charges and payments totals: summed from these
-- indexes alone (the amount is in them), not from rows scattered over the ledger tables.
DROP INDEX account_charges_account;
CREATE INDEX account_charges_account ON account_charges(account_id, period, amount);
DROP INDEX account_payments_account;
CREATE INDEX account_payments_account ON account_payments(account_id, date, amount);
