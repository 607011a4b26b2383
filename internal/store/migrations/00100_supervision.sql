-- +goose Up
-- Supervision and archives (issue 13; internal/supervise, internal/supervise/supstore):
-- inspection referrals to the labour inspectorate, yearly targets by district, agreement
-- institution assessments, case conferences and the electronic archive. States and figures
-- are computed in Go; the tables hold what people decided and when.

-- A referral of an employer to the labour inspectorate (劳动监察移送), from a case or an alert.
CREATE TABLE inspection_referrals (
    id           @ID@,
    referral_no  TEXT NOT NULL UNIQUE,
    region       TEXT NOT NULL,           -- the referring office
    uscc         TEXT NOT NULL,
    source_kind  TEXT NOT NULL,           -- determination | assessment | advance | alert
    source_id    BIGINT NOT NULL,
    inspectorate TEXT NOT NULL,           -- the owning labour inspection office
    facts        TEXT NOT NULL,
    evidence     TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,           -- referred | received | investigating | result | closed
    referred_on  TEXT NOT NULL,
    due_on       TEXT NOT NULL,           -- the inspectorate's result is due (policy days)
    received_on  TEXT,
    result_on    TEXT,
    outcome      TEXT NOT NULL DEFAULT '',-- ordered_to_enrol | penalised | no_violation | transferred
    result       TEXT NOT NULL DEFAULT '',
    closed_on    TEXT,
    created_by   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX inspection_referrals_region ON inspection_referrals (region, state);
CREATE INDEX inspection_referrals_uscc ON inspection_referrals (uscc);
CREATE UNIQUE INDEX inspection_referrals_one_open ON inspection_referrals (source_kind, source_id, uscc) WHERE state <> 'closed';

CREATE TABLE inspection_referral_events (
    referral_id BIGINT NOT NULL REFERENCES inspection_referrals(id),
    seq         INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    on_date     TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (referral_id, seq)
);

-- Yearly targets: one row per year, region and indicator. A city (or province) row is the
-- whole; district rows are its breakdown (parent names the whole's region).
CREATE TABLE sup_targets (
    year       INTEGER NOT NULL,
    region     TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    value      BIGINT NOT NULL,           -- persons, employers, projects, fen, or basis points
    parent     TEXT NOT NULL DEFAULT '',
    set_by     TEXT NOT NULL,
    set_at     TEXT NOT NULL,
    PRIMARY KEY (year, region, indicator)
);

-- Complaints against agreement institutions, one input of their yearly assessment.
CREATE TABLE institution_complaints (
    id               @ID@,
    institution_code TEXT NOT NULL REFERENCES medical_institutions(code),
    received_on      TEXT NOT NULL,
    summary          TEXT NOT NULL,
    substantiated    INTEGER NOT NULL DEFAULT 1,
    recorded_by      TEXT NOT NULL
);
CREATE INDEX institution_complaints_code ON institution_complaints (institution_code, received_on);

-- The yearly assessment of an agreement institution (协议机构考核): the indicators as computed,
-- the score and grade, the proposed effect on the agreement and its approval by a second person.
CREATE TABLE institution_assessments (
    id               @ID@,
    institution_code TEXT NOT NULL REFERENCES medical_institutions(code),
    year             INTEGER NOT NULL,
    indicators       TEXT NOT NULL,       -- JSON supervise.InstIndicators
    score            INTEGER NOT NULL,    -- tenths of a point, 0–1000
    grade            TEXT NOT NULL,
    effect           TEXT NOT NULL,       -- renew | warn | terminate
    state            TEXT NOT NULL,       -- proposed | approved | rejected
    proposed_by      TEXT NOT NULL,
    proposed_at      TEXT NOT NULL,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TEXT,
    note             TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (institution_code, year)
);

-- Case conferences (重大疑难案件会商).
CREATE TABLE case_conferences (
    id            @ID@,
    entity        TEXT NOT NULL,          -- determination | assessment | advance
    case_id       BIGINT NOT NULL,
    case_no       TEXT NOT NULL,
    worker_id     TEXT NOT NULL DEFAULT '',
    region        TEXT NOT NULL,
    mark          TEXT NOT NULL,          -- major | difficult
    question      TEXT NOT NULL,
    materials     TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL,          -- convened | held | concluded
    convened_by   TEXT NOT NULL,
    convened_on   TEXT NOT NULL,
    held_on       TEXT,
    minutes       TEXT NOT NULL DEFAULT '',
    conclusion    TEXT NOT NULL DEFAULT '',
    decision      TEXT NOT NULL DEFAULT '',  -- the conclusion's kind
    applied       TEXT NOT NULL DEFAULT '',  -- what it did to the case
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX case_conferences_case ON case_conferences (entity, case_id);
CREATE INDEX case_conferences_worker ON case_conferences (worker_id);

CREATE TABLE conference_members (
    conference_id BIGINT NOT NULL REFERENCES case_conferences(id),
    seq           INTEGER NOT NULL,
    name          TEXT NOT NULL,
    position      TEXT NOT NULL DEFAULT '',
    opinion       TEXT NOT NULL DEFAULT '',
    vote          TEXT NOT NULL DEFAULT '',  -- the decision kind the member favours
    PRIMARY KEY (conference_id, seq)
);

-- The electronic archive: every document of every case, its bytes, its SHA-256 as filed, and
-- the day before which it may not be deleted. Deleting after that day keeps the record and
-- drops the bytes (the disposal is itself on file).
CREATE TABLE archive_documents (
    id           @ID@,
    entity       TEXT NOT NULL,           -- determination | assessment | advance | referral | conference | institution
    case_id      BIGINT NOT NULL,
    case_no      TEXT NOT NULL DEFAULT '',
    worker_id    TEXT NOT NULL DEFAULT '',
    region       TEXT NOT NULL,
    category     TEXT NOT NULL,
    title        TEXT NOT NULL,
    source       TEXT NOT NULL,           -- upload | scan | generated
    source_ref   TEXT NOT NULL DEFAULT '',-- e.g. the casework document number it was generated from
    mime         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      @BYTES@,
    filed_on     TEXT NOT NULL,
    retain_years INTEGER NOT NULL,
    retain_until TEXT NOT NULL,
    filed_by     TEXT NOT NULL,
    filed_at     TEXT NOT NULL,
    disposed_on  TEXT,
    disposed_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX archive_documents_case ON archive_documents (entity, case_id);
CREATE INDEX archive_documents_region ON archive_documents (region, category);
CREATE UNIQUE INDEX archive_documents_source ON archive_documents (source_ref) WHERE source_ref <> '';

CREATE TABLE archive_reads (
    id       @ID@,
    doc_id   BIGINT NOT NULL REFERENCES archive_documents(id),
    reader   TEXT NOT NULL,
    at       TEXT NOT NULL,
    purpose  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX archive_reads_doc ON archive_reads (doc_id, id);

-- Policy defaults (national): the inspectorate's days to report a result, retention years by
-- archive category (determination files 50 years: 《工伤认定办法》 Art. 24; the others are a
-- neutral default each region sets), and the institution assessment's weights and grades.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'supervise.referral_days', '2011-01-01', '30', '劳动监察反馈处理结果的期限（日历日），各地可设 / days for the inspectorate to report, set per region', 'migration', '2026-12-01T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'archive.retention_years', '2011-01-01', '{"determination":50,"assessment":50,"advance":30,"medical":30,"referral":10,"conference":30,"institution":10}', '认定档案保存50年（《工伤认定办法》第二十四条），其余为默认值 / determination 50 years by law; others defaults', 'migration', '2026-12-01T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'supervise.institution_rules', '2011-01-01', '{"weights":{"refusal":30,"cost":30,"complaints":20,"on_time":20},"refusal_zero_at":2000,"cost_zero_at":15000,"complaint_points":5,"settle_days":30,"grades":[{"grade":"A","min":900,"effect":"renew"},{"grade":"B","min":750,"effect":"renew"},{"grade":"C","min":600,"effect":"warn"},{"grade":"D","min":0,"effect":"terminate"}]}', '协议机构考核权重与等级，默认值 / weights and grades, defaults', 'migration', '2026-12-01T00:00:00Z');

-- +goose Down
DELETE FROM policy_values WHERE created_by = 'migration' AND param IN ('supervise.referral_days', 'archive.retention_years', 'supervise.institution_rules');
DROP TABLE archive_reads;
DROP TABLE archive_documents;
DROP TABLE conference_members;
DROP TABLE case_conferences;
DROP TABLE institution_assessments;
DROP TABLE institution_complaints;
DROP TABLE sup_targets;
DROP TABLE inspection_referral_events;
DROP TABLE inspection_referrals;
