package medical

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"wiis/internal/calendar"
	"wiis/internal/money"
)

func d(s string) Date            { return calendar.MustDate(s) }
func yuan(s string) money.Amount { return money.MustParse(s) }
func qty(s string) Qty {
	q, err := ParseQty(s)
	if err != nil {
		panic(err)
	}
	return q
}

var testCatalogue = NewCatalogue([]CatalogueItem{
	{Kind: KindDrug, Code: "X01", Name: "头孢呋辛注射液", Category: "乙", Unit: "支", PriceLimit: yuan("12.00"), From: d("2024-01-01"), MaxQuantity: qty("20")},
	{Kind: KindDrug, Code: "X02", Name: "人血白蛋白", Category: "乙", Unit: "瓶", PriceLimit: yuan("400.00"), From: d("2024-01-01"), Restricted: true},
	{Kind: KindTreatment, Code: "T01", Name: "清创缝合术", Category: "甲", Unit: "次", PriceLimit: yuan("300.00"), From: d("2024-01-01"), To: d("2025-12-31")},
	{Kind: KindTreatment, Code: "T01", Name: "清创缝合术", Category: "甲", Unit: "次", PriceLimit: yuan("320.00"), From: d("2026-01-01")},
	{Kind: KindTreatment, Code: "T02", Name: "旧项目", Unit: "次", From: d("2020-01-01"), To: d("2023-12-31")},
	{Kind: KindDevice, Code: "D01", Name: "小腿假肢", Unit: "具", PriceLimit: yuan("8000.00"), From: d("2024-01-01")},
})

var hospital = Institution{Code: "H1", Name: "六安市人民医院", Region: "341500", Agreements: []Agreement{
	{From: d("2024-01-01"), To: d("2026-06-30"), Level: "三级甲等", Status: AgreementActive},
}}

func context() BillContext {
	return BillContext{Institution: hospital, Known: true, Catalogue: testCatalogue, Diagnosis: "S82.2",
		Injury: Injury{Date: d("2026-01-10"), Diagnoses: []string{"S82.201"}, Devices: []string{"D01"}},
		Seen:   map[string]bool{DupKey("H1", Line{Kind: KindTreatment, Code: "T01", On: d("2026-01-11"), Qty: qty("1"), UnitPrice: yuan("300.00")}): true}}
}

func line(kind Kind, code, on, q, price string) Line {
	l := Line{No: 1, Kind: kind, Code: code, On: d(on), Qty: qty(q), UnitPrice: yuan(price)}
	l.Amount = l.Qty.Times(l.UnitPrice)
	return l
}

