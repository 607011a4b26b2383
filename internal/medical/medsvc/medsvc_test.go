package medsvc

import (
	"context"
	"strings"
	"testing"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/calendar"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/fund/ledger"
	"wiis/internal/medical"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

var ctx = context.Background()

func d(s string) calendar.Date  { return calendar.MustDate(s) }
func act(s string) casework.Act { return casework.Act{On: d(s)} }

// recognised takes W1's accident of 2026-01-10 at EMP in Lu'an to a delivered work-injury
// decision.
func recognised(t *testing.T, db *store.DB) int64 {
	t.Helper()
	cs := &caseservice.Service{DB: db}
	c, err := cs.OpenDetermination(ctx, "clerk", casework.Application{Region: "341500", ApplicantKind: casework.ApplicantEmployer,
		WorkerID: "W1", WorkerName: "李四", EmployerUSCC: "EMP", EventKind: casework.EventAccident, EventDate: d("2026-01-10"),
		ReceivedOn: d("2026-01-15")})
	if err != nil {
		t.Fatal(err)
	}
	acts := []casework.DetAction{}
	for _, k := range casework.RequiredMaterials(false) {
		acts = append(acts, casework.ReceiveMaterial{Act: act("2026-01-15"), Kind: k, FileRef: k})
	}
	acts = append(acts, casework.Accept{Act: act("2026-01-15")},
		casework.Decide{Act: act("2026-01-20"), Finding: casework.OutcomeWorkInjury, Article: 14, Item: 1, Reasons: "工作时间在工作场所内因工作原因受伤"},
		casework.Deliver{Act: act("2026-01-21"), Party: casework.PartyWorker, Method: "direct"},
		casework.Deliver{Act: act("2026-01-21"), Party: casework.PartyEmployer, Method: "direct"})
	for _, a := range acts {
		if c, err = cs.ActOnDetermination(ctx, "zhang", c.ID, c.Version, a); err != nil {
			t.Fatal(err)
		}
	}
	return c.ID
}

const catalogue = `kind,code,name,category,unit,price_limit,from,to,restricted,max_quantity
drug,X01,头孢呋辛注射液,乙,支,12.00,2024-01-01,,0,20
drug,X02,人血白蛋白,乙,瓶,400.00,2024-01-01,,1,
treatment,T01,清创缝合术,甲,次,300.00,2024-01-01,,0,
`

func setUp(t *testing.T, db *store.DB) (*Service, int64) {
	t.Helper()
	s := &Service{DB: db, Now: func() time.Time { return time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC) }}
	det := recognised(t, db)
	if err := s.PutInstitution(ctx, "admin", medical.Institution{Code: "H1", Name: "六安市人民医院", Region: "341500",
		Agreements: []medical.Agreement{{From: d("2025-01-01"), To: d("2026-12-31"), Level: "三级甲等", Status: medical.AgreementActive}}}); err != nil {
		t.Fatal(err)
	}
	items, bad, err := medical.ReadCatalogueCSV(strings.NewReader(catalogue))
	if err != nil || len(bad) != 0 {
		t.Fatal(err, bad)
	}
	if n, err := s.ImportCatalogue(ctx, "admin", items); err != nil || n != 3 {
		t.Fatal(n, err)
	}
	if err := s.SetTreatment(ctx, "auditor", Treatment{DeterminationID: det, Diagnoses: []string{"S82.2"}}); err != nil {
		t.Fatal(err)
	}
	return s, det
}

func ln(kind medical.Kind, code, on, qty, price string) medical.Line {
	q, _ := medical.ParseQty(qty)
	p := money.MustParse(price)
	return medical.Line{Kind: kind, Code: code, On: d(on), Qty: q, UnitPrice: p, Amount: q.Times(p)}
}

