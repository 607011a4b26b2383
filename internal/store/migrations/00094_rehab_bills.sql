-- +goose Up
-- Rehabilitation bills go through the medical audit (issue 11 item 5): a bill linked to a
-- rehabilitation case is audited against the case's plan and posted as rehabilitation.
ALTER TABLE medical_bills ADD COLUMN rehab_case_id BIGINT REFERENCES rehab_cases(id);
CREATE INDEX medical_bills_rehab_case ON medical_bills (rehab_case_id);

-- +goose Down
DROP INDEX medical_bills_rehab_case;
ALTER TABLE medical_bills DROP COLUMN rehab_case_id;
