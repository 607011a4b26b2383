-- +goose Up
-- The data-encryption keys of personal identifiers (package seal), each wrapped by the
-- key-encryption key that lives outside the database. Exactly one is active (it seals); the
-- retired ones still open values sealed before a rotation.
CREATE TABLE data_keys (
    id          INTEGER PRIMARY KEY,
    wrapped     @BYTES@ NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('active', 'retired')),
    created_at  TEXT NOT NULL
);

-- +goose Down
DROP TABLE data_keys;
