-- +goose Up
-- Files an investigator attaches to a risk alert (internal/risk/riskstore/attach.go): kept in
-- the database with their size and SHA-256, so a backup holds them and a change is detectable.
-- The size is capped by riskstore.MaxAttachment.
CREATE TABLE risk_alert_attachments (
    id           @ID@,
    alert_id     BIGINT NOT NULL REFERENCES risk_alerts(id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         @BYTES@ NOT NULL,
    uploaded_by  TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX risk_alert_attachments_alert ON risk_alert_attachments (alert_id, id);

-- +goose Down
DROP TABLE risk_alert_attachments;
