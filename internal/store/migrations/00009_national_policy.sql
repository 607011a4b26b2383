-- +goose Up
-- National policy defaults. national_income: the previous year's national urban per-capita
-- disposable income (NBS), in force from 1 January of the year of death (law-reference.md §5;
-- the 2014 figure is marked UNVERIFIED there).
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2015-01-01', '"28844.00"', '2014年全国城镇居民人均可支配收入 (NBS); UNVERIFIED', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2016-01-01', '"31195.00"', '2015年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2017-01-01', '"33616.00"', '2016年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2018-01-01', '"36396.00"', '2017年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2019-01-01', '"39251.00"', '2018年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2020-01-01', '"42359.00"', '2019年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2021-01-01', '"43834.00"', '2020年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2022-01-01', '"47412.00"', '2021年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2023-01-01', '"49283.00"', '2022年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2024-01-01', '"51821.00"', '2023年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'national_income', '2025-01-01', '"54188.00"', '2024年全国城镇居民人均可支配收入 (NBS)', 'migration', '2026-11-23T00:00:00Z');

-- +goose Down
DELETE FROM policy_values WHERE created_by = 'migration' AND param = 'national_income';
