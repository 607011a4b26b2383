package casework

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var luan = DocSettings{Issuer: "六安市人力资源和社会保障局", Committee: "六安市劳动能力鉴定委员会",
	ProvincialCommittee: "安徽省劳动能力鉴定委员会", ReviewBody: "六安市人民政府", Agency: "六安市社会保险经办机构",
	Prefixes: map[DocKind]string{DocDecision: "六人社工伤认字"}}

func decidedCase() Determination {
	return Determination{CaseNo: "RD341500-2024-00123",
		Application: Application{Region: "341500", ApplicantKind: ApplicantEmployer, WorkerID: "341502199001011234",
			WorkerName: "李四", EmployerUSCC: "91341500MA2N000001", EventKind: EventAccident,
			EventDate: MustDate("2024-03-05"), ReceivedOn: MustDate("2024-03-20")},
		State: DetClosed, Outcome: OutcomeWorkInjury, AcceptedOn: MustDate("2024-03-22"),
		Decision: &Decision{On: MustDate("2024-04-15"), Finding: OutcomeWorkInjury, Article: 14, Item: 1,
			Reasons: "李四在公司厂区搬运钢材时被钢材砸伤左小腿，经六安市人民医院诊断为左胫骨骨折。"}}
}

func TestDeterminationDecisionDocumentGolden(t *testing.T) {
	doc, err := DeterminationDecision(decidedCase(), DocInput{Settings: luan, Number: DocNumber(luan.Prefixes[DocDecision], 2024, 123),
		On: MustDate("2024-04-15"), EmployerName: "六安某建筑工程有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "determination_decision.golden.json")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(got)+"\n" {
		t.Errorf("document differs from %s (run with -update after checking):\n%s", path, got)
	}
}

func TestDocumentNumbersAndFindings(t *testing.T) {
	if n := DocNumber("六人社工伤认字", 2024, 123); n != "六人社工伤认字〔2024〕第123号" {
		t.Errorf("number %s", n)
	}
	for n, want := range map[int]string{1: "一", 7: "七", 10: "十", 12: "十二", 20: "二十", 35: "三十五"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("%d: %s", n, got)
		}
	}
	in := DocInput{Settings: luan, Number: "X〔2024〕第1号", On: MustDate("2024-04-15"), EmployerName: "E"}
	c := decidedCase()
	c.Decision.Finding, c.Decision.Article, c.Decision.Item = OutcomeNotWorkInjury, 16, 2
	doc, err := DeterminationDecision(c, in)
	if err != nil || doc.Title != "不予认定工伤决定书" || !strings.Contains(doc.Body[2], "第十六条第（二）项") {
		t.Errorf("Art. 16: %+v %v", doc, err)
	}
	if !strings.Contains(doc.Rights, "60日内向六安市人民政府申请行政复议") || !strings.Contains(doc.Rights, "6个月内") {
		t.Errorf("rights %s", doc.Rights)
	}
	c.Decision = nil
	if _, err := DeterminationDecision(c, in); CodeOf(err) != CodeInvalid {
		t.Errorf("no decision: %v", err)
	}
	c = decidedCase()
	c.Notice = &Notice{On: MustDate("2024-03-25"), Missing: []string{MatEmploymentProof, MatWitnessStatement}}
	doc, err = SupplementNotice(c, in)
	if err != nil || len(doc.Items) != 2 || doc.Items[1] != "证人证言" || doc.Addressee != "E" {
		t.Errorf("supplement %+v %v", doc, err)
	}
	if doc, err = AcceptanceNotice(c, in); err != nil || !strings.Contains(doc.Body[0], "2024年3月22日起予以受理") {
		t.Errorf("acceptance %+v %v", doc, err)
	}
	if _, err = RefusalDecision(c, in); CodeOf(err) != CodeInvalid {
		t.Errorf("not refused: %v", err)
	}
	c.Outcome, c.CloseReason = OutcomeRefused, "申请超过《工伤保险条例》第十七条规定的时限。"
	if doc, err = RefusalDecision(c, in); err != nil || doc.Rights == "" || doc.Title != "工伤认定申请不予受理决定书" {
		t.Errorf("refusal %+v %v", doc, err)
	}
	a := Assessment{CaseNo: "JD341500-2024-00009", AssessmentApplication: AssessmentApplication{Kind: AsmtInitial, WorkerName: "李四",
		WorkerID: "W", AppliedOn: MustDate("2024-08-01")}, Conclusion: &AsmtConclusion{On: MustDate("2024-09-10"), Grade: 7,
		Level: SelfCareNone, Devices: []string{"小腿假肢"}, Basis: "GB/T 16180-2014 5.7.2"}}
	doc, err = AssessmentConclusionDoc(a, in)
	if err != nil || doc.Body[1] != "劳动功能障碍程度：伤残七级。" || !strings.Contains(doc.Rights, "15日内向安徽省劳动能力鉴定委员会申请再次鉴定") ||
		doc.Issuer != "六安市劳动能力鉴定委员会" {
		t.Errorf("conclusion %+v %v", doc, err)
	}
	a.Kind = AsmtReassess
	if doc, _ = AssessmentConclusionDoc(a, in); doc.Rights != "本鉴定结论为最终结论。" || doc.Issuer != "安徽省劳动能力鉴定委员会" {
		t.Errorf("re-assessment is final: %+v", doc)
	}
}
