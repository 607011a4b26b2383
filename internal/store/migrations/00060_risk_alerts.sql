-- +goose Up
-- Risk alerts (spec/risk-rules.md): what a scan found, with its evidence, and the workflow of
-- the risk investigators: open → assigned → investigating → closed with an outcome.
CREATE TABLE risk_alerts (
    id           @ID@,
    rule         TEXT NOT NULL,           -- R01 … R10
    subject      TEXT NOT NULL,           -- claim_no, id_number, uscc or bank account by rule
    detail       TEXT NOT NULL,           -- Chinese, with the key figures
    evidence     TEXT NOT NULL,           -- JSON array of {table, row}
    fingerprint  TEXT NOT NULL,           -- sha256 of the evidence, order-independent
    status       TEXT NOT NULL DEFAULT 'open', -- open | assigned | investigating | closed
    assignee     TEXT,
    outcome      TEXT,                    -- confirmed | corrected | false_alarm, when closed
    first_as_of  TEXT NOT NULL,           -- as-of month of the scan that raised it
    last_as_of   TEXT NOT NULL,           -- as-of month of the latest scan that found it
    last_seen_at TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    closed_at    TEXT,
    version      BIGINT NOT NULL DEFAULT 1 -- optimistic locking: every change bumps it
);
-- At most one alert per (rule, subject) is not closed: scans never duplicate an open alert,
-- even two scans racing.
CREATE UNIQUE INDEX risk_alerts_one_active ON risk_alerts (rule, subject) WHERE status <> 'closed';
CREATE INDEX risk_alerts_subject ON risk_alerts (rule, subject);
CREATE INDEX risk_alerts_status ON risk_alerts (status, rule);

CREATE TABLE risk_alert_notes (
    id         @ID@,
    alert_id   BIGINT NOT NULL REFERENCES risk_alerts(id),
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX risk_alert_notes_alert ON risk_alert_notes (alert_id, id);

-- +goose Down
DROP TABLE risk_alert_notes;
DROP TABLE risk_alerts;
