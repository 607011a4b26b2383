-- +goose Up
-- Yearly fund budgets per accounting unit and ledger account (fund-and-service.md, Budget);
-- execution is read from the ledger, so only the targets are stored.
CREATE TABLE fund_budgets (
    unit       TEXT NOT NULL,             -- region code
    year       INTEGER NOT NULL,
    account    TEXT NOT NULL,             -- income:… or expense:… (package fund)
    amount     BIGINT NOT NULL,           -- fen
    set_by     TEXT NOT NULL,
    set_at     TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (unit, year, account)
);

-- +goose Down
DROP TABLE fund_budgets;
