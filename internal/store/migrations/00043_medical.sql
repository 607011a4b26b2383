-- +goose Up
-- Medical treatment (casework.md; internal/medical, internal/medical/medsvc): agreement
-- institutions and their agreements, the catalogues with effective-dated price limits, the
-- recognised injury's treatment record, and bills with their audited lines. A line keeps the
-- audit's decision, reason code and Chinese text, and the medical auditor's decision on a
-- doubtful line; dup_key finds a charge billed twice across bills.
CREATE TABLE medical_institutions (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    region     TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE medical_agreements (
    id               @ID@,
    institution_code TEXT NOT NULL REFERENCES medical_institutions(code),
    from_date        TEXT NOT NULL,
    to_date          TEXT,                -- NULL: open
    level            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,       -- active | suspended | terminated
    kinds            TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX medical_agreements_institution ON medical_agreements (institution_code);

CREATE TABLE medical_catalogue (
    kind         TEXT NOT NULL,           -- drug | treatment | facility | rehab | device
    code         TEXT NOT NULL,
    from_date    TEXT NOT NULL,
    to_date      TEXT,
    name         TEXT NOT NULL,
    category     TEXT NOT NULL DEFAULT '',
    unit         TEXT NOT NULL DEFAULT '',
    price_limit  BIGINT NOT NULL DEFAULT 0, -- fen; 0 no limit
    restricted   INTEGER NOT NULL DEFAULT 0,
    max_quantity BIGINT NOT NULL DEFAULT 0, -- thousandths; 0 no check
    PRIMARY KEY (kind, code, from_date)
);

-- What the bills of a recognised injury are audited against.
CREATE TABLE medical_treatments (
    determination_id BIGINT PRIMARY KEY REFERENCES determination_cases(id),
    diagnoses        TEXT NOT NULL,       -- JSON array of ICD-10 codes
    treatment_until  TEXT,                -- NULL: open
    devices          TEXT NOT NULL DEFAULT '[]',
    updated_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE medical_bills (
    id               @ID@,
    bill_no          TEXT NOT NULL UNIQUE,
    channel          TEXT NOT NULL,       -- direct (联网结算) | reimbursement (手工报销)
    institution_code TEXT NOT NULL,
    determination_id BIGINT NOT NULL REFERENCES determination_cases(id),
    worker_id        TEXT NOT NULL,
    region           TEXT NOT NULL,
    diagnosis        TEXT NOT NULL DEFAULT '',
    emergency        INTEGER NOT NULL DEFAULT 0,
    state            TEXT NOT NULL,       -- reviewing | settled
    billed           BIGINT NOT NULL,
    accepted         BIGINT NOT NULL,
    submitted_by     TEXT NOT NULL,
    submitted_at     TEXT NOT NULL,
    settled_on       TEXT,
    posting_id       BIGINT,              -- ledger_postings.id of the settlement
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX medical_bills_worker ON medical_bills (worker_id);
CREATE INDEX medical_bills_state ON medical_bills (state, region);

CREATE TABLE medical_bill_lines (
    bill_id     BIGINT NOT NULL REFERENCES medical_bills(id),
    line_no     INTEGER NOT NULL,
    kind        TEXT NOT NULL,            -- a catalogue, or subsidy for food and travel
    code        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    on_date     TEXT NOT NULL,
    qty         BIGINT NOT NULL,          -- thousandths
    unit_price  BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    diagnosis   TEXT NOT NULL DEFAULT '',
    decision    TEXT NOT NULL,            -- accept | refuse | review
    reason      TEXT NOT NULL DEFAULT '',
    reason_text TEXT NOT NULL DEFAULT '',
    formula     TEXT NOT NULL DEFAULT '',
    accepted    BIGINT NOT NULL,
    dup_key     TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT,
    review_note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (bill_id, line_no)
);
CREATE INDEX medical_bill_lines_dup ON medical_bill_lines (dup_key);
CREATE INDEX medical_bill_lines_decision ON medical_bill_lines (decision);

-- +goose Down
DROP TABLE medical_bill_lines;
DROP TABLE medical_bills;
DROP TABLE medical_treatments;
DROP TABLE medical_catalogue;
DROP TABLE medical_agreements;
DROP TABLE medical_institutions;
