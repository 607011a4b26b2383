-- +goose Up
-- Documents issued by casework (internal/casework/document.go): each kind is issued once per
-- case with a number from the region's prefix and a yearly sequence (casework_counters, prefix
-- 'DOC:' || kind), and kept as the data it was printed from, so a reprint is the same document.
CREATE TABLE casework_documents (
    entity    TEXT NOT NULL,             -- determination | assessment
    case_id   BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    number    TEXT NOT NULL UNIQUE,
    issued_on TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    data      TEXT NOT NULL,             -- casework.Document as JSON
    PRIMARY KEY (entity, case_id, kind)
);

-- Names and number prefixes (casework.DocSettings). The national row is a neutral default so
-- every region can print; Lu'an's names follow its documents, prefixes are demo values.
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('000000', 'casework.documents', '2011-01-01', '{"issuer":"社会保险行政部门","committee":"劳动能力鉴定委员会","provincial_committee":"省级劳动能力鉴定委员会","review_body":"本级人民政府","court":"","agency":"社会保险经办机构","prefixes":{"acceptance":"工伤受字","supplement":"工伤补字","refusal":"工伤不受字","determination_decision":"工伤认字","assessment_conclusion":"劳鉴字"}}', '默认名称与文号前缀，各地应设置本地值 / neutral default, set per region', 'migration', '2026-11-23T00:00:00Z');
INSERT INTO policy_values (region, param, effective_from, value, note, created_by, created_at) VALUES ('341500', 'casework.documents', '2017-01-01', '{"issuer":"六安市人力资源和社会保障局","committee":"六安市劳动能力鉴定委员会","provincial_committee":"安徽省劳动能力鉴定委员会","review_body":"六安市人民政府","court":"","agency":"六安市社会保险经办机构","prefixes":{"acceptance":"六人社工伤受字","supplement":"六人社工伤补字","refusal":"六人社工伤不受字","determination_decision":"六人社工伤认字","assessment_conclusion":"六劳鉴字"}}', '文号前缀为演示数据 / prefixes are demo values', 'migration', '2026-11-23T00:00:00Z');

-- +goose Down
DELETE FROM policy_values WHERE created_by = 'migration' AND param = 'casework.documents';
DROP TABLE casework_documents;