func TestDirectBillIsAuditedReviewedSettledAndPosted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, det := setUp(t, db)
		b, err := s.SubmitBill(ctx, "hospital:H1", BillInput{BillNo: "H1-0001", Channel: ChannelDirect, InstitutionCode: "H1",
			DeterminationID: det, Diagnosis: "S82.2", Lines: []medical.Line{
				ln(medical.KindTreatment, "T01", "2026-01-10", "1", "280.00"), // accepted
				ln(medical.KindDrug, "X01", "2026-01-11", "2", "15.00"),       // cut to 2 × 12
				ln(medical.KindDrug, "Z99", "2026-01-11", "1", "50.00"),       // not in catalogue
				ln(medical.KindDrug, "X02", "2026-01-12", "1", "380.00"),      // restricted: review
				ln(medical.KindDrug, "X01", "2026-01-09", "1", "10.00"),       // before the injury
			}, Stay: &Stay{Admitted: d("2026-01-10"), Discharged: d("2026-01-20")}})
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			dec      medical.Decision
			reason   medical.Reason
			accepted string
		}{
			{medical.Accept, "", "280.00"}, {medical.Accept, medical.OverPriceLimit, "24.00"}, {medical.Refuse, medical.NotInCatalogue, "0.00"},
			{medical.Review, medical.RestrictedUse, "380.00"}, {medical.Refuse, medical.BeforeInjury, "0.00"},
			{medical.Accept, "", "300.00"}, // food subsidy: Lu'an demo 30.00 × 10 days
		}
		if len(b.Lines) != len(want) {
			t.Fatalf("lines %+v", b.Lines)
		}
		for i, w := range want {
			l := b.Lines[i]
			if l.Decision != w.dec || l.Reason != w.reason || l.Result.Accepted.String() != w.accepted || (w.reason != "" && l.Text == "") {
				t.Errorf("line %d: %s %s %s %q", i+1, l.Decision, l.Reason, l.Result.Accepted, l.Text)
			}
		}
		if b.State != BillReviewing || b.PostingID != 0 || b.Accepted.String() != "604.00" {
			t.Errorf("bill %s posting %d accepted %s", b.State, b.PostingID, b.Accepted)
		}
		q, err := s.ReviewQueue(ctx, "340000")
		if err != nil || len(q) != 1 || q[0].LineNo != 4 || q[0].Reason != string(medical.RestrictedUse) {
			t.Fatalf("queue %+v %v", q, err)
		}
		if _, err := s.DecideLine(ctx, "auditor", b.ID, b.Version, 4, true, nil, ""); apperr.As(err).Field != "note" {
			t.Errorf("a decision needs a note: %v", err)
		}
		if _, err := s.DecideLine(ctx, "auditor", b.ID, b.Version-1, 4, true, nil, "适应症相符"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale version: %v", err)
		}
		if _, err := s.DecideLine(ctx, "auditor", b.ID, b.Version, 1, true, nil, "x"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("only a doubtful line is decided: %v", err)
		}
		b, err = s.DecideLine(ctx, "auditor", b.ID, b.Version, 4, true, nil, "适应症相符")
		if err != nil {
			t.Fatal(err)
		}
		if b.State != BillSettled || b.Accepted.String() != "984.00" || b.SettledOn != "2026-02-03" || b.PostingID == 0 ||
			b.Lines[3].ReviewedBy != "auditor" {
			t.Fatalf("settled %+v", b)
		}
		p, err := ledger.Get(ctx, db, b.PostingID)
		if err != nil || p.Unit != "341500" || p.Lines[0].Account != "expense:medical" || p.Lines[0].Debit.String() != "984.00" || p.SourceRef != "H1-0001" {
			t.Errorf("posting %+v %v", p, err)
		}
		if q, _ := s.ReviewQueue(ctx, ""); len(q) != 0 {
			t.Errorf("queue after the decision %+v", q)
		}

		// The same charge again, on a reimbursement: refused as a duplicate; the bill settles
		// at once with nothing to post.
		b2, err := s.SubmitBill(ctx, "clerk", BillInput{BillNo: "R-0001", Channel: ChannelReimbursement, InstitutionCode: "H1",
			DeterminationID: det, Diagnosis: "S82.2", Lines: []medical.Line{ln(medical.KindTreatment, "T01", "2026-01-10", "1", "280.00")}})
		if err != nil || b2.Lines[0].Reason != medical.Duplicate || b2.State != BillSettled || b2.PostingID != 0 {
			t.Errorf("duplicate bill %+v %v", b2, err)
		}
		if _, err := s.SubmitBill(ctx, "clerk", BillInput{BillNo: "R-0001", Channel: ChannelReimbursement, InstitutionCode: "H1",
			DeterminationID: det, Lines: []medical.Line{ln(medical.KindDrug, "X01", "2026-01-13", "1", "10.00")}}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a bill number is used once: %v", err)
		}
	})
}

func TestBillsOutsideTheAgreementAndForUnrecognisedInjuries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, det := setUp(t, db)
		b, err := s.SubmitBill(ctx, "clerk", BillInput{BillNo: "R-1", Channel: ChannelReimbursement, InstitutionCode: "H9",
			DeterminationID: det, Diagnosis: "S82.2", Lines: []medical.Line{ln(medical.KindDrug, "X01", "2026-01-13", "1", "10.00")},
			Travel: &medical.Travel{Transport: money.MustParse("300.00")}})
		if err != nil {
			t.Fatal(err)
		}
		if b.Lines[0].Reason != medical.NotAgreementInstitution || b.Lines[1].Reason != medical.TravelNotApproved || b.Accepted != 0 || b.State != BillSettled {
			t.Errorf("%+v", b)
		}
		if _, err := s.SubmitBill(ctx, "clerk", BillInput{BillNo: "R-2", Channel: "fax", InstitutionCode: "H1", DeterminationID: det,
			Lines: []medical.Line{ln(medical.KindDrug, "X01", "2026-01-13", "1", "10.00")}}); apperr.As(err).Field != "channel" {
			t.Errorf("channel: %v", err)
		}
		cs := &caseservice.Service{DB: db}
		open, err := cs.OpenDetermination(ctx, "clerk", casework.Application{Region: "341500", ApplicantKind: casework.ApplicantWorker,
			WorkerID: "W2", EmployerUSCC: "EMP", EventKind: casework.EventAccident, EventDate: d("2026-01-10"), ReceivedOn: d("2026-01-15")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitBill(ctx, "clerk", BillInput{BillNo: "R-3", Channel: ChannelDirect, InstitutionCode: "H1", DeterminationID: open.ID,
			Lines: []medical.Line{ln(medical.KindDrug, "X01", "2026-01-13", "1", "10.00")}}); apperr.As(err).Field != "determination_id" {
			t.Errorf("an undecided case has no medical benefits: %v", err)
		}
	})
}
