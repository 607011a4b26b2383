-- +goose Up
-- The audit chain is one line: each record follows exactly one other (security.md). A second
-- record naming the same previous hash would be a fork; the index refuses it, which is also
-- what lets a node append its read records in one statement after the tail it last wrote
-- (audit.Group): if another writer moved the tail meanwhile, the statement is refused.
CREATE UNIQUE INDEX audit_log_prev_hash ON audit_log (prev_hash);

-- +goose Down
DROP INDEX audit_log_prev_hash;
