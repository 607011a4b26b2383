-- +goose Up
-- Eligibility certification (待遇资格认证, spec/payroll.md "Eligibility certification";
-- internal/payrollsvc/certify.go).
--
-- An entitlement's region is the GB/T 2260 code of the pooling region that pays it: set when
-- the entitlement is synced, from the employer of the worker's latest injury claim (the
-- employer is insured where it is registered, 《工伤保险条例》 Art. 11), else the service's
-- own region; '' when neither is known, and then no certification policy applies to it.
-- The region decides the certification policy in force and the fund unit (its city) that
-- books the payments.
ALTER TABLE payroll_entitlements ADD COLUMN region TEXT NOT NULL DEFAULT '';
CREATE INDEX payroll_entitlements_region ON payroll_entitlements (region, id_number);

-- Why an entitlement is suspended: 'art42' (lost qualification, refused assessment or
-- treatment, recorded by a person), 'certification' (not certified within the grace period,
-- applied by the run and lifted by the next certification), 'false_certification'.
ALTER TABLE payroll_suspensions ADD COLUMN cause TEXT NOT NULL DEFAULT 'art42';

-- Certifications of a beneficiary (the payee), one row each: who recorded it, when, through
-- which channel and on what evidence. A certification found false is revoked, never deleted.
CREATE TABLE payroll_certifications (
    id            @ID@,
    id_number     TEXT NOT NULL,
    certified_on  TEXT NOT NULL,                  -- YYYY-MM-DD
    channel       TEXT NOT NULL,                  -- data_comparison | self_service | counter | home_visit
    evidence      TEXT NOT NULL,                  -- what proves it: record, match reference, visit note
    office        TEXT NOT NULL DEFAULT '',       -- region code of the office that certified
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    revoked_by    TEXT,
    revoked_at    TEXT,
    revoke_reason TEXT
);
CREATE INDEX payroll_certifications_person ON payroll_certifications (id_number, certified_on);

-- Per-unit totals of a run (JSON {unit: {"paid": fen, "set_off": fen}}), kept with the other
-- counters in each batch's transaction, so approval posts the run to the fund ledger of each
-- city without re-reading its lines.
ALTER TABLE payroll_runs ADD COLUMN unit_totals TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE payroll_runs DROP COLUMN unit_totals;
DROP TABLE payroll_certifications;
ALTER TABLE payroll_suspensions DROP COLUMN cause;
DROP INDEX payroll_entitlements_region;
ALTER TABLE payroll_entitlements DROP COLUMN region;
