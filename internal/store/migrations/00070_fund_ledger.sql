-- +goose Up
-- The fund ledger (fund-and-service.md): double-entry postings per accounting unit, never
-- edited; corrections are reversing postings. Automatic postings are idempotent by
-- (source, source_ref); manual ones wait for a second person's approval.
CREATE TABLE ledger_postings (
    id          @ID@,
    unit        TEXT NOT NULL,            -- region code of the accounting unit
    posted_on   TEXT NOT NULL,            -- YYYY-MM-DD
    memo        TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL,            -- manual | payroll | collection | pooling | advance | ...
    source_ref  TEXT NOT NULL,
    status      TEXT NOT NULL,            -- pending | posted | rejected
    reversal_of BIGINT REFERENCES ledger_postings(id),
    prepared_by TEXT NOT NULL,
    approved_by TEXT,
    created_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (source, source_ref)
);
CREATE INDEX ledger_postings_unit ON ledger_postings (unit, posted_on);

CREATE TABLE ledger_lines (
    posting_id BIGINT NOT NULL REFERENCES ledger_postings(id),
    line_no    INTEGER NOT NULL,
    account    TEXT NOT NULL,
    debit      BIGINT NOT NULL DEFAULT 0,  -- fen
    credit     BIGINT NOT NULL DEFAULT 0,  -- fen
    PRIMARY KEY (posting_id, line_no)
);

-- Provincial pooling mode and remittance share (人社部发〔2017〕60号): Anhui used the
-- adjustment fund in 2017 (law-reference.md §10); the share is a demo figure.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES
('340000', 'pooling', '2017-01-01', '{"mode":"adjustment","share":"0.10"}', '安徽省工伤保险基金省级调剂金（上解比例为演示数）', 'migration', '2026-11-23T00:00:00Z'),
('000000', 'prevention_fee', '2017-08-17', '{"cap_pct":"3"}', '人社部规〔2017〕13号：原则上不超过上年度征缴收入的3%', 'migration', '2026-11-23T00:00:00Z'),
('320400', 'prevention_fee', '2022-01-01', '{"cap_pct":"3","min_pct":"1.6","training_pct":"70"}', '常州：不低于1.6%，其中培训不低于70%', 'migration', '2026-11-23T00:00:00Z');

-- +goose Down
DROP TABLE ledger_lines;
DROP TABLE ledger_postings;
DELETE FROM policy_values WHERE created_by = 'migration' AND param IN ('pooling', 'prevention_fee');
