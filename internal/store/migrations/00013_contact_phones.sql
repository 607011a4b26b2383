-- +goose Up
-- Contact phones (security.md: phone numbers are encrypted at rest and masked in lists): a
-- person's own number, and an employer's contact person with their number. The phone columns
-- are named `phone` so store.SecretColumns finds them: every write marks the value
-- seal.Secret, and `wiis keys check`/`keys rotate` treat a `phone` column as sealed whole.
-- Empty means none is known (the rows imported before this had none).
ALTER TABLE persons ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE employers ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE employers ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE employers DROP COLUMN phone;
ALTER TABLE employers DROP COLUMN contact_name;
ALTER TABLE persons DROP COLUMN phone;
