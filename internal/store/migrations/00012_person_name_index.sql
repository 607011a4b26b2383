-- +goose Up
-- The teller's search box finds persons by the beginning of their name (issue 10: a million
-- persons). The index orders names by code point on both engines (see store.CollateC), so a
-- prefix range reads only the matching entries, in the order shown.
CREATE INDEX persons_name ON persons (name @COLLATE_C@, id_number);

-- +goose Down
DROP INDEX persons_name;
