-- +goose Up
-- Contribution policy (contributions.md, law-reference.md §4).
-- base_rates: the eight classes' national base rates of 人社部发〔2015〕71号, in force 2015-10-01.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES
('000000', 'base_rates', '2015-10-01', '{"1":"0.002","2":"0.004","3":"0.007","4":"0.009","5":"0.011","6":"0.013","7":"0.016","8":"0.019"}',
 '人社部发〔2015〕71号 行业基准费率 (一类至八类 0.2%–1.9%)', 'migration', '2026-11-23T00:00:00Z');
-- base_bounds: the base floor and ceiling as percentages of the area average wage.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES
('000000', 'base_bounds', '2011-01-01', '{"floor_pct":"60","ceiling_pct":"300"}',
 '缴费基数上下限：统筹地区上年度职工月平均工资的60%与300%（常见做法，各地可调整）', 'migration', '2026-11-23T00:00:00Z');
-- Division 79 (GB/T 4754-2017 land management) has no class in the annex: class III, as a
-- policy value a province can change (contributions.md). Other divisions follow the annex
-- table in internal/idcode; a province overrides single divisions here.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES
('000000', 'industry_class_overrides', '2015-10-01', '{"79":3}',
 'GB/T 4754-2017 第79大类（土地管理业）附件未列，按三类处理', 'migration', '2026-11-23T00:00:00Z');
-- Phased reductions (阶段性降低费率): the national rule is conditional on the area's fund
-- balance (18–23 months → −20%, ≥24 → −50%), so areas set rate_reduction themselves. The
-- demo areas follow the −20% tier for the national periods 2018-05-01 → 2024-12-31.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES
('340000', 'rate_reduction', '2018-05-01', '{"percent":"20"}', '阶段性降低工伤保险费率（演示：按支付能力18–23个月档 −20%）', 'migration', '2026-11-23T00:00:00Z'),
('340000', 'rate_reduction', '2025-01-01', '{"percent":"0"}', '阶段性降费政策期满（人社部发〔2023〕19号 至2024年底）', 'migration', '2026-11-23T00:00:00Z'),
('320000', 'rate_reduction', '2018-05-01', '{"percent":"20"}', '阶段性降低工伤保险费率（演示：−20%）', 'migration', '2026-11-23T00:00:00Z'),
('320000', 'rate_reduction', '2025-01-01', '{"percent":"0"}', '阶段性降费政策期满', 'migration', '2026-11-23T00:00:00Z'),
('370000', 'rate_reduction', '2018-05-01', '{"percent":"20"}', '阶段性降低工伤保险费率（演示：−20%）', 'migration', '2026-11-23T00:00:00Z'),
('370000', 'rate_reduction', '2025-01-01', '{"percent":"0"}', '阶段性降费政策期满', 'migration', '2026-11-23T00:00:00Z');
-- The floating rule of the 支缴率 scheme quoted in law-reference.md §4 (a local example, not
-- national law), as the demo provinces' rule.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES
('340000', 'float_rule', '2016-01-01', '{"window_years":1,"min_years_insured":1,"no_float_classes":[1,2],"bands":[{"accidents":"none","max_ratio":"1.20","factor":"0.8","reason":"上年无新发工伤且支缴率≤120%，下浮至80%"},{"accidents":"none","factor":"1","reason":"上年无新发工伤，支缴率>120%，执行基准费率"},{"accidents":"some","max_ratio":"1.20","factor":"1","reason":"上年有新发工伤，支缴率≤120%，执行基准费率"},{"accidents":"some","max_ratio":"3.00","factor":"1.2","reason":"上年有新发工伤，支缴率120%–300%，上浮至120%"},{"accidents":"some","factor":"1.5","reason":"上年有新发工伤，支缴率>300%，上浮至150%"}]}',
 '支缴率浮动办法（示例方案，law-reference.md §4）', 'migration', '2026-11-23T00:00:00Z'),
