-- +goose Up
-- One row per `wiis import` of a folder: when, what and with which outcome, so a teller can
-- see what came in and a later job (the risk scan after imports) can find new data.
CREATE TABLE import_runs (
    id          @ID@,
    dir         TEXT NOT NULL,
    started_at  TEXT NOT NULL,            -- UTC YYYY-MM-DDTHH:MM:SSZ
    finished_at TEXT NOT NULL,
    outcome     TEXT NOT NULL,            -- ok | partial (rows rejected) | failed
    rejected    BIGINT NOT NULL,
    summary     TEXT NOT NULL             -- JSON array of per-file counts
);

-- +goose Down
DROP TABLE import_runs;
