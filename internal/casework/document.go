package casework

import (
	"fmt"
	"strconv"
	"strings"
)

// The documents a case issues (认定办法 Art. 8, 18, 22; 鉴定办法 Art. 14), rendered as data: the
// web layer prints them through one HTML template, so the wording of a document lives here,
// once, beside the rules that decide it.

// DocKind is the kind of a document.
type DocKind string

// The documents.
const (
	DocAcceptance           DocKind = "acceptance"             // 工伤认定申请受理决定书 (受理通知书)
	DocSupplement           DocKind = "supplement"             // 工伤认定申请补正材料通知书
	DocRefusal              DocKind = "refusal"                // 工伤认定申请不予受理决定书
	DocDecision             DocKind = "determination_decision" // 认定工伤决定书 / 不予认定工伤决定书
	DocAssessmentConclusion DocKind = "assessment_conclusion"  // 劳动能力鉴定结论书
)

// ParamDocuments is the policy key of DocSettings.
const ParamDocuments = "casework.documents"

// DocSettings are a region's names and number prefixes for its documents (policy
// casework.documents, seeded by migration 00045).
type DocSettings struct {
	Issuer              string `json:"issuer"`               // 社会保险行政部门, e.g. 六安市人力资源和社会保障局
	Committee           string `json:"committee"`            // 设区的市级劳动能力鉴定委员会
	ProvincialCommittee string `json:"provincial_committee"` // for 再次鉴定 (条例 Art. 26)
	// ReviewBody is where administrative reconsideration is applied for. Reading: since the
	// 2023 revision of 行政复议法 (in force 2024-01-01, Art. 24) the people's government at
	// the same level handles reconsideration of its departments' acts, so this is usually the
	// city government; a region names it here.
	ReviewBody string             `json:"review_body"`
	Court      string             `json:"court"` // the court with jurisdiction; empty: 人民法院
	Prefixes   map[DocKind]string `json:"prefixes"`
	Agency     string             `json:"agency"` // 社会保险经办机构, copied on decisions (认定办法 Art. 22)
}

// DocNumber formats a document number the way Chinese agencies do: the prefix, the year in
// 六角括号 and the sequence, e.g. 六人社工伤认字〔2024〕第123号.
func DocNumber(prefix string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕第%d号", prefix, year, seq)
}

// DocParty is a party named on a document.
type DocParty struct {
	Role   string `json:"role"` // 申请人, 受伤害职工, 用人单位
	Name   string `json:"name"`
	IDKind string `json:"id_kind,omitempty"` // 公民身份号码, 统一社会信用代码
	ID     string `json:"id,omitempty"`
}

// Document is one printable document as data.
type Document struct {
	Kind      DocKind    `json:"kind"`
	Title     string     `json:"title"`
	Number    string     `json:"number"`
	CaseNo    string     `json:"case_no"`
	Addressee string     `json:"addressee,omitempty"`
	Parties   []DocParty `json:"parties"`
	// Body is the text in paragraphs: facts, finding or conclusion.
	Body []string `json:"body"`
	// Items is a numbered list (missing materials).
	Items []string `json:"items,omitempty"`
	// Basis cites the law the document rests on.
	Basis []string `json:"basis"`
	// Rights says how to challenge it (reconsideration and litigation, or re-assessment).
	Rights string   `json:"rights,omitempty"`
	Issuer string   `json:"issuer"`
	Date   string   `json:"date"` // 2026年1月20日
	CC     []string `json:"cc,omitempty"`
}

// DocInput is what a document needs besides the case: the region's settings, the number the
// service issued, the day and the employer's name (the case holds only its code).
type DocInput struct {
	Settings     DocSettings
	Number       string
	On           Date
	EmployerName string
}

