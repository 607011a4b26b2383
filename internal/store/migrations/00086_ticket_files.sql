-- +goose Up
-- Materials taken at the counter as files (scans, photos, PDFs), kept with their ticket. The
-- electronic archive (archive_documents) files documents of cases only, so a ticket's
-- materials live here, with the same integrity hash (SHA-256) and a retention date from policy
-- counter.material_retention_years.
CREATE TABLE ticket_files (
    id           @ID@,
    ticket_id    BIGINT NOT NULL REFERENCES tickets(id),
    material     TEXT NOT NULL,             -- the catalogue item's material name
    filename     TEXT NOT NULL,
    mime         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      @BYTES@ NOT NULL,
    retain_until TEXT NOT NULL,             -- YYYY-MM-DD
    filed_by     TEXT NOT NULL,
    filed_at     TEXT NOT NULL
);
CREATE INDEX ticket_files_ticket ON ticket_files (ticket_id, id);

INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'counter.material_retention_years', '2011-01-01', '30', '受理材料电子件保存年限，默认值，各地可设 / years counter materials are kept; a default each region sets', 'migration', '2026-12-01T00:00:00Z');

-- +goose Down
DELETE FROM policy_values WHERE created_by = 'migration' AND param = 'counter.material_retention_years';
DROP TABLE ticket_files;
