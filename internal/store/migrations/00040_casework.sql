-- +goose Up
-- Casework (spec/casework.md): injury determinations, disability assessments, the expert pool
-- and its draws, advances and their recovery ledgers. Each case table holds the columns the
-- office views and searches filter on (state, the open step and its due date, who handles it)
-- and the rest of the case as the JSON of the domain value (`data`), loaded and saved whole by
-- one transition; the lists an auditor or a statistic reads line by line — materials, steps,
-- events, draws, ledger entries — are tables of their own. `version` is the optimistic lock:
-- every update says which version it read and fails when another got there first.

CREATE TABLE casework_counters (
    prefix TEXT NOT NULL,             -- RD determination, JD assessment, XF advance
    region TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (prefix, region, year)
);

CREATE TABLE determination_cases (
    id            @ID@,
    case_no       TEXT NOT NULL UNIQUE,
    region        TEXT NOT NULL,       -- the office (GB/T 2260)
    team          TEXT NOT NULL DEFAULT '',
    handler       TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    outcome       TEXT NOT NULL DEFAULT '',
    step          TEXT NOT NULL DEFAULT '',  -- the open step
    due_on        TEXT,                -- its due date; NULL when none or suspended
    worker_id     TEXT NOT NULL,       -- persons.id_number
    employer_uscc TEXT NOT NULL,       -- employers.uscc
    claim_no      TEXT NOT NULL DEFAULT '',
    received_on   TEXT NOT NULL,
    closed_on     TEXT,
    data          TEXT NOT NULL,       -- casework.Determination as JSON, without the lists below
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX determination_cases_due ON determination_cases (region, due_on);
CREATE INDEX determination_cases_worker ON determination_cases (worker_id);
CREATE INDEX determination_cases_employer ON determination_cases (employer_uscc);

CREATE TABLE determination_materials (
    case_id      BIGINT NOT NULL REFERENCES determination_cases(id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    required     INTEGER NOT NULL DEFAULT 0,
    requested_on TEXT,
    received_on  TEXT,
    file_ref     TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, seq)
);

-- Steps and events of every kind of case: entity is determination, assessment or advance.
CREATE TABLE casework_steps (
    entity         TEXT NOT NULL,
    case_id        BIGINT NOT NULL,
    seq            INTEGER NOT NULL,
    name           TEXT NOT NULL,
    started_on     TEXT NOT NULL,
    due_on         TEXT,
    done_on        TEXT,
    suspended_on   TEXT,
    suspended_days INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity, case_id, seq)
);

CREATE TABLE casework_events (
    entity     TEXT NOT NULL,
    case_id    BIGINT NOT NULL,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,         -- instant written, UTC
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    on_date    TEXT NOT NULL,         -- the business date of the act
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entity, case_id, seq)
);

CREATE TABLE assessment_cases (
    id               @ID@,
    case_no          TEXT NOT NULL UNIQUE,
    region           TEXT NOT NULL,   -- the committee
    team             TEXT NOT NULL DEFAULT '',
    handler          TEXT NOT NULL DEFAULT '',
    kind             TEXT NOT NULL,   -- initial | reassessment | review
    parent_id        BIGINT REFERENCES assessment_cases(id),
    determination_id BIGINT REFERENCES determination_cases(id),
    state            TEXT NOT NULL,
    step             TEXT NOT NULL DEFAULT '',
    due_on           TEXT,
    worker_id        TEXT NOT NULL,
    employer_uscc    TEXT NOT NULL DEFAULT '',
    applied_on       TEXT NOT NULL,
    grade            INTEGER,         -- 1–10, 0 none; NULL until concluded
    self_care        TEXT,            -- full | most | partial | '' ; NULL until concluded
    data             TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX assessment_cases_due ON assessment_cases (region, due_on);
CREATE INDEX assessment_cases_worker ON assessment_cases (worker_id);

CREATE TABLE experts (
    id          @ID@,
    region      TEXT NOT NULL,        -- the committee whose pool it is
    name        TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',   -- senior medical title (条例 Art. 24)
    specialties TEXT NOT NULL,        -- JSON array of specialty codes
    active      INTEGER NOT NULL DEFAULT 1,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX experts_region ON experts (region);

CREATE TABLE expert_conflicts (
    expert_id BIGINT NOT NULL REFERENCES experts(id),
    kind      TEXT NOT NULL,          -- employer | person | hospital
    ref       TEXT NOT NULL,          -- USCC, ID number or hospital code
    PRIMARY KEY (expert_id, kind, ref)
);

-- Every draw, kept so an auditor can replay it: seed, the candidates as drawn from (with their
-- specialties), who was excluded and why, and the panel in draw order.
CREATE TABLE expert_draws (
    id            @ID@,
    assessment_id BIGINT NOT NULL REFERENCES assessment_cases(id),
    drawn_at      TEXT NOT NULL,
    actor         TEXT NOT NULL,
    seed          TEXT NOT NULL,      -- 32 hex digits: the two PCG words
    size          INTEGER NOT NULL,
    specialties   TEXT NOT NULL,      -- JSON
    candidates    TEXT NOT NULL,      -- JSON [{id, specialties}]
    excluded      TEXT NOT NULL,      -- JSON [{id, reason}]
    panel         TEXT NOT NULL       -- JSON [id]
);
CREATE INDEX expert_draws_case ON expert_draws (assessment_id);

CREATE TABLE advance_cases (
    id               @ID@,
    case_no          TEXT NOT NULL UNIQUE,
    region           TEXT NOT NULL,
    team             TEXT NOT NULL DEFAULT '',
    handler          TEXT NOT NULL DEFAULT '',
    ground           TEXT NOT NULL,   -- uninsured_employer | third_party
    determination_id BIGINT REFERENCES determination_cases(id),
    state            TEXT NOT NULL,
    step             TEXT NOT NULL DEFAULT '',
    due_on           TEXT,
    worker_id        TEXT NOT NULL,
    employer_uscc    TEXT NOT NULL DEFAULT '',
    applied_on       TEXT NOT NULL,
    balance          BIGINT NOT NULL DEFAULT 0, -- fen: advanced − recovered − written off
    data             TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (balance >= 0)
);
CREATE INDEX advance_cases_due ON advance_cases (region, due_on);

CREATE TABLE recovery_entries (
    advance_id  BIGINT NOT NULL REFERENCES advance_cases(id),
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,        -- advance | demand | recovered | write_off
    on_date     TEXT NOT NULL,
    amount      BIGINT NOT NULL,      -- fen
    by_user     TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    approved_by TEXT NOT NULL DEFAULT '',
    approved_on TEXT,
    PRIMARY KEY (advance_id, seq),
    CHECK (amount > 0)
);

-- +goose Down
DROP TABLE recovery_entries;
DROP TABLE advance_cases;
DROP TABLE expert_draws;
DROP TABLE expert_conflicts;
DROP TABLE experts;
DROP TABLE assessment_cases;
DROP TABLE casework_events;
DROP TABLE casework_steps;
DROP TABLE determination_materials;
DROP TABLE determination_cases;
DROP TABLE casework_counters;
