-- +goose Up
-- Project-based enrollment for construction (contributions.md, 同舟计划). A project itself is a
-- row of projects (00010, the interchange layout); these tables hold what happens to it here:
-- the one-time premium's payment, the real-name roster and the 48-hour accident reports.

-- The premium is paid once (contract value × rate); the posting is its ledger entry.
CREATE TABLE project_payments (
    project_code TEXT PRIMARY KEY REFERENCES projects(project_code),
    paid_on      TEXT NOT NULL,           -- YYYY-MM-DD
    amount       BIGINT NOT NULL,         -- fen
    posting_id   BIGINT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL            -- UTC instant
);

-- The real-name roster (实名制): who works on the site, from and to which day. enrolled = 1
-- when this line holds the person's `project` enrollment with the contractor (the add event
-- was recorded for it), so leaving the site removes that enrollment and nothing else.
CREATE TABLE project_roster (
    project_code TEXT NOT NULL REFERENCES projects(project_code),
    id_number    TEXT NOT NULL,
    from_date    TEXT NOT NULL,
    to_date      TEXT,
    enrolled     INTEGER NOT NULL DEFAULT 0,
    added_by     TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (project_code, id_number, from_date)
);
CREATE INDEX project_roster_person ON project_roster (id_number);

-- Accident reports (事故快报): occurred_at and reported_at are local date-times
-- YYYY-MM-DDTHH:MM as in claims; late is R10's reading at the time of the report.
CREATE TABLE project_accidents (
    id           @ID@,
    project_code TEXT NOT NULL REFERENCES projects(project_code),
    id_number    TEXT,
    occurred_at  TEXT NOT NULL,
    reported_at  TEXT NOT NULL,
    late         INTEGER NOT NULL,
    description  TEXT NOT NULL,
    reported_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX project_accidents_project ON project_accidents (project_code);

-- +goose Down
DROP TABLE project_accidents;
DROP TABLE project_roster;
DROP TABLE project_payments;
