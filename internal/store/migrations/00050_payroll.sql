-- +goose Up
-- Long-term entitlements and the monthly payroll (spec/payroll.md; internal/payrollsvc).
--
-- Entitlements are synced from `beneficiaries` (the interchange import) by every payroll run
-- that starts a month: rows whose key (id_number, item, worker_id_number) is not yet known
-- become entitlements with their monthly_amount as the first amount from start_month; known
-- rows refresh name, bank account, end month, grade, self-care level, relation and the orphan
-- flag. An imported amount is never rewritten here: amount changes are added as new
-- effective-dated amounts (adjustments, corrections), so history is never overwritten.
CREATE TABLE payroll_entitlements (
    id               @ID@,
    id_number        TEXT NOT NULL,
    name             TEXT NOT NULL,
    item             TEXT NOT NULL,
    grade            INTEGER,
    self_care        TEXT,
    relation         TEXT,
    orphan_or_lone   INTEGER NOT NULL DEFAULT 0,
    start_month      TEXT NOT NULL,
    end_month        TEXT,
    bank_account     TEXT NOT NULL DEFAULT '',
    worker_id_number TEXT NOT NULL,
    unable_to_work   INTEGER NOT NULL DEFAULT 0,   -- minor-rule survivor unable to work
    -- The latest amount and its month, copied from payroll_amounts so the monthly run reads
    -- one row per entitlement; the run looks the history up only for a month before amount_from.
    amount           BIGINT NOT NULL,              -- fen
    amount_from      TEXT NOT NULL,
    has_suspension   INTEGER NOT NULL DEFAULT 0,   -- payroll_suspensions has rows for it
    -- Earliest month whose owed amount may differ from what was paid (an adjustment dated
    -- back, a lifted suspension): the next run computes back pay from here, then clears it.
    recheck_from     TEXT,
    origin           TEXT NOT NULL DEFAULT 'beneficiaries',
    created_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (id_number, item, worker_id_number)
);

-- Effective-dated amounts: only ever inserted.
CREATE TABLE payroll_amounts (
    id             @ID@,
    entitlement_id BIGINT NOT NULL REFERENCES payroll_entitlements(id),
    from_month     TEXT NOT NULL,
    amount         BIGINT NOT NULL,                -- fen
    reason         TEXT NOT NULL,
    adjustment_id  BIGINT,
    created_by     TEXT NOT NULL DEFAULT 'system',
    created_at     TEXT NOT NULL
);
CREATE INDEX payroll_amounts_entitlement ON payroll_amounts (entitlement_id, from_month);

-- Art. 42 suspensions, dated; lifting pays the suspended months back.
CREATE TABLE payroll_suspensions (
    id             @ID@,
    entitlement_id BIGINT NOT NULL REFERENCES payroll_entitlements(id),
    from_month     TEXT NOT NULL,
    to_month       TEXT,                          -- last suspended month; NULL open
    reason         TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    lifted_by      TEXT,
    lifted_at      TEXT
);
CREATE INDEX payroll_suspensions_entitlement ON payroll_suspensions (entitlement_id);

-- Adjustments applied, keyed by effective month and rule hash so one rule applies once.
CREATE TABLE payroll_adjustments (
    id              @ID@,
    effective_month TEXT NOT NULL,
    rule_hash       TEXT NOT NULL,
    rule_json       TEXT NOT NULL,
    entitlements    INTEGER NOT NULL,
    persons         INTEGER NOT NULL,
    monthly_cost    BIGINT NOT NULL,              -- fen: increase per month
    applied_by      TEXT NOT NULL,
    applied_at      TEXT NOT NULL,
    UNIQUE (effective_month, rule_hash)
);

-- One row per monthly run. The run's lines are its rows in `payments` (source 'payroll:YYYY-MM'),
-- so risk rules see them; resume_* is the last payee and item committed, counters are kept
-- in the same transactions as the lines so a restart continues exactly where it stopped.
CREATE TABLE payroll_runs (
    month          TEXT PRIMARY KEY,
    state          TEXT NOT NULL,                 -- computing | computed | approved | exported | reconciled
    prepared_by    TEXT NOT NULL,
    approved_by    TEXT,
    started_at     TEXT NOT NULL,
    computed_at    TEXT,
    approved_at    TEXT,
    exported_at    TEXT,
    reconciled_at  TEXT,
    resume_id      TEXT NOT NULL DEFAULT '',
    resume_item    TEXT NOT NULL DEFAULT '',
    last_person    TEXT NOT NULL DEFAULT '',      -- last payee counted in persons
    lines          INTEGER NOT NULL DEFAULT 0,
    persons        INTEGER NOT NULL DEFAULT 0,
    total          BIGINT NOT NULL DEFAULT 0,
    item_totals    TEXT NOT NULL DEFAULT '{}',    -- JSON {item: {"lines": n, "total": fen}}
    version        INTEGER NOT NULL DEFAULT 1
);

-- Back pay attributed to the months it settles, so "amount paid for that month, earlier back
-- pay included" (payroll.md) is answerable for every later adjustment.
CREATE TABLE payroll_backpay_months (
    id_number  TEXT NOT NULL,
    item       TEXT NOT NULL,
    month      TEXT NOT NULL,
    run_month  TEXT NOT NULL,
    amount     BIGINT NOT NULL,
    PRIMARY KEY (id_number, item, month, run_month)
);
CREATE INDEX payroll_backpay_months_month ON payroll_backpay_months (month);

-- Bank outcome of exported lines that did not simply succeed (failed lines reopen).
CREATE TABLE payroll_line_status (
    run_month  TEXT NOT NULL,
    id_number  TEXT NOT NULL,
    item       TEXT NOT NULL,
    status     TEXT NOT NULL,                     -- failed (reopened) | corrected
    reason     TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_month, id_number, item)
);

-- The bank file is written from the stored lines in its own order.
CREATE INDEX payments_source ON payments (source, bank_account, id_number, item);

-- +goose Down
DROP INDEX payments_source;
DROP TABLE payroll_line_status;
DROP TABLE payroll_backpay_months;
DROP TABLE payroll_runs;
DROP TABLE payroll_adjustments;
DROP TABLE payroll_suspensions;
DROP TABLE payroll_amounts;
DROP TABLE payroll_entitlements;
