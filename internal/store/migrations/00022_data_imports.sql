-- +goose Up
-- Imports uploaded through the data exchange page: who, when, the per-file counts and the
-- full `file:line: column: reason` report, kept so it can be shown and downloaded later.
CREATE TABLE data_imports (
    id          @ID@,
    username    TEXT NOT NULL,
    started_at  TEXT NOT NULL,            -- UTC instant
    outcome     TEXT NOT NULL,            -- ok | partial | unusable | failed
    rejected    BIGINT NOT NULL,
    files       TEXT NOT NULL,            -- JSON array of per-file counts
    report      TEXT NOT NULL             -- the problem lines, one per line
);

-- +goose Down
DROP TABLE data_imports;
