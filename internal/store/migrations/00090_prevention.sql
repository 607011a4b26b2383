-- +goose Up
-- Prevention and rehabilitation (spec/prevention-rehab.md): occupational-disease claims,
-- the prevention committee, projects and their spending, employer prevention files,
-- occupational health surveillance, rehabilitation institutions and cases.

-- Claims that are occupational-disease cases, with the disease and the diagnosis date. The
-- interchange claims table does not say; a surveillance follow-up that ends in a
-- determination records it here, and casework or an import can do the same.
CREATE TABLE od_claims (
    claim_no     TEXT PRIMARY KEY REFERENCES claims(claim_no),
    disease      TEXT NOT NULL,
    diagnosed_on TEXT NOT NULL,            -- YYYY-MM-DD
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);

CREATE TABLE prevention_committee_members (
    id         @ID@,
    region     TEXT NOT NULL,
    name       TEXT NOT NULL,
    department TEXT NOT NULL,              -- member department (人社, 财政, 卫健, 应急管理, ...)
    position   TEXT NOT NULL DEFAULT '',
    from_on    TEXT NOT NULL,
    to_on      TEXT                        -- NULL while serving
);
CREATE INDEX prevention_committee_members_region ON prevention_committee_members (region);

CREATE TABLE prevention_meetings (
    id         @ID@,
    region     TEXT NOT NULL,
    held_on    TEXT NOT NULL,
    topic      TEXT NOT NULL,
    attendees  TEXT NOT NULL DEFAULT '',   -- member ids, comma-separated
    exchanged  TEXT NOT NULL DEFAULT '',   -- information exchanged: hazard findings, accident trends
    created_by TEXT NOT NULL
);
CREATE INDEX prevention_meetings_region ON prevention_meetings (region, held_on);

CREATE TABLE prevention_decisions (
    meeting_id  BIGINT NOT NULL REFERENCES prevention_meetings(id),
    seq         INTEGER NOT NULL,
    decision    TEXT NOT NULL,
    responsible TEXT NOT NULL DEFAULT '',  -- the department that carries it out
    due_on      TEXT,
    PRIMARY KEY (meeting_id, seq)
);

CREATE TABLE prevention_projects (
    id             @ID@,
    region         TEXT NOT NULL,
    year           INTEGER NOT NULL,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL,          -- publicity | training | experience | checkup | supply_chain
    provider       TEXT NOT NULL,
    procurement    TEXT NOT NULL DEFAULT '',
    budget         BIGINT NOT NULL,        -- fen
    start_on       TEXT NOT NULL,
    end_on         TEXT NOT NULL,
    objective      TEXT NOT NULL DEFAULT '',
    people_trained INTEGER NOT NULL DEFAULT 0,
    certificates   INTEGER NOT NULL DEFAULT 0,
    results        TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX prevention_projects_region ON prevention_projects (region, year);

CREATE TABLE prevention_project_targets (
    project_id BIGINT NOT NULL REFERENCES prevention_projects(id),
    uscc       TEXT NOT NULL REFERENCES employers(uscc),
    PRIMARY KEY (project_id, uscc)
);
CREATE INDEX prevention_project_targets_uscc ON prevention_project_targets (uscc);

CREATE TABLE prevention_participants (
    project_id  BIGINT NOT NULL REFERENCES prevention_projects(id),
    id_number   TEXT NOT NULL,
    uscc        TEXT NOT NULL,
    certificate TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, id_number)
);
CREATE INDEX prevention_participants_uscc ON prevention_participants (uscc);