// ChineseDate writes 2026年1月20日.
func ChineseDate(d Date) string {
	t := d.Time()
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// MaterialNames are the Chinese names of the material kinds.
var MaterialNames = map[string]string{
	MatApplicationForm: "工伤认定申请表", MatEmploymentProof: "与用人单位存在劳动关系（包括事实劳动关系）的证明材料",
	MatDiagnosis: "医疗诊断证明或者职业病诊断证明书（或者职业病诊断鉴定书）", MatDeathCertificate: "死亡证明",
	MatWitnessStatement: "证人证言", MatSurveillanceVideo: "监控视频", MatPhotos: "现场照片", MatAttendanceRecord: "考勤记录",
	MatOther: "其他材料",
}

var cnDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// chineseNumber writes 1–99 in Chinese numerals, as article and item numbers are cited.
func chineseNumber(n int) string {
	switch {
	case n <= 10:
		return cnDigits[n]
	case n < 20:
		return "十" + strings.TrimPrefix(cnDigits[n%10], "零")
	default:
		s := cnDigits[n/10] + "十"
		if n%10 != 0 {
			s += cnDigits[n%10]
		}
		return s
	}
}

// appealRights is the notice of administrative remedies on every determination document:
// reconsideration within 60 days (行政复议法 Art. 20) or a suit within 6 months (行政诉讼法
// Art. 46), both from receipt; 认定办法 Art. 23 opens both against refusals and decisions.
func appealRights(s DocSettings, what string) string {
	court := s.Court
	if court == "" {
		court = "人民法院"
	}
	return fmt.Sprintf("如不服本%s，可自收到本%s书之日起60日内向%s申请行政复议，或者自收到本%s书之日起6个月内依法向%s提起行政诉讼。",
		what, what, s.ReviewBody, what, court)
}

func detParties(d Determination, in DocInput) []DocParty {
	ps := []DocParty{}
	if d.ApplicantKind != ApplicantEmployer && d.ApplicantName != "" && d.ApplicantName != d.WorkerName {
		ps = append(ps, DocParty{Role: "申请人", Name: d.ApplicantName})
	}
	ps = append(ps, DocParty{Role: "受伤害职工", Name: d.WorkerName, IDKind: "公民身份号码", ID: d.WorkerID},
		DocParty{Role: "用人单位", Name: in.EmployerName, IDKind: "统一社会信用代码", ID: d.EmployerUSCC})
	return ps
}

func applicantName(d Determination, in DocInput) string {
	switch {
	case d.ApplicantKind == ApplicantEmployer:
		return in.EmployerName
	case d.ApplicantName != "":
		return d.ApplicantName
	}
	return d.WorkerName
}

func eventText(d Determination) string {
	if d.EventKind == EventOccupationalDisease {
		return "被诊断（鉴定）为职业病"
	}
	return "受到事故伤害"
}

func checkDoc(in DocInput, kind DocKind) error {
	switch {
	case in.Number == "":
		return invalid("number", "a document needs its number")
	case in.On.IsZero():
		return invalid("on", "a document needs its date")
	case in.Settings.Issuer == "" || (kind != DocAssessmentConclusion && in.Settings.ReviewBody == ""):
		return invalid("settings", "the region's casework.documents names no issuer or review body")
	}
	return nil
}

// AcceptanceNotice is the 工伤认定申请受理决定书 (认定办法 Art. 8 ¶2). Errors: invalid when the
// case was not accepted.
func AcceptanceNotice(d Determination, in DocInput) (Document, error) {
	if d.AcceptedOn.IsZero() {
		return Document{}, invalid("state", "the application was not accepted")
	}
	if err := checkDoc(in, DocAcceptance); err != nil {
		return Document{}, err
	}
	return Document{Kind: DocAcceptance, Title: "工伤认定申请受理决定书", Number: in.Number, CaseNo: d.CaseNo,
		Addressee: applicantName(d, in), Parties: detParties(d, in),
		Body: []string{fmt.Sprintf("你（单位）于%s提出的%s于%s%s的工伤认定申请，经审核，材料完整，符合受理条件，本机关决定自%s起予以受理。",
			ChineseDate(d.ReceivedOn), d.WorkerName, ChineseDate(d.EventDate), eventText(d), ChineseDate(d.AcceptedOn))},
		Basis:  []string{"《工伤保险条例》第十七条、第十八条", "《工伤认定办法》第八条"},
		Issuer: in.Settings.Issuer, Date: ChineseDate(in.On)}, nil
}

// SupplementNotice is the one written notice of all missing materials (补正材料通知书,
// 条例 Art. 18 ¶3; 认定办法 Art. 8). Errors: invalid when no notice was recorded.
func SupplementNotice(d Determination, in DocInput) (Document, error) {
	if d.Notice == nil || len(d.Notice.Missing) == 0 {
		return Document{}, invalid("notice", "no notice of missing materials was recorded")
	}
	if err := checkDoc(in, DocSupplement); err != nil {
		return Document{}, err
	}
	items := make([]string, len(d.Notice.Missing))
	for i, k := range d.Notice.Missing {
		items[i] = MaterialNames[k]
		if items[i] == "" {
			items[i] = k
		}
	}
	return Document{Kind: DocSupplement, Title: "工伤认定申请补正材料通知书", Number: in.Number, CaseNo: d.CaseNo,
		Addressee: applicantName(d, in), Parties: detParties(d, in),
		Body: []string{fmt.Sprintf("你（单位）于%s提出的%s工伤认定申请，经审核，申请材料不完整。请补正下列全部材料，本机关自收到全部补正材料之日起15日内作出受理或者不予受理的决定：",
			ChineseDate(d.ReceivedOn), d.WorkerName)},
		Items:  items,
		Basis:  []string{"《工伤保险条例》第十八条第三款", "《工伤认定办法》第八条"},
		Issuer: in.Settings.Issuer, Date: ChineseDate(in.On)}, nil
}

// RefusalDecision is the 工伤认定申请不予受理决定书 (认定办法 Art. 8 ¶2), with the reason the
// case recorded and the remedies (Art. 23). Errors: invalid when the case was not refused.
func RefusalDecision(d Determination, in DocInput) (Document, error) {
	if d.Outcome != OutcomeRefused {
		return Document{}, invalid("outcome", "the application was not refused")
	}
	if err := checkDoc(in, DocRefusal); err != nil {
		return Document{}, err
	}
	return Document{Kind: DocRefusal, Title: "工伤认定申请不予受理决定书", Number: in.Number, CaseNo: d.CaseNo,
		Addressee: applicantName(d, in), Parties: detParties(d, in),
		Body: []string{
			fmt.Sprintf("你（单位）于%s提出的%s工伤认定申请，经审核：%s", ChineseDate(d.ReceivedOn), d.WorkerName, d.CloseReason),
			"根据上述规定，本机关决定不予受理。"},
		Basis:  []string{"《工伤保险条例》第十七条", "《工伤认定办法》第八条"},
		Rights: appealRights(in.Settings, "决定"), Issuer: in.Settings.Issuer, Date: ChineseDate(in.On)}, nil
}

// DeterminationDecision is the 认定工伤决定书 or 不予认定工伤决定书 (认定办法 Art. 18, 22): the
// parties, the facts as found, the finding under Art. 14, 15 or 16 with its item, the
// remedies, and the copy to the agency. Errors: invalid when no decision was made.
func DeterminationDecision(d Determination, in DocInput) (Document, error) {
	if d.Decision == nil {
		return Document{}, invalid("decision", "no decision was made")
	}
	if err := checkDoc(in, DocDecision); err != nil {
		return Document{}, err
	}
	dec := *d.Decision
	title, finding, basis := "认定工伤决定书", "", "《工伤保险条例》第十四条"
	item := ""
	if dec.Item > 0 {
		item = "第（" + chineseNumber(dec.Item) + "）项"
	}
	switch dec.Finding {
	case OutcomeWorkInjury:
		finding = fmt.Sprintf("%s同志受到的伤害，符合《工伤保险条例》第十四条%s之规定，属于工伤认定范围，现予以认定为工伤。", d.WorkerName, item)
	case OutcomeDeemed:
		basis = "《工伤保险条例》第十五条"
		finding = fmt.Sprintf("%s同志受到的伤害，符合《工伤保险条例》第十五条%s之规定，属于视同工伤范围，现予以视同工伤。", d.WorkerName, item)
	case OutcomeNotWorkInjury:
		title = "不予认定工伤决定书"
		if dec.Article == 16 {
			basis = "《工伤保险条例》第十六条"
			finding = fmt.Sprintf("%s同志受到的伤害，符合《工伤保险条例》第十六条%s之规定，不得认定为工伤或者视同工伤，现决定不予认定为工伤或者视同工伤。", d.WorkerName, item)
		} else {
			basis = "《工伤保险条例》第十四条、第十五条"
			finding = fmt.Sprintf("%s同志受到的伤害，不符合《工伤保险条例》第十四条、第十五条认定工伤或者视同工伤的情形，现决定不予认定为工伤或者视同工伤。", d.WorkerName)
		}
	default:
		return Document{}, invalid("decision", "unknown finding %q", dec.Finding)
	}
	cc := []string{}
	if in.Settings.Agency != "" {
		cc = append(cc, in.Settings.Agency)
	}
	return Document{Kind: DocDecision, Title: title, Number: in.Number, CaseNo: d.CaseNo, Parties: detParties(d, in),
		Body: []string{
			fmt.Sprintf("本机关于%s受理%s提出的工伤认定申请。", ChineseDate(d.AcceptedOn), applicantName(d, in)),
			fmt.Sprintf("经查：%s于%s%s。%s", d.WorkerName, ChineseDate(d.EventDate), eventText(d), dec.Reasons),
			finding},
		Basis:  []string{basis, "《工伤保险条例》第二十条", "《工伤认定办法》第十八条"},
		Rights: appealRights(in.Settings, "决定"), Issuer: in.Settings.Issuer, Date: ChineseDate(dec.On), CC: cc}, nil
}

var levelNames = map[SelfCareLevel]string{SelfCareFull: "生活完全不能自理", SelfCareMost: "生活大部分不能自理",
	SelfCarePartial: "生活部分不能自理", SelfCareNone: "未达到生活自理障碍等级"}

// AssessmentConclusionDoc is the 劳动能力鉴定结论书 (鉴定办法 Art. 14): the worker and employer,
// the conclusion (grade, self-care level, devices, leave extension) and its basis, and the
// right to a provincial re-assessment within 15 days (条例 Art. 26) — or, for a provincial
// re-assessment, that it is final. Errors: invalid when there is no conclusion.
func AssessmentConclusionDoc(a Assessment, in DocInput) (Document, error) {
	if a.Conclusion == nil {
		return Document{}, invalid("conclusion", "the assessment has no conclusion")
	}
	if err := checkDoc(in, DocAssessmentConclusion); err != nil {
		return Document{}, err
	}
	c := *a.Conclusion
	grade := "未达到伤残等级"
	if c.Grade > 0 {
		grade = "伤残" + chineseNumber(c.Grade) + "级"
	}
	body := []string{
		fmt.Sprintf("%s于%s提出的%s劳动能力鉴定申请，经本委员会组织专家组鉴定，结论如下：", a.WorkerName, ChineseDate(a.AppliedOn), kindText(a.Kind)),
		"劳动功能障碍程度：" + grade + "。",
		"生活自理障碍程度：" + levelNames[c.Level] + "。",
	}
	if len(c.Devices) > 0 {
		body = append(body, "确认配置辅助器具："+strings.Join(c.Devices, "、")+"。")
	}
	if c.LeaveExtensionMonths > 0 {
		body = append(body, "确认延长停工留薪期"+strconv.Itoa(c.LeaveExtensionMonths)+"个月。")
	}
	rights := fmt.Sprintf("如对本鉴定结论不服，可自收到本结论书之日起15日内向%s申请再次鉴定。", in.Settings.ProvincialCommittee)
	if a.Final() {
		rights = "本鉴定结论为最终结论。"
	}
	issuer := in.Settings.Committee
	if a.Final() {
		issuer = in.Settings.ProvincialCommittee
	}
	return Document{Kind: DocAssessmentConclusion, Title: "劳动能力鉴定结论书", Number: in.Number, CaseNo: a.CaseNo,
		Parties: []DocParty{{Role: "受伤害职工", Name: a.WorkerName, IDKind: "公民身份号码", ID: a.WorkerID},
			{Role: "用人单位", Name: in.EmployerName, IDKind: "统一社会信用代码", ID: a.EmployerUSCC}},
		Body:   body,
		Basis:  []string{"《工伤保险条例》第二十二条、第二十五条", "《劳动能力鉴定 职工工伤与职业病致残等级》（GB/T 16180-2014）", c.Basis},
		Rights: rights, Issuer: issuer, Date: ChineseDate(c.On)}, nil
}

func kindText(k AsmtKind) string {
	switch k {
	case AsmtReassess:
		return "再次"
	case AsmtReview:
		return "复查"
	}
	return "初次"
}
