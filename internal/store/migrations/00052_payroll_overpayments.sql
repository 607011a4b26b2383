-- +goose Up
-- Overpayments (spec/payroll.md "Overpayments"; internal/payrollsvc/overpay.go).
--
-- One receivable per person; its movements are rows of payroll_receivable_entries, never
-- edited: 'established' (an overpaid month of an item, with its cause), 'setoff' (deducted from
-- a line of a run), 'repaid' (money received after a demand), 'written_off' (approved by a
-- second person). The balance columns are the running sums, kept in the same transaction.
CREATE TABLE payroll_receivables (
    id           @ID@,
    id_number    TEXT NOT NULL UNIQUE,
    unit         TEXT NOT NULL,                  -- fund unit (city region code) owed
    established  BIGINT NOT NULL DEFAULT 0,      -- fen
    recovered    BIGINT NOT NULL DEFAULT 0,
    written_off  BIGINT NOT NULL DEFAULT 0,
    balance      BIGINT NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX payroll_receivables_open ON payroll_receivables (balance);

CREATE TABLE payroll_receivable_entries (
    id            @ID@,
    receivable_id BIGINT NOT NULL REFERENCES payroll_receivables(id),
    id_number     TEXT NOT NULL,
    kind          TEXT NOT NULL,                 -- established | setoff | repaid | written_off
    cause         TEXT NOT NULL DEFAULT '',      -- death | lost_qualification | false_certification | correction
    item          TEXT NOT NULL DEFAULT '',
    month         TEXT NOT NULL DEFAULT '',      -- overpaid month, or the run month of a set-off
    amount        BIGINT NOT NULL,               -- fen, positive
    ref           TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX payroll_receivable_entries_person ON payroll_receivable_entries (id_number, item, month);
CREATE INDEX payroll_receivable_entries_receivable ON payroll_receivable_entries (receivable_id);

-- Demands to the payee or, after a death, the estate.
CREATE TABLE payroll_demands (
    id            @ID@,
    receivable_id BIGINT NOT NULL REFERENCES payroll_receivables(id),
    addressee     TEXT NOT NULL,                 -- payee | estate
    name          TEXT NOT NULL DEFAULT '',
    amount        BIGINT NOT NULL,
    due_on        TEXT NOT NULL,
    issued_by     TEXT NOT NULL,
    issued_at     TEXT NOT NULL
);

-- Write-offs wait for a second person (security.md, four-eyes).
CREATE TABLE payroll_writeoffs (
    id            @ID@,
    receivable_id BIGINT NOT NULL REFERENCES payroll_receivables(id),
    amount        BIGINT NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL,                 -- pending | approved | rejected
    proposed_by   TEXT NOT NULL,
    proposed_at   TEXT NOT NULL,
    decided_by    TEXT,
    decided_at    TEXT,
    version       INTEGER NOT NULL DEFAULT 1
);

-- +goose Down
DROP TABLE payroll_writeoffs;
DROP TABLE payroll_demands;
DROP TABLE payroll_receivable_entries;
DROP TABLE payroll_receivables;