-- Each spending of a project, with the ledger posting it made; flagged when it went over the
-- cap under an over_cap "flag" policy.
CREATE TABLE prevention_spending (
    id         @ID@,
    project_id BIGINT NOT NULL REFERENCES prevention_projects(id),
    unit       TEXT NOT NULL,
    spent_on   TEXT NOT NULL,
    amount     BIGINT NOT NULL,            -- fen
    training   INTEGER NOT NULL,           -- 1 when it counts toward the training share
    flagged    INTEGER NOT NULL DEFAULT 0,
    posting_id BIGINT NOT NULL REFERENCES ledger_postings(id),
    memo       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX prevention_spending_unit ON prevention_spending (unit, spent_on);
CREATE INDEX prevention_spending_project ON prevention_spending (project_id);

-- The employer prevention file (一企一策、一企一档): declared hazards, and dated entries of
-- kind plan | visit | inspection | guidance | course.
CREATE TABLE employer_hazards (
    id          @ID@,
    uscc        TEXT NOT NULL REFERENCES employers(uscc),
    factor      TEXT NOT NULL,             -- dust | chemical | physical_noise | ...
    detail      TEXT NOT NULL DEFAULT '',  -- the substance or source, e.g. 矽尘
    workers     INTEGER NOT NULL DEFAULT 0,
    declared_on TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX employer_hazards_uscc ON employer_hazards (uscc);

CREATE TABLE employer_file_entries (
    id         @ID@,
    uscc       TEXT NOT NULL REFERENCES employers(uscc),
    kind       TEXT NOT NULL,
    on_date    TEXT NOT NULL,
    summary    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX employer_file_entries_uscc ON employer_file_entries (uscc, on_date);

-- Occupational health examinations (health data: read only through the service, which
-- checks the role).
CREATE TABLE health_exams (
    id          @ID@,
    id_number   TEXT NOT NULL,
    uscc        TEXT NOT NULL REFERENCES employers(uscc),
    kind        TEXT NOT NULL,             -- pre_employment | on_the_job | leaving
    exam_on     TEXT NOT NULL,
    institution TEXT NOT NULL,
    hazards     TEXT NOT NULL DEFAULT '',  -- factor codes, comma-separated
    result      TEXT NOT NULL,             -- normal | abnormal | contraindication | suspected | other_disease
    findings    TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX health_exams_person ON health_exams (id_number);
CREATE INDEX health_exams_uscc ON health_exams (uscc, exam_on);

CREATE TABLE suspected_od (
    id           @ID@,
    exam_id      BIGINT NOT NULL UNIQUE REFERENCES health_exams(id),
    id_number    TEXT NOT NULL,
    uscc         TEXT NOT NULL,
    disease      TEXT NOT NULL,
    state        TEXT NOT NULL,            -- flagged | diagnosing | excluded | confirmed
    flagged_on   TEXT NOT NULL,            -- the day the employer was told
    measure      TEXT NOT NULL DEFAULT '', -- what the employer did, e.g. kept out of underground work
    claim_no     TEXT,                     -- the determination's claim, once confirmed
    version      INTEGER NOT NULL DEFAULT 1,
    updated_at   TEXT NOT NULL
);
CREATE INDEX suspected_od_uscc ON suspected_od (uscc, state);
CREATE INDEX suspected_od_person ON suspected_od (id_number);

CREATE TABLE suspected_od_followups (
    suspect_id BIGINT NOT NULL REFERENCES suspected_od(id),
    seq        INTEGER NOT NULL,
    on_date    TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,
    PRIMARY KEY (suspect_id, seq)
);

CREATE TABLE rehab_institutions (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    region   TEXT NOT NULL,
    private  INTEGER NOT NULL DEFAULT 0,
    capacity INTEGER NOT NULL DEFAULT 0   -- beds or places
);

-- Rehabilitation cases: the filter columns, and the rest of the case as the JSON of
-- prevention.RehabCase, loaded and saved whole by one transition; version is the optimistic
-- lock.
CREATE TABLE rehab_cases (
    id            @ID@,
    region        TEXT NOT NULL,
    worker_id     TEXT NOT NULL,
    employer_uscc TEXT NOT NULL,
    claim_no      TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,
    institution   TEXT NOT NULL DEFAULT '',
    opened_on     TEXT NOT NULL,
    closed_on     TEXT,
    return_to_work TEXT NOT NULL DEFAULT '',
    returned_on   TEXT,
    data          TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX rehab_cases_region ON rehab_cases (region, state);
CREATE INDEX rehab_cases_worker ON rehab_cases (worker_id);

CREATE TABLE rehab_events (
    case_id    BIGINT NOT NULL REFERENCES rehab_cases(id),
    seq        INTEGER NOT NULL,
    on_date    TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- +goose Down
DROP TABLE rehab_events;
DROP TABLE rehab_cases;
DROP TABLE rehab_institutions;
DROP TABLE suspected_od_followups;
DROP TABLE suspected_od;
DROP TABLE health_exams;
DROP TABLE employer_file_entries;
DROP TABLE employer_hazards;
DROP TABLE prevention_spending;
DROP TABLE prevention_participants;
DROP TABLE prevention_project_targets;
DROP TABLE prevention_projects;
DROP TABLE prevention_decisions;
DROP TABLE prevention_meetings;
DROP TABLE prevention_committee_members;
DROP TABLE od_claims;
