-- +goose Up
-- The area's standards for the inpatient food subsidy and out-of-area travel (条例 Art. 30 ¶3:
-- "基金支付的具体标准由统筹地区人民政府规定"; internal/medical.Standards). The Regulations give
-- no national figure, so the national row only fixes the shape with demo values, and every
-- pooling area is expected to publish its own. Lu'an's figures are demo values too.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'medical.standards', '2011-01-01', '{"food_subsidy_per_day":"20.00","lodging_per_night":"200.00","travel_food_per_day":"60.00"}', '条例第三十条第三款：标准由统筹地区人民政府规定；全国行为形状示例，演示数据 / shape only, demo figures', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('341500', 'medical.standards', '2024-01-01', '{"food_subsidy_per_day":"30.00","lodging_per_night":"300.00","travel_food_per_day":"100.00"}', '六安市住院伙食补助及异地就医标准：演示数据，须以公布数替换 / demo figures, to be replaced', 'migration', '2026-11-23T00:00:00Z');

-- +goose Down
DELETE FROM policy_values WHERE created_by = 'migration' AND param = 'medical.standards';
