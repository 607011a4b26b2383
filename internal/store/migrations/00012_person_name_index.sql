-- +goose Up
-- The teller's search box finds persons by the beginning of their name (issue 10: a million
-- persons), and employers by the beginning of theirs when the term is a single character. The
-- indexes order names by code point on both engines (see store.CollateC), so a prefix range
-- reads only the matching entries, in the order shown.
CREATE INDEX persons_name ON persons (name @COLLATE_C@, id_number);
CREATE INDEX employers_name ON employers (name @COLLATE_C@);

-- +goose Down
DROP INDEX employers_name;
DROP INDEX persons_name;
