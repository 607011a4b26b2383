package medsvc

import (
	"encoding/json"
	"strings"
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/fund/ledger"
	"wiis/internal/medical"
	"wiis/internal/money"
	"wiis/internal/prevention"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// rehabCase stores W1's rehabilitation case at R1 with an outpatient plan of K01 and K02
// from 2026-01-20 to 2026-02-18.
func rehabCase(t *testing.T, db *store.DB, worker string) int64 {
	t.Helper()
	c := prevention.RehabCase{Region: "341500", WorkerID: worker, Employer: "EMP", State: prevention.InRehab, OpenedOn: "2026-01-16",
		Institution: "R1", Plan: &prevention.Plan{Mode: "outpatient", Items: []string{"K01", "K02"}, StartOn: "2026-01-20", Days: 30, EndOn: "2026-02-18"}}
	data, _ := json.Marshal(c)
	var id int64
	if err := db.QueryRow(ctx, `INSERT INTO rehab_cases (region, worker_id, employer_uscc, state, institution, opened_on, data, created_at, updated_at)
		VALUES ('341500', ?, 'EMP', 'in_rehab', 'R1', '2026-01-16', ?, '2026-01-16T00:00:00Z', '2026-01-16T00:00:00Z') RETURNING id`, worker, string(data)).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRehabilitationBillIsAuditedAgainstThePlanAndPostedAsRehabilitation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, det := setUp(t, db)
		if err := s.PutInstitution(ctx, "admin", medical.Institution{Code: "R1", Name: "六安市工伤康复中心", Region: "341500",
			Agreements: []medical.Agreement{{From: d("2025-01-01"), Status: medical.AgreementActive, Kinds: []string{"rehab"}}}}); err != nil {
			t.Fatal(err)
		}
		items, bad, err := medical.ReadCatalogueCSV(strings.NewReader("kind,code,name,category,unit,price_limit,from,to,restricted,max_quantity\n" +
			"rehab,K01,运动疗法,甲,次,60.00,2024-01-01,,0,\nrehab,K02,作业疗法,甲,次,50.00,2024-01-01,,0,\nrehab,K03,水疗,乙,次,80.00,2024-01-01,,0,\n"))
		if err != nil || len(bad) != 0 {
			t.Fatal(err, bad)
		}
		if _, err := s.ImportCatalogue(ctx, "admin", items); err != nil {
			t.Fatal(err)
		}
		rc := rehabCase(t, db, "W1")
		other := rehabCase(t, db, "W9")
		in := BillInput{BillNo: "R1-0001", Channel: ChannelDirect, InstitutionCode: "R1", DeterminationID: det, Diagnosis: "S82.2",
			RehabCaseID: rc, Lines: []medical.Line{
				ln(medical.KindRehab, "K01", "2026-01-21", "1", "60.00"),      // in the plan: accepted
				ln(medical.KindRehab, "K02", "2026-02-18", "1", "50.00"),      // the plan's last day: accepted
				ln(medical.KindRehab, "K03", "2026-01-22", "1", "80.00"),      // catalogued, not in the plan
				ln(medical.KindRehab, "K01", "2026-02-19", "1", "60.00"),      // after the plan's end
				ln(medical.KindTreatment, "T01", "2026-01-23", "1", "100.00"), // not a rehabilitation item
			}}
		wrong := in
		wrong.RehabCaseID = other
		if _, err := s.SubmitBill(ctx, "inst:R1", wrong); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("another worker's case: %v", err)
		}
		wrong.RehabCaseID = other + 100
		if _, err := s.SubmitBill(ctx, "inst:R1", wrong); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("unknown case: %v", err)
		}
		b, err := s.SubmitBill(ctx, "inst:R1", in)
		if err != nil {
			t.Fatal(err)
		}
		want := []medical.Reason{"", "", medical.OutsideRehabPlan, medical.OutsideRehabPeriod, medical.OutsideRehabPlan}
		for i, l := range b.Lines {
			if l.Reason != want[i] || (want[i] != "") != (l.Decision == medical.Refuse) || (want[i] != "" && l.Text == "") {
				t.Errorf("line %d: %s %s %q", i+1, l.Decision, l.Reason, l.Text)
			}
		}
		if b.State != BillSettled || b.Accepted != money.MustParse("110.00") || b.RehabCaseID != rc || b.PostingID == 0 {
			t.Fatalf("bill %+v", b)
		}
		p, err := ledger.Get(ctx, db, b.PostingID)
		if err != nil || p.Lines[0].Account != "expense:rehabilitation" || p.Lines[0].Debit != b.Accepted || p.SourceRef != "R1-0001" {
			t.Fatalf("posting %+v %v", p, err)
		}
		bills, err := s.RehabBills(ctx, rc)
		if err != nil || len(bills) != 1 || bills[0].BillNo != "R1-0001" {
			t.Fatalf("case bills %+v %v", bills, err)
		}
		if bills, _ := s.RehabBills(ctx, other); len(bills) != 0 {
			t.Fatalf("the other case has bills %+v", bills)
		}
	})
}
