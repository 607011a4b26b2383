-- +goose Up
-- The service item catalogue (事项目录) and the tickets tellers open (fund-and-service.md).
CREATE TABLE service_items (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    basis      TEXT NOT NULL DEFAULT '',
    materials  TEXT NOT NULL DEFAULT '[]',  -- JSON array of material names
    limit_days INTEGER NOT NULL DEFAULT 0,  -- promised working days; 0 on the spot
    class      TEXT NOT NULL,               -- immediate | back_office | township
    roles      TEXT NOT NULL,               -- JSON array of role codes
    online     INTEGER NOT NULL DEFAULT 0,
    subject    TEXT NOT NULL,               -- person | employer
    active     INTEGER NOT NULL DEFAULT 1,
    version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE tickets (
    id          @ID@,
    no          TEXT NOT NULL UNIQUE,       -- receipt number
    item_code   TEXT NOT NULL REFERENCES service_items(code),
    subject     TEXT NOT NULL,              -- id_number or uscc
    office      TEXT NOT NULL,              -- region code of the accepting office
    teller      TEXT NOT NULL,
    channel     TEXT NOT NULL DEFAULT 'counter', -- counter | online | township
    materials   TEXT NOT NULL DEFAULT '[]',
    accepted_at TEXT NOT NULL,
    promised_by TEXT NOT NULL,              -- YYYY-MM-DD
    state       TEXT NOT NULL,
    handled_at  TEXT,
    reviewer    TEXT,
    note        TEXT NOT NULL DEFAULT '',
    sampled     INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_office ON tickets (office, state);
CREATE INDEX tickets_subject ON tickets (subject);

-- Catalogue items this system supports, in Weihai's three handling classes. Time limits are
-- the promises of the seed cities where the documents give them, otherwise typical values an
-- administrator edits.
INSERT INTO service_items (code, name, name_en, basis, materials, limit_days, class, roles, online, subject) VALUES
('GS0101', '用人单位工伤保险参保登记', 'Employer registration', '《社会保险法》第五十七条', '["营业执照或登记证书","经办人身份证件"]', 0, 'immediate', '["teller"]', 1, 'employer'),
('GS0102', '用人单位信息变更登记', 'Employer details change', '《社会保险法》第五十七条', '["变更证明材料"]', 0, 'immediate', '["teller"]', 1, 'employer'),
('GS0103', '职工参保登记（增员）', 'Enroll a worker', '《社会保险法》第五十八条', '["职工身份证件"]', 0, 'immediate', '["teller"]', 1, 'employer'),
('GS0104', '职工停保（减员）', 'Remove a worker', '《社会保险法》第五十八条', '["解除劳动关系证明"]', 0, 'immediate', '["teller"]', 1, 'employer'),
('GS0105', '缴费基数申报', 'Contribution base declaration', '《工伤保险条例》第十条', '["工资总额申报表"]', 0, 'immediate', '["teller"]', 1, 'employer'),
('GS0106', '建筑项目参保登记', 'Construction project enrollment', '人社部发〔2014〕103号', '["施工合同","项目参保申报表"]', 0, 'immediate', '["teller"]', 1, 'employer'),
('GS0107', '参保证明查询打印', 'Insurance certificate', '《社会保险法》第七十四条', '["身份证件"]', 0, 'immediate', '["teller"]', 1, 'person'),
('GS0201', '工伤事故快报', 'Accident report (48 hours)', '《工伤保险条例》第十七条', '[]', 0, 'immediate', '["teller"]', 1, 'employer'),
('GS0202', '工伤认定申请', 'Injury determination application', '《工伤保险条例》第十七至二十条', '["工伤认定申请表","劳动关系证明","医疗诊断证明或职业病诊断证明"]', 60, 'back_office', '["teller","determination_officer"]', 1, 'person'),
('GS0301', '劳动能力鉴定申请', 'Disability assessment application', '《工伤保险条例》第二十三条', '["劳动能力鉴定申请表","工伤认定决定书","医疗诊断材料"]', 60, 'back_office', '["teller","assessment_secretary"]', 1, 'person'),
('GS0302', '劳动能力再次鉴定申请', 'Re-assessment application', '《工伤保险条例》第二十六条', '["再次鉴定申请表","鉴定结论书"]', 60, 'back_office', '["teller","assessment_secretary"]', 0, 'person'),
('GS0401', '工伤医疗费用报销', 'Medical expense reimbursement', '《工伤保险条例》第三十条', '["医疗费票据","费用清单","病历"]', 20, 'back_office', '["teller","medical_auditor"]', 0, 'person'),
('GS0402', '工伤职工就医备案', 'Filing for medical treatment', '《工伤保险条例》第三十条', '["身份证件"]', 0, 'immediate', '["teller"]', 1, 'person'),
('GS0403', '辅助器具配置申请', 'Assistive device application', '《工伤保险条例》第三十二条', '["配置申请表","鉴定结论书"]', 15, 'back_office', '["teller","medical_auditor"]', 0, 'person'),
('GS0404', '工伤康复申请', 'Rehabilitation application', '《工伤保险条例》第三十条', '["康复申请表","医疗诊断材料"]', 15, 'back_office', '["teller","prevention_officer"]', 0, 'person'),
('GS0501', '一次性工伤保险待遇申领', 'Lump-sum benefit claim', '《工伤保险条例》第三十五至三十七条', '["待遇申领表","鉴定结论书","银行账户"]', 15, 'back_office', '["teller","benefits_reviewer"]', 0, 'person'),
('GS0502', '伤残津贴申领', 'Disability allowance claim', '《工伤保险条例》第三十五条', '["待遇申领表","鉴定结论书","银行账户"]', 15, 'back_office', '["teller","benefits_reviewer"]', 0, 'person'),
('GS0503', '供养亲属抚恤金申领', 'Survivor pension claim', '《工伤保险条例》第三十九条', '["死亡证明","亲属关系证明","银行账户"]', 15, 'back_office', '["teller","benefits_reviewer"]', 0, 'person'),
('GS0504', '丧葬补助金、一次性工亡补助金申领', 'Funeral and death lump-sum claim', '《工伤保险条例》第三十九条', '["死亡证明","亲属关系证明","银行账户"]', 15, 'back_office', '["teller","benefits_reviewer"]', 0, 'person'),
('GS0505', '待遇领取资格认证', 'Eligibility certification', '人社部发〔2021〕22号（待遇资格认证）', '["身份证件"]', 0, 'immediate', '["teller"]', 1, 'person'),
('GS0506', '领取待遇银行账户变更', 'Change of bank account', '—', '["身份证件","银行卡"]', 0, 'immediate', '["teller"]', 1, 'person'),
('GS0601', '先行支付申请', 'Advance payment application', '《社会保险法》第四十一条；人社部令第15号', '["先行支付申请表","工伤认定决定书","用人单位未支付的证明"]', 30, 'back_office', '["teller","benefits_reviewer"]', 0, 'person'),
('GS0701', '工伤保险待遇信息查询', 'Benefit and payment enquiry', '—', '[]', 0, 'township', '["teller"]', 1, 'person');

-- +goose Down
DROP TABLE tickets;
DROP TABLE service_items;
