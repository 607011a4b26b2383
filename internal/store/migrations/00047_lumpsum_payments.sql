-- +goose Up
-- Paying the lump sums of approved proposals (issue 6 item 1; caseservice/lumpsum.go): a
-- payment officer prepares a payable (payee, bank account), a second person whose authority
-- limit covers the amount approves it, and it is paid (one payments row and one ledger
-- posting). status: payable → prepared → approved → paid; a rejection sends it back to
-- payable, a reversal of a payment (bank return, error) back to payable.
ALTER TABLE benefit_payables ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE benefit_payables ADD COLUMN payee TEXT NOT NULL DEFAULT '';
ALTER TABLE benefit_payables ADD COLUMN bank_account TEXT NOT NULL DEFAULT '';
ALTER TABLE benefit_payables ADD COLUMN prepared_by TEXT NOT NULL DEFAULT '';
ALTER TABLE benefit_payables ADD COLUMN prepared_at TEXT;
ALTER TABLE benefit_payables ADD COLUMN approved_by TEXT NOT NULL DEFAULT '';
ALTER TABLE benefit_payables ADD COLUMN approved_at TEXT;
ALTER TABLE benefit_payables ADD COLUMN paid_by TEXT NOT NULL DEFAULT '';
ALTER TABLE benefit_payables ADD COLUMN pay_month TEXT;
ALTER TABLE benefit_payables ADD COLUMN posting_id BIGINT;
ALTER TABLE benefit_payables ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- What the employer owes the worker under an approved proposal (issue 6 item 5): the item is
-- due until the employer or a teller records the payment; past the policy's days it shows as
-- overdue, and it may be referred to the labour inspectorate. No row: due.
CREATE TABLE employer_item_status (
    proposal_id  BIGINT NOT NULL REFERENCES benefit_proposals(id),
    seq          INTEGER NOT NULL,
    status       TEXT NOT NULL,          -- paid | referred
    paid_on      TEXT,
    evidence     TEXT NOT NULL DEFAULT '',
    referral_id  BIGINT,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (proposal_id, seq)
);

-- Authority limits by amount (security.md: a policy): the largest lump sum, in yuan, each role
-- may approve. An amount above every limit needs the fund officer. National defaults; a
-- region overrides them with its own values.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'payment_authority', '2011-01-01', '{"payment_officer":"200000.00","fund_officer":"1000000.00"}', 'security.md: 审批权限按金额 (national default)', 'migration', '2026-11-23T00:00:00Z');
-- Days an employer has to pay an approved item before it shows as overdue.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'casework.employer_pay_days', '2011-01-01', '30', 'employer-paid items: overdue after 30 days (national default)', 'migration', '2026-11-23T00:00:00Z');

-- +goose Down
DELETE FROM policy_values WHERE created_by = 'migration' AND param IN ('payment_authority', 'casework.employer_pay_days');
DROP TABLE employer_item_status;
ALTER TABLE benefit_payables DROP COLUMN note;
ALTER TABLE benefit_payables DROP COLUMN posting_id;
ALTER TABLE benefit_payables DROP COLUMN pay_month;
ALTER TABLE benefit_payables DROP COLUMN paid_by;
ALTER TABLE benefit_payables DROP COLUMN approved_at;
ALTER TABLE benefit_payables DROP COLUMN approved_by;
ALTER TABLE benefit_payables DROP COLUMN prepared_at;
ALTER TABLE benefit_payables DROP COLUMN prepared_by;
ALTER TABLE benefit_payables DROP COLUMN bank_account;
ALTER TABLE benefit_payables DROP COLUMN payee;
ALTER TABLE benefit_payables DROP COLUMN version;
