-- +goose Up
-- The payee's name as paid, stored with each payroll line, so the bank file is written
-- without looking the name up per line (issue 6, speed). NULL for lines stored before and for
-- imported history; the bank file then falls back to the name on the entitlements.
ALTER TABLE payments ADD COLUMN name TEXT;

-- +goose Down
ALTER TABLE payments DROP COLUMN name;