func TestEveryAuditRuleWithItsReason(t *testing.T) {
	good := line(KindDrug, "X01", "2026-01-12", "2", "10.00")
	cases := []struct {
		name     string
		edit     func(*BillContext, *Line)
		decision Decision
		reason   Reason
		accepted string
	}{
		{"a catalogue line within its limit is paid in full", nil, Accept, "", "20.00"},
		{"not an agreement institution", func(bc *BillContext, _ *Line) { bc.Known, bc.Institution = false, Institution{Code: "H9"} }, Refuse, NotAgreementInstitution, "0.00"},
		{"an emergency at a non-agreement hospital goes to a human", func(bc *BillContext, _ *Line) {
			bc.Known, bc.Institution, bc.Emergency = false, Institution{Code: "H9"}, true
		}, Review, EmergencyNonAgreement, "20.00"},
		{"after the agreement ended", func(_ *BillContext, l *Line) { l.On = d("2026-07-01") }, Refuse, OutsideAgreement, "0.00"},
		{"a suspended agreement does not cover", func(bc *BillContext, _ *Line) {
			bc.Institution = Institution{Code: "H1", Agreements: []Agreement{{From: d("2024-01-01"), Status: AgreementSuspended}}}
		}, Refuse, OutsideAgreement, "0.00"},
		{"before the injury", func(_ *BillContext, l *Line) { l.On = d("2026-01-09") }, Refuse, BeforeInjury, "0.00"},
		{"after the treatment period closed", func(bc *BillContext, _ *Line) { bc.Injury.TreatmentUntil = d("2026-01-11") }, Refuse, OutsideTreatment, "0.00"},
		{"zero quantity", func(_ *BillContext, l *Line) { l.Qty, l.Amount = 0, 0 }, Refuse, BadQuantity, "0.00"},
		{"amount is not quantity × price", func(_ *BillContext, l *Line) { l.Amount = yuan("25.00") }, Refuse, AmountMismatch, "0.00"},
		{"not in the catalogue", func(_ *BillContext, l *Line) { l.Code = "NOPE" }, Refuse, NotInCatalogue, "0.00"},
		{"catalogue entry no longer in force", func(_ *BillContext, l *Line) { *l = line(KindTreatment, "T02", "2026-01-12", "1", "50.00") }, Refuse, NotInForce, "0.00"},
		{"a device the committee did not confirm", func(bc *BillContext, l *Line) {
			bc.Injury.Devices = nil
			*l = line(KindDevice, "D01", "2026-03-01", "1", "7000.00")
		}, Refuse, DeviceNotConfirmed, "0.00"},
		{"a confirmed device within its limit", func(_ *BillContext, l *Line) { *l = line(KindDevice, "D01", "2026-03-01", "1", "7000.00") }, Accept, "", "7000.00"},
		{"the same charge already billed", func(_ *BillContext, l *Line) { *l = line(KindTreatment, "T01", "2026-01-11", "1", "300.00") }, Refuse, Duplicate, "0.00"},
		{"a diagnosis of another chapter is not the injury", func(_ *BillContext, l *Line) { l.Diagnosis = "I10" }, Refuse, Unrelated, "0.00"},
		{"another injury category is doubtful", func(_ *BillContext, l *Line) { l.Diagnosis = "T84.0" }, Review, DiagnosisDoubtful, "20.00"},
		{"no diagnosis at all", func(bc *BillContext, _ *Line) { bc.Diagnosis = "" }, Review, NoDiagnosis, "20.00"},
		{"an implausible quantity", func(_ *BillContext, l *Line) { *l = line(KindDrug, "X01", "2026-01-12", "50", "10.00") }, Review, QuantityImplausible, "500.00"},
		{"a restricted item", func(_ *BillContext, l *Line) { *l = line(KindDrug, "X02", "2026-01-12", "1", "380.00") }, Review, RestrictedUse, "380.00"},
		{"above the price limit: paid up to it", func(_ *BillContext, l *Line) { *l = line(KindDrug, "X01", "2026-01-12", "2.5", "15.00") }, Accept, OverPriceLimit, "30.00"},
		{"the limit in force on the day applies", func(_ *BillContext, l *Line) { *l = line(KindTreatment, "T01", "2026-01-12", "1", "320.00") }, Accept, "", "320.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bc, l := context(), good
			if c.edit != nil {
				c.edit(&bc, &l)
			}
			r := AuditLine(bc, l)
			if r.Decision != c.decision || r.Reason != c.reason || r.Accepted.String() != c.accepted {
				t.Errorf("got %s %s accepted %s, want %s %s %s", r.Decision, r.Reason, r.Accepted, c.decision, c.reason, c.accepted)
			}
			if c.reason != "" && (r.Text == "" || r.Text != ReasonText[c.reason]) {
				t.Errorf("reason %s without its Chinese text: %q", c.reason, r.Text)
			}
		})
	}
}

func TestEveryReasonHasChineseText(t *testing.T) {
	for _, r := range []Reason{NotAgreementInstitution, EmergencyNonAgreement, OutsideAgreement, BeforeInjury, OutsideTreatment,
		BadQuantity, AmountMismatch, NotInCatalogue, NotInForce, DeviceNotConfirmed, Duplicate, Unrelated, DiagnosisDoubtful,
		NoDiagnosis, QuantityImplausible, RestrictedUse, OverPriceLimit, TravelNotApproved} {
		if r.Text() == "" {
			t.Errorf("%s has no text", r)
		}
	}
}

func TestDuplicateLineWithinOneBillIsRefusedOnce(t *testing.T) {
	l := line(KindDrug, "X01", "2026-01-12", "2", "10.00")
	l2 := l
	l2.No = 2
	bc := context()
	rs := AuditBill(bc, []Line{l, l2, l2})
	if rs[0].Decision != Accept || rs[1].Reason != Duplicate || rs[2].Reason != Duplicate {
		t.Errorf("%+v", rs)
	}
	if len(bc.Seen) != 1 {
		t.Error("AuditBill must not modify the caller's seen set")
	}
}

