package caseservice

import (
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/benefit"
	"wiis/internal/casework"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// enrolW1 records W1 at EMP from January 2025 at 6,000 yuan, 7,000 from July: the 12 months
// before the December 2025 injury hold 11 covered months, 6 × 6,000 + 5 × 7,000 = 71,000,
// whose average is 6,454.55.
func enrolW1(t *testing.T, db *store.DB) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO employers (uscc, name, region, industry_code, status) VALUES ('EMP', '六安某建筑公司', '341500', 'E47', 'active')`,
		`INSERT INTO persons (id_number, name) VALUES ('W1', '李四')`,
		`INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES ('W1', 'EMP', 'add', '2025-01', '2025-01-03', 600000)`,
		`INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base) VALUES ('W1', 'EMP', 'base', '2025-07', '2025-07-01', 700000)`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}

// concluded takes a recognised work injury of W1 to a concluded assessment of grade with the
// given number of self-care activities needing help.
func concluded(t *testing.T, s *Service, grade, helped int) casework.Assessment {
	t.Helper()
	det := closedWorkInjury(t, s)
	addPool(t, s)
	a, err := s.OpenAssessment(ctx, "secretary", casework.AssessmentApplication{Region: "341500", Kind: casework.AsmtInitial,
		ApplicantKind: casework.ApplicantWorker, WorkerID: "W1", WorkerName: "李四", EmployerUSCC: "EMP", AppliedOn: d("2026-03-02"),
		PanelSize: 3, Specialties: []string{"orthopedics", "neurology", "surgery"}, DeterminationID: det.ID, AfterTreatment: true})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = s.ActOnAssessment(ctx, "li", a.ID, a.Version, casework.ConfirmMaterials{Act: at("2026-03-03")}); err != nil {
		t.Fatal(err)
	}
	if a, err = s.DrawPanel(ctx, "li", a.ID, a.Version, d("2026-03-04")); err != nil {
		t.Fatal(err)
	}
	sc := casework.SelfCare{Eating: helped > 0, TurningOver: helped > 1, Toileting: helped > 2, DressingWashing: helped > 3, Moving: helped > 4}
	if a, err = s.ActOnAssessment(ctx, "li", a.ID, a.Version, casework.Conclude{Act: at("2026-04-15"), Grade: grade,
		SelfCare: sc, Basis: "GB/T 16180-2014"}); err != nil {
		t.Fatal(err)
	}
	return a
}

func item(p casework.Proposal, code string) *casework.ProposalItem {
	for i := range p.Items {
		if p.Items[i].Code == code {
			return &p.Items[i]
		}
	}
	return nil
}

func TestConcludedAssessmentProposesBenefitsFromEnrollmentWages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		p, err := proposeW1(t, s, db)
		if err != nil {
			t.Fatal(err)
		}
		a := casework.Assessment{ID: p.AssessmentID}
		if p.State != casework.ProposalProposed || p.Result.OwnWage == nil || p.Result.OwnWage.String() != "6454.55" ||
			len(p.Input.WageHistory) != 11 || !p.Input.IsInsured() || p.FirstMonth != "2026-05" || p.WorkerName != "李四" {
			t.Fatalf("proposal %+v", p)
		}
		want := []struct {
			code, amount string
			disp         casework.Disposition
		}{
			{benefit.LumpSumDisability, "148454.65", casework.ToPayable}, // 6,454.55 × 23 (Art. 35)
			{benefit.DisabilityAllowance, "5163.64", casework.ToPayroll}, // × 80%
			{benefit.NursingCare, "2500.00", casework.ToPayroll},         // Lu'an 6,250 × 40% (most)
			{benefit.SuspensionPay, "7000.00", casework.ToEmployer},      // Art. 33
		}
		for _, w := range want {
			it := item(p, w.code)
			if it == nil || it.Amount.String() != w.amount || it.Disposition != w.disp || it.Formula == "" || it.Basis == "" {
				t.Errorf("%s: %+v", w.code, it)
			}
		}
		if _, err := s.ProposeBenefits(ctx, "proposer", ProposalRequest{AssessmentID: a.ID}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("a second live proposal: %v", err)
		}
		if _, err := s.DecideProposal(ctx, "proposer", p.ID, p.Version, true, ""); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("four eyes: %v", err)
		}
		if _, err := s.DecideProposal(ctx, "reviewer", p.ID, p.Version+1, true, ""); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale version: %v", err)
		}
		if obl, _ := s.EmployerObligations(ctx, "EMP"); len(obl) != 0 {
			t.Errorf("nothing is due from the employer before approval: %+v", obl)
		}
		q, err := s.ProposalQueue(ctx, "340000", casework.ProposalProposed)
		if err != nil || len(q) != 1 || q[0].ID != p.ID {
			t.Errorf("reviewer's queue %v %v", q, err)
		}

		p, err = s.DecideProposal(ctx, "reviewer", p.ID, p.Version, true, "核对无误")
		if err != nil {
			t.Fatal(err)
		}
		if p.State != casework.ProposalApproved || p.DecidedBy != "reviewer" || p.Note != "核对无误" {
			t.Errorf("approved %+v", p)
		}
		rows, err := db.Query(ctx, `SELECT e.id, e.item, e.amount, e.start_month, e.origin, COALESCE(e.grade, 0), COALESCE(e.self_care, ''),
			(SELECT COUNT(*) FROM payroll_amounts a WHERE a.entitlement_id = e.id) FROM payroll_entitlements e ORDER BY e.item`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var id, amount int64
			var itm, start, origin, sc string
			var grade, amounts int
			if err := rows.Scan(&id, &itm, &amount, &start, &origin, &grade, &sc, &amounts); err != nil {
				t.Fatal(err)
			}
			if item(p, itm).EntitlementID != id || origin != "casework:"+itoa(p.ID) || start != "2026-05" || amounts != 1 {
				t.Errorf("entitlement %d %s from %s origin %s amounts %d", id, itm, start, origin, amounts)
			}
			got = append(got, itm+" "+money.Amount(amount).String()+" "+itoa(int64(grade))+sc)
		}
		rows.Close()
		if len(got) != 2 || got[0] != "disability_allowance 5163.64 3" || got[1] != "nursing_care 2500.00 0most" {
			t.Errorf("payroll entitlements %v", got)
		}
		var payItem, status string
		var payAmount int64
		if err := db.QueryRow(ctx, `SELECT item, amount, status FROM benefit_payables WHERE proposal_id = ?`, p.ID).
			Scan(&payItem, &payAmount, &status); err != nil || payItem != benefit.LumpSumDisability || payAmount != 14845465 || status != "payable" {
			t.Errorf("payable %s %d %s %v", payItem, payAmount, status, err)
		}
		obl, err := s.EmployerObligations(ctx, "EMP")
		if err != nil || len(obl) != 1 || obl[0].Code != benefit.SuspensionPay || obl[0].Amount.String() != "7000.00" ||
			obl[0].Months == nil || *obl[0].Months != 6 || obl[0].WorkerName != "李四" {
			t.Errorf("employer obligations %+v %v", obl, err)
		}
		if _, err := s.DecideProposal(ctx, "reviewer2", p.ID, p.Version, false, "重复"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("a decided proposal is decided: %v", err)
		}
	})
}

func TestRejectedProposalIsReplacedAndUninsuredEmployerPaysAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		a := concluded(t, s, 9, 0) // no enrollment of W1 at all: uninsured (Art. 62)
		if _, err := s.ProposeBenefits(ctx, "proposer", ProposalRequest{AssessmentID: a.ID}); apperr.CodeOf(err) != apperr.Invalid ||
			apperr.As(err).Field != "own_wage" {
			t.Fatalf("no wage on record and none given: %v", err)
		}
		w := money.MustParse("5000.00")
		p, err := s.ProposeBenefits(ctx, "proposer", ProposalRequest{AssessmentID: a.ID, OwnWage: &w})
		if err != nil {
			t.Fatal(err)
		}
		if p.Input.IsInsured() || len(p.Items) == 0 {
			t.Fatalf("uninsured proposal %+v", p)
		}
		for _, it := range p.Items {
			if it.Payer != benefit.PayerEmployer || it.Disposition != casework.ToEmployer {
				t.Errorf("Art. 62: the employer pays %s", it.Code)
			}
		}
		if _, err := s.DecideProposal(ctx, "reviewer", p.ID, p.Version, false, ""); apperr.As(err).Field != "note" {
			t.Errorf("a rejection needs a reason: %v", err)
		}
		if p, err = s.DecideProposal(ctx, "reviewer", p.ID, p.Version, false, "工资证明不足"); err != nil || p.State != casework.ProposalRejected {
			t.Fatalf("reject: %+v %v", p, err)
		}
		if _, err := s.ProposeBenefits(ctx, "proposer", ProposalRequest{AssessmentID: a.ID, OwnWage: &w}); err != nil {
			t.Errorf("a rejected proposal is replaced by a new one: %v", err)
		}
	})
}

func TestOnlyAConcludedAssessmentProposes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		det := closedWorkInjury(t, s)
		a, err := s.OpenAssessment(ctx, "secretary", casework.AssessmentApplication{Region: "341500", Kind: casework.AsmtInitial,
			ApplicantKind: casework.ApplicantWorker, WorkerID: "W1", EmployerUSCC: "EMP", AppliedOn: d("2026-03-02"),
			PanelSize: 3, Specialties: []string{"orthopedics", "neurology", "surgery"}, DeterminationID: det.ID, AfterTreatment: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ProposeBenefits(ctx, "proposer", ProposalRequest{AssessmentID: a.ID}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("no conclusion yet: %v", err)
		}
		if _, err := s.ProposeBenefits(ctx, "proposer", ProposalRequest{AssessmentID: 999}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("no such assessment: %v", err)
		}
	})
}
