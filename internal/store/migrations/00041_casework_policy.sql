-- +goose Up
-- Casework time limits (internal/casework/limits.go). National defaults from the statutes
-- (law-reference.md §1–3, §11); days are calendar days except where the key says workdays.
-- 2011-01-01: the 2010 revision of 条例 and 认定办法 (MOHRSS Order 8) came into force. The
-- assessment's 5-working-day notice comes from 鉴定办法 (Order 21, 2014), seeded with the rest
-- from 2011 for simplicity. 先行支付暂行办法 (Order 15) is in force from 2011-07-01.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'casework.determination.limits', '2011-01-01', '{"employer_apply_days":30,"worker_apply_years":1,"review_days":15,"accept_after_sup_days":15,"decide_days":60,"decide_clear_days":15,"deliver_days":20,"accident_report_hours":0}', '条例 17, 20; 认定办法 8, 22', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'casework.assessment.limits', '2011-01-01', '{"materials_notice_workdays":5,"conclude_days":60,"extension_days":30,"deliver_days":20,"reassess_request_days":15,"review_after_years":1}', '条例 25, 26, 28; 鉴定办法 9, 15', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'casework.advance.limits', '2011-07-01', '{"reminder_workdays":3,"employer_pay_workdays":5}', '先行支付暂行办法 5, 7', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'casework.due_soon_days', '2011-01-01', '5', 'office views: due within 5 days (casework.md)', 'migration', '2026-11-23T00:00:00Z');
-- Lu'an promises ordinary determinations in 30 days instead of 60 (casework.md) and requires
-- the 48-hour accident report on project-insured sites. Start date from the 2017 seed
-- documents; UNVERIFIED against Lu'an's published service promise.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('341500', 'casework.determination.limits', '2017-01-01', '{"employer_apply_days":30,"worker_apply_years":1,"review_days":15,"accept_after_sup_days":15,"decide_days":30,"decide_clear_days":15,"deliver_days":20,"accident_report_hours":48}', '六安市承诺时限: 认定30日; 事故快报48小时. Start date UNVERIFIED', 'migration', '2026-11-23T00:00:00Z');

-- +goose Down
DELETE FROM policy_values WHERE created_by = 'migration' AND param IN ('casework.determination.limits', 'casework.assessment.limits', 'casework.advance.limits', 'casework.due_soon_days');