func TestDiagnosisRelation(t *testing.T) {
	for _, c := range []struct {
		diag   string
		injury []string
		want   Reason
	}{
		{"S82.2", []string{"S82.201"}, ""},
		{"s82", []string{"S82.0"}, ""},
		{"T84.0", []string{"S82.0"}, DiagnosisDoubtful},
		{"J18.9", []string{"S82.0"}, Unrelated},
		{"J62.0", []string{"J62.8"}, ""}, // pneumoconiosis: an occupational disease
		{"", []string{"S82.0"}, NoDiagnosis},
		{"S82.0", nil, DiagnosisDoubtful},
	} {
		if got := Relation(c.diag, c.injury); got != c.want {
			t.Errorf("Relation(%q, %v) = %q, want %q", c.diag, c.injury, got, c.want)
		}
	}
}

func TestQtyParsesAndMultipliesExactly(t *testing.T) {
	for _, c := range []struct{ in, out, price, amount string }{
		{"2", "2", "10.00", "20.00"}, {"0.5", "0.5", "3.33", "1.67"}, {"1.125", "1.125", "8.00", "9.00"},
	} {
		q, err := ParseQty(c.in)
		if err != nil || q.String() != c.out || q.Times(yuan(c.price)).String() != c.amount {
			t.Errorf("%s: %v %s %s", c.in, err, q, q.Times(yuan(c.price)))
		}
	}
	for _, bad := range []string{"", "-1", "1.2345", "a"} {
		if _, err := ParseQty(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

var std = Standards{FoodSubsidyPerDay: yuan("30.00"), LodgingPerNight: yuan("300.00"), TravelFoodPerDay: yuan("100.00")}

func TestFoodSubsidyCountsInpatientDays(t *testing.T) {
	if s := FoodSubsidy(std, d("2026-01-10"), d("2026-01-25")); s.Amount.String() != "450.00" || s.Decision != Accept {
		t.Errorf("15 days × 30: %+v", s)
	}
	if s := FoodSubsidy(std, d("2026-01-10"), d("2026-01-10")); s.Amount.String() != "30.00" {
		t.Errorf("a same-day stay is one day: %+v", s)
	}
}

func TestTravelNeedsApprovalAndLodgingIsCapped(t *testing.T) {
	if s := TravelSubsidies(std, Travel{Transport: yuan("500.00")}); len(s) != 1 || s[0].Decision != Refuse || s[0].Reason != TravelNotApproved {
		t.Errorf("unapproved: %+v", s)
	}
	s := TravelSubsidies(std, Travel{Approved: true, Transport: yuan("560.00"), Lodging: yuan("1200.00"), Nights: 3, Days: 4})
	if s[0].Amount.String() != "560.00" || s[1].Amount.String() != "900.00" || s[1].Reason != OverPriceLimit || s[2].Amount.String() != "400.00" {
		t.Errorf("approved: %+v", s)
	}
}

const catalogueCSV = "\ufeff目录,编码,名称,类别,单位,限价,生效日期,失效日期,限定支付,最大数量\n" +
	"药品,X01,头孢呋辛注射液,乙,支,12.00,2024-01-01,,否,20\n" +
	"treatment,T01,清创缝合术,甲,次,300,2024-01-01,2025-12-31,0,\n" +
	"手术,T03,坏目录,甲,次,1,2024-01-01,,,\n" +
	"drug,X09,坏日期,甲,支,1,2024-13-01,,,\n"

func TestCatalogueImportsFromCSVAndExcel(t *testing.T) {
	check := func(t *testing.T, items []CatalogueItem, bad []RowError, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 2 || items[0].Kind != KindDrug || items[0].PriceLimit.String() != "12.00" || items[0].MaxQuantity != qty("20") ||
			items[1].To.String() != "2025-12-31" || items[1].Category != "甲" {
			t.Errorf("items %+v", items)
		}
		if len(bad) != 2 || bad[0].Row != 4 || bad[0].Column != "kind" || bad[1].Row != 5 || bad[1].Column != "from" {
			t.Errorf("row errors %+v", bad)
		}
	}
	t.Run("csv", func(t *testing.T) {
		items, bad, err := ReadCatalogueCSV(strings.NewReader(catalogueCSV))
		check(t, items, bad, err)
	})
	t.Run("xlsx", func(t *testing.T) {
		f := excelize.NewFile()
		for r, row := range strings.Split(strings.TrimSpace(strings.TrimPrefix(catalogueCSV, "\ufeff")), "\n") {
			for c, v := range strings.Split(row, ",") {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr("Sheet1", cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		items, bad, err := ReadCatalogueXLSX(&buf)
		check(t, items, bad, err)
	})
	if _, _, err := ReadCatalogueCSV(strings.NewReader("code,name\nX,Y\n")); err == nil {
		t.Error("a header without kind and from is an error")
	}
}