('320000', 'float_rule', '2016-01-01', '{"window_years":1,"min_years_insured":1,"no_float_classes":[1,2],"bands":[{"accidents":"none","max_ratio":"1.20","factor":"0.8","reason":"上年无新发工伤且支缴率≤120%，下浮至80%"},{"accidents":"none","factor":"1","reason":"上年无新发工伤，支缴率>120%，执行基准费率"},{"accidents":"some","max_ratio":"1.20","factor":"1","reason":"上年有新发工伤，支缴率≤120%，执行基准费率"},{"accidents":"some","max_ratio":"3.00","factor":"1.2","reason":"上年有新发工伤，支缴率120%–300%，上浮至120%"},{"accidents":"some","factor":"1.5","reason":"上年有新发工伤，支缴率>300%，上浮至150%"}]}',
 '支缴率浮动办法（示例方案，law-reference.md §4）', 'migration', '2026-11-23T00:00:00Z'),
('370000', 'float_rule', '2016-01-01', '{"window_years":1,"min_years_insured":1,"no_float_classes":[1,2],"bands":[{"accidents":"none","max_ratio":"1.20","factor":"0.8","reason":"上年无新发工伤且支缴率≤120%，下浮至80%"},{"accidents":"none","factor":"1","reason":"上年无新发工伤，支缴率>120%，执行基准费率"},{"accidents":"some","max_ratio":"1.20","factor":"1","reason":"上年有新发工伤，支缴率≤120%，执行基准费率"},{"accidents":"some","max_ratio":"3.00","factor":"1.2","reason":"上年有新发工伤，支缴率120%–300%，上浮至120%"},{"accidents":"some","factor":"1.5","reason":"上年有新发工伤，支缴率>300%，上浮至150%"}]}',
 '支缴率浮动办法（示例方案，law-reference.md §4）', 'migration', '2026-11-23T00:00:00Z');
-- Lu'an: civil servants at a flat 0.2%; project rate 0.2%, then 0.15% from July 2016.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES
('341500', 'civil_servant_rate', '2015-01-01', '"0.002"', '六安：公务员及参公人员费率0.2%', 'migration', '2026-11-23T00:00:00Z'),
('341500', 'project_rate', '2015-01-01', '"0.002"', '六安：建筑项目按工程造价0.2%参保', 'migration', '2026-11-23T00:00:00Z'),
('341500', 'project_rate', '2016-07-01', '"0.0015"', '六安：自2016年7月起0.15%', 'migration', '2026-11-23T00:00:00Z');

-- Per-employer rate decisions: the floating-rate evaluation's result with its figures,
-- reviewable before it takes effect.
CREATE TABLE employer_rates (
    id             @ID@,
    uscc           TEXT NOT NULL REFERENCES employers(uscc),
    effective_from TEXT NOT NULL,          -- YYYY-MM-DD
    class          INTEGER NOT NULL,
    base_rate      TEXT NOT NULL,
    float_factor   TEXT NOT NULL,
    rate           TEXT NOT NULL,          -- in force: base × float × (1 − reduction)
    figures        TEXT NOT NULL DEFAULT '{}', -- JSON: the evaluation's inputs and reason
    status         TEXT NOT NULL,          -- proposed | approved | rejected
    proposed_by    TEXT NOT NULL,
    approved_by    TEXT,
    created_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (uscc, effective_from)
);

-- What the tax authority collected, per employer and month.
CREATE TABLE contributions_collected (
    uscc         TEXT NOT NULL,
    month        TEXT NOT NULL,
    amount       BIGINT NOT NULL,          -- fen
    collected_on TEXT NOT NULL,
    PRIMARY KEY (uscc, month, collected_on)
);

-- +goose Down
DROP TABLE contributions_collected;
DROP TABLE employer_rates;
DELETE FROM policy_values WHERE created_by = 'migration' AND param IN ('base_rates','base_bounds','industry_class_overrides','rate_reduction','float_rule','civil_servant_rate','project_rate');
