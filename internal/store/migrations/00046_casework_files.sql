-- +goose Up
-- The uploaded files of a case's materials checklist (casework.md: "the materials (uploaded
-- files with their kind)"). A material's file_ref is "file:<id>" of a row here; the content is
-- kept with its SHA-256 so a file shown later is provably the one received. Rows are never
-- changed or deleted (determination files are kept 50 years, 认定办法 Art. 24).
CREATE TABLE casework_files (
    id           @ID@,
    entity       TEXT NOT NULL,
    case_id      BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      @BYTES@ NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX casework_files_case ON casework_files (entity, case_id);

-- +goose Down
DROP TABLE casework_files;
