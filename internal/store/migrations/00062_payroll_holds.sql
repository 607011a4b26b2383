-- +goose Up
-- Payroll lines held back by a run (payrollsvc.Service.Hold; the risk module holds the
-- payments of persons with an open R03 alert, risk-rules.md "R03 stops the payroll paying a
-- dead person"). A held line is not paid; its entitlement's back pay check is armed from the
-- held month, so once the hold is gone (the alert closed as a false alarm) the next run pays
-- what is still owed, and for a person really dead the payroll rules pay nothing after death.
CREATE TABLE payroll_holds (
    run_month  TEXT NOT NULL,
    id_number  TEXT NOT NULL,
    item       TEXT NOT NULL,
    amount     BIGINT NOT NULL,   -- fen the line would have paid
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_month, id_number, item)
);

-- +goose Down
DROP TABLE payroll_holds;
