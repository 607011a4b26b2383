-- +goose Up
-- TOTP second factor (security.md): users.totp_secret (foundation) holds the base32 secret;
-- it counts only once totp_enabled_at is set, after the user proved a first code. The last
-- accepted time step is kept so one code cannot be used twice (RFC 6238 §5.2).
ALTER TABLE users ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
-- A session whose user passed the password but not yet the second factor: 'totp' (must enter
-- a code) or 'enrol' (must set up TOTP first); '' is a full session.
ALTER TABLE sessions ADD COLUMN pending TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN pending;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enabled_at;
