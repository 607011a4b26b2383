-- +goose Up
CREATE TABLE regions (
    code      TEXT PRIMARY KEY,       -- GB/T 2260; '000000' is the nation
    name      TEXT NOT NULL,
    name_en   TEXT NOT NULL DEFAULT '',
    parent    TEXT,                   -- NULL for the nation
    level     INTEGER NOT NULL        -- 0 nation, 1 province, 2 city, 3 county
);

CREATE TABLE policy_values (
    id             @ID@,
    region         TEXT NOT NULL,     -- where it applies ('000000' national default)
    param          TEXT NOT NULL,     -- parameter key, see internal/policy
    effective_from TEXT NOT NULL,     -- YYYY-MM-DD
    value          TEXT NOT NULL,     -- JSON
    note           TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT 'system',
    created_at     TEXT NOT NULL,
    UNIQUE (region, param, effective_from)
);

CREATE TABLE users (
    id                  @ID@,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    roles               TEXT NOT NULL,              -- comma-separated role codes
    region              TEXT NOT NULL,              -- scope: GB/T 2260 code
    employer_uscc       TEXT,                       -- employer portal users
    person_id_number    TEXT,                       -- worker self-service users
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TEXT,
    totp_secret         TEXT,
    disabled            INTEGER NOT NULL DEFAULT 0,
    password_changed_at TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE password_history (
    user_id       BIGINT NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    changed_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    remote_addr TEXT NOT NULL DEFAULT '',
    lang        TEXT NOT NULL DEFAULT 'zh'
);

CREATE TABLE api_tokens (
    id          @ID@,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    last_used   TEXT,
    revoked     INTEGER NOT NULL DEFAULT 0
);

-- Append-only: each record carries the hash of the previous one (security.md).
CREATE TABLE audit_log (
    seq         @ID@,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    remote_addr TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE password_history;
DROP TABLE users;
DROP TABLE policy_values;
DROP TABLE regions;
