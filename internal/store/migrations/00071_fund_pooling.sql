-- +goose Up
-- Provincial pooling runs (人社部发〔2017〕60号, fund-and-service.md): a year's remittances and
-- allocations computed from the ledger, proposed by one fund officer and approved by another
-- before they are posted. The figures are kept as computed, so an approval approves exactly
-- what was shown.
CREATE TABLE pooling_runs (
    id          @ID@,
    province    TEXT NOT NULL,            -- region code of the province (its own unit)
    year        INTEGER NOT NULL,
    mode        TEXT NOT NULL,            -- unified | adjustment
    share       TEXT NOT NULL,            -- remittance share, exact decimal
    figures     TEXT NOT NULL,            -- JSON: units' income and expenditure, fund.PoolingResult
    status      TEXT NOT NULL,            -- proposed | approved | rejected | superseded
    proposed_by TEXT NOT NULL,
    approved_by TEXT,
    created_at  TEXT NOT NULL,
    decided_at  TEXT,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pooling_runs_province ON pooling_runs (province, year);

-- +goose Down
DROP TABLE pooling_runs;
