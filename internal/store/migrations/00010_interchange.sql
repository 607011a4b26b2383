-- +goose Up
-- The data of interchange.md: what other departments and legacy systems send us, and what
-- tellers enter. Natural keys as in interchange.md; money in fen.
CREATE TABLE employers (
    uscc          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    region        TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    status        TEXT NOT NULL,          -- active | cancelled | revoked
    registered_on TEXT,
    updated_at    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE persons (
    id_number  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT ''
);

CREATE TABLE enrollment_events (
    id           @ID@,
    id_number    TEXT NOT NULL,
    uscc         TEXT NOT NULL REFERENCES employers(uscc),
    event        TEXT NOT NULL,           -- add | remove | base
    month        TEXT NOT NULL,           -- YYYY-MM
    recorded_on  TEXT NOT NULL,           -- YYYY-MM-DD
    monthly_base BIGINT,                  -- fen
    category     TEXT,
    UNIQUE (id_number, uscc, event, month, recorded_on)
);
CREATE INDEX enrollment_events_uscc ON enrollment_events (uscc, month);

CREATE TABLE projects (
    project_code   TEXT PRIMARY KEY,
    uscc           TEXT NOT NULL,
    name           TEXT NOT NULL,
    region         TEXT NOT NULL,
    contract_value BIGINT NOT NULL,       -- fen
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    rate           TEXT NOT NULL          -- exact decimal, e.g. 0.0015
);

CREATE TABLE claims (
    claim_no     TEXT PRIMARY KEY,
    id_number    TEXT NOT NULL,
    uscc         TEXT NOT NULL,
    injury_at    TEXT NOT NULL,           -- YYYY-MM-DDTHH:MM local time
    applied_on   TEXT,
    project_code TEXT,
    reported_at  TEXT
);
CREATE INDEX claims_person ON claims (id_number);

CREATE TABLE deaths (
    id_number  TEXT PRIMARY KEY,
    death_date TEXT NOT NULL
);

CREATE TABLE market_registry (
    uscc          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    region        TEXT NOT NULL,
    status        TEXT NOT NULL,
    registered_on TEXT
);

CREATE TABLE tax_withholding (
    uscc      TEXT NOT NULL,
    id_number TEXT NOT NULL,
    month     TEXT NOT NULL,
    PRIMARY KEY (uscc, id_number, month)
);

-- Benefit payments made: imported history, and every line the payroll and lump-sum payment
-- modules pay (source says which).
CREATE TABLE payments (
    id_number    TEXT NOT NULL,
    item         TEXT NOT NULL,
    month        TEXT NOT NULL,
    amount       BIGINT NOT NULL,         -- fen
    bank_account TEXT,
    source       TEXT NOT NULL DEFAULT 'import',
    PRIMARY KEY (id_number, item, month)
);
CREATE INDEX payments_account ON payments (bank_account);

CREATE TABLE beneficiaries (
    id_number        TEXT NOT NULL,
    name             TEXT NOT NULL,
    item             TEXT NOT NULL,       -- disability_allowance | nursing_care | survivor_pension
    grade            INTEGER,
    self_care        TEXT,
    relation         TEXT,
    orphan_or_lone   INTEGER NOT NULL DEFAULT 0,
    monthly_amount   BIGINT NOT NULL,     -- fen
    start_month      TEXT NOT NULL,
    end_month        TEXT,
    bank_account     TEXT,
    worker_id_number TEXT NOT NULL,
    PRIMARY KEY (id_number, item, worker_id_number)
);
CREATE INDEX beneficiaries_worker ON beneficiaries (worker_id_number);

-- +goose Down
DROP TABLE beneficiaries;
DROP TABLE payments;
DROP TABLE tax_withholding;
DROP TABLE market_registry;
DROP TABLE deaths;
DROP TABLE claims;
DROP TABLE projects;
DROP TABLE enrollment_events;
DROP TABLE persons;
DROP TABLE employers;
