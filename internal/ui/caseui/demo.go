package caseui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"wiis/internal/audit"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/demo"
	"wiis/internal/medical"
	"wiis/internal/medical/medsvc"
	"wiis/internal/money"
	"wiis/internal/store"
)

func init() { demo.Register("casework", SeedCasework) }

// demoCatalogue is a small catalogue for the demo bills (prices are demo values).
const demoCatalogue = `kind,code,name,category,unit,price_limit,from,to,restricted,max_quantity
drug,DX01,头孢呋辛注射液,乙,支,12.00,2020-01-01,,0,20
drug,DX02,人血白蛋白,乙,瓶,400.00,2020-01-01,,1,
treatment,DT01,清创缝合术,甲,次,300.00,2020-01-01,,0,
treatment,DT02,骨折切开复位内固定术,甲,次,4500.00,2020-01-01,,0,
`

// SeedCasework adds casework demo data over the demo city (run after the "city" seeder):
// determination cases in every state, some overdue and some due soon; an expert pool; an
// assessment in each state and a concluded one with a benefit proposal awaiting review; an
// advance payment with a recovery ledger and a write-off awaiting approval; an agreement
// institution, a catalogue and bills with refused and doubtful lines. Dates are relative to
// today, so the deadlines views always have something due, due soon and overdue. It does
// nothing when the demo experts exist already (idempotent).
func SeedCasework(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM experts WHERE region = ? AND name LIKE '演示专家%'`, demo.Region).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, nil
	}
	today := casework.DateOf(demo.Now().In(shanghai))
	workers, err := demoWorkers(ctx, db, today.AddDays(-400).String()[:7], 13)
	if err != nil {
		return nil, err
	}
	if len(workers) < 10 {
		return nil, fmt.Errorf("casework demo: the demo city has %d insured workers; run the city seeder first", len(workers))
	}
	s := &caseservice.Service{DB: db, Audit: auditHook(audit.Actor{Username: "system:demo"})}
	sd := seeder{ctx: ctx, s: s, today: today}
	handlers := []string{"determination_officer", "演示认定员乙"}
	// One determination per state; the ages make some overdue and some due soon.
	plans := []struct {
		age   int
		to    string
		death bool
	}{
		{2, "received", false}, {12, "awaiting_materials", false}, {40, "accepted", false}, {27, "investigating", false},
		{20, "suspended", false}, {25, "decided", false}, {120, "closed_injury", false}, {60, "refused", false},
		{70, "not_injury", false}, {50, "accepted", true},
	}
	var closed casework.Determination
	for i, p := range plans {
		w := workers[i]
		c, err := sd.determination(w, fmt.Sprintf("GS0201-DEMO-%03d", i+1), handlers[i%2], p.age, p.to, p.death)
		if err != nil {
			return nil, fmt.Errorf("casework demo: determination %d (%s): %w", i+1, p.to, err)
		}
		if p.to == "closed_injury" {
			closed = c
		}
	}
	if err := sd.experts(); err != nil {
		return nil, err
	}
	// Assessments: the closed work injury is concluded with a proposal; further recognised
	// injuries give an assessment in each earlier state.
	a, err := sd.assessment(closed, "concluded")
	if err != nil {
		return nil, fmt.Errorf("casework demo: assessment: %w", err)
	}
	orig := money.MustParse("6000.00")
	if _, err := s.ProposeBenefits(ctx, "assessment_secretary", caseservice.ProposalRequest{AssessmentID: a.ID, SuspensionMonths: 3, OriginalWage: &orig}); err != nil {
		return nil, fmt.Errorf("casework demo: proposal: %w", err)
	}
	// A second concluded injury whose proposal the benefits reviewer has approved: its lump sums
	// wait for payment and its employer-paid items are due, so the payment pages have work.
	if len(workers) > 12 {
		c2, err := sd.determination(workers[12], "GS0201-DEMO-P01", handlers[0], 130, "closed_injury", false)
		if err != nil {
			return nil, fmt.Errorf("casework demo: second determination: %w", err)
		}
		a2, err := sd.assessment(c2, "concluded")
		if err != nil {
			return nil, fmt.Errorf("casework demo: second assessment: %w", err)
		}
		wage := money.MustParse("5200.00")
		p2, err := s.ProposeBenefits(ctx, "assessment_secretary", caseservice.ProposalRequest{AssessmentID: a2.ID, SuspensionMonths: 2, OriginalWage: &wage})
		if err != nil {
			return nil, fmt.Errorf("casework demo: second proposal: %w", err)
		}
		if _, err := s.DecideProposal(ctx, "benefits_reviewer", p2.ID, p2.Version, true, "演示：核定无误"); err != nil {
			return nil, fmt.Errorf("casework demo: approve the second proposal: %w", err)
		}
	}
	for i, st := range []string{"received", "ready", "examining"} {
		c, err := sd.determination(workers[10+i%2], fmt.Sprintf("GS0201-DEMO-A%02d", i+1), handlers[0], 150+i, "closed_injury", false)
		if err != nil {
			return nil, err
		}
		if _, err := sd.assessment(c, st); err != nil {
			return nil, fmt.Errorf("casework demo: assessment %s: %w", st, err)
		}
	}
	if err := sd.advance(closed); err != nil {
		return nil, fmt.Errorf("casework demo: advance: %w", err)
	}
	if err := seedBills(ctx, db, closed, today); err != nil {
		return nil, fmt.Errorf("casework demo: bills: %w", err)
	}
	return nil, nil
}

type demoWorker struct{ ID, Name, USCC string }

// demoWorkers picks insured workers of the demo city enrolled by month (so the wage history
// before a recent injury is there), one per employer.
func demoWorkers(ctx context.Context, db *store.DB, month string, n int) ([]demoWorker, error) {
	scope, args := store.CodePrefix("e.region", caseservice.RegionPrefix(demo.Region))
	rows, err := db.Query(ctx, `SELECT ev.id_number, p.name, ev.uscc FROM enrollment_events ev
		JOIN persons p ON p.id_number = ev.id_number JOIN employers e ON e.uscc = ev.uscc
		WHERE ev.event = 'add' AND ev.month <= ? AND `+scope, append([]any{month}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []demoWorker
	for rows.Next() {
		var w demoWorker
		if err := rows.Scan(&w.ID, &w.Name, &w.USCC); err != nil {
			return nil, err
		}
		all = append(all, w)
	}
	// By employer, then ID number, sorted here: the database holds ID numbers sealed.
	slices.SortFunc(all, func(a, b demoWorker) int { return cmp.Or(strings.Compare(a.USCC, b.USCC), strings.Compare(a.ID, b.ID)) })
	seen := map[string]bool{}
	var out []demoWorker
	for _, w := range all {
		if len(out) == n {
			break
		}
		if seen[w.USCC] || seen[w.ID] {
			continue
		}
		seen[w.USCC], seen[w.ID] = true, true
		out = append(out, w)
	}
	return out, rows.Err()
}

type seeder struct {
	ctx   context.Context
	s     *caseservice.Service
	today casework.Date
}

// determination opens a case received age days ago and takes it to state to.
func (sd seeder) determination(w demoWorker, ref, handler string, age int, to string, death bool) (casework.Determination, error) {
	recv := sd.today.AddDays(-age)
	c, err := sd.s.OpenFromReport(sd.ctx, "determination_officer", caseservice.AccidentReport{Ref: ref, Region: demo.Region,
		Team: "认定一科", Handler: handler, WorkerID: w.ID, WorkerName: w.Name, EmployerUSCC: w.USCC,
		EventDate: recv.AddDays(-4), Death: death, ReceivedOn: recv})
	if err != nil || to == "received" {
		return c, err
	}
	on := func(d int) casework.Act { return casework.Act{On: recv.AddDays(d)} }
	var acts []casework.DetAction
	if to == "awaiting_materials" {
		acts = []casework.DetAction{casework.ReceiveMaterial{Act: on(0), Kind: casework.MatApplicationForm, FileRef: "paper:" + ref + ":1"},
			casework.NoticeMissing{Act: on(3)}}
	} else {
		for i, k := range casework.RequiredMaterials(death) {
			acts = append(acts, casework.ReceiveMaterial{Act: on(0), Kind: k, FileRef: fmt.Sprintf("paper:%s:%d", ref, i+1)})
		}
	}
	switch to {
	case "refused":
		acts = append(acts, casework.Refuse{Act: on(5), Reason: "申请人与用人单位不存在劳动关系，应先申请劳动仲裁确认"})
	case "accepted", "investigating", "suspended", "decided", "closed_injury", "not_injury":
		acts = append(acts, casework.Accept{Act: on(2)})
	}
	switch to {
	case "investigating", "suspended", "decided", "closed_injury", "not_injury":
		acts = append(acts, casework.Investigate{Act: on(4), Investigators: []string{"张明", "王丽"}, Record: "询问现场证人二名，查阅考勤记录，事故经过属实"})
	}
	switch to {
	case "suspended":
		acts = append(acts, casework.Suspend{Act: on(6), Reason: "劳动关系争议待劳动仲裁裁决"})
	case "decided", "closed_injury":
		acts = append(acts, casework.Decide{Act: on(10), Finding: casework.OutcomeWorkInjury, Article: 14, Item: 1,
			Reasons: "在工作时间和工作场所内，因工作原因受到事故伤害"})
	case "not_injury":
		acts = append(acts, casework.Decide{Act: on(12), Finding: casework.OutcomeNotWorkInjury, Article: 16, Item: 2,
			Reasons: "经调查，事故系醉酒所致"})
	}
	switch to {
	case "closed_injury", "not_injury":
		acts = append(acts, casework.Deliver{Act: on(13), Party: casework.PartyWorker, Method: "direct"},
			casework.Deliver{Act: on(14), Party: casework.PartyEmployer, Method: "post"})
	}
	for _, a := range acts {
		if c, err = sd.s.ActOnDetermination(sd.ctx, "determination_officer", c.ID, c.Version, a); err != nil {
			return c, err
		}
	}
	return c, nil
}

// experts fills the committee's pool: six experts in three specialties, one with a conflict.
func (sd seeder) experts() error {
	pool := []struct {
		specs    string
		conflict casework.Conflict
	}{
		{"orthopedics", casework.Conflict{}}, {"orthopedics,surgery", casework.Conflict{}}, {"neurology", casework.Conflict{}},
		{"orthopedics,neurology", casework.Conflict{}}, {"surgery", casework.Conflict{}},
		{"orthopedics", casework.Conflict{Kind: casework.ConflictHospital, Ref: "六安市人民医院"}},
	}
	for i, p := range pool {
		e := casework.Expert{Region: demo.Region, Name: fmt.Sprintf("演示专家%d", i+1), Specialties: strings.Split(p.specs, ","), Active: true}
		if p.conflict.Kind != "" {
			e.Conflicts = []casework.Conflict{p.conflict}
		}
		if _, err := sd.s.AddExpert(sd.ctx, "assessment_secretary", e); err != nil {
			return err
		}
	}
	return nil
}

// assessment applies for an initial assessment of a closed work injury and takes it to state.
func (sd seeder) assessment(d casework.Determination, state string) (casework.Assessment, error) {
	applied := d.ClosedOn.AddDays(20)
	if applied.After(sd.today) {
		applied = sd.today
	}
	a, err := sd.s.OpenAssessment(sd.ctx, "assessment_secretary", casework.AssessmentApplication{Region: demo.Region, Team: "鉴定办",
		Handler: "assessment_secretary", Kind: casework.AsmtInitial, ApplicantKind: casework.ApplicantWorker, WorkerID: d.WorkerID,
		WorkerName: d.WorkerName, EmployerUSCC: d.EmployerUSCC, Hospital: "六安市人民医院", AppliedOn: applied, PanelSize: 3,
		Specialties: []string{"orthopedics"}, DeterminationID: d.ID, AfterTreatment: true})
	if err != nil || state == "received" {
		return a, err
	}
	if a, err = sd.s.ActOnAssessment(sd.ctx, "assessment_secretary", a.ID, a.Version, casework.ConfirmMaterials{Act: casework.Act{On: applied.AddDays(1)}}); err != nil || state == "ready" {
		return a, err
	}
	if a, err = sd.s.DrawPanel(sd.ctx, "assessment_secretary", a.ID, a.Version, applied.AddDays(2)); err != nil || state == "examining" {
		return a, err
	}
	on := applied.AddDays(15)
	if on.After(sd.today) {
		on = sd.today
	}
	return sd.s.ActOnAssessment(sd.ctx, "assessment_secretary", a.ID, a.Version, casework.Conclude{Act: casework.Act{On: on}, Grade: 8,
		SelfCare: casework.SelfCare{}, Basis: "GB/T 16180-2014 5.8.2.6"})
}

// advance records an advance for an uninsured employer with a demand, a partial recovery and a
// write-off awaiting a second person's approval.
func (sd seeder) advance(d casework.Determination) error {
	applied := d.ClosedOn.AddDays(3)
	c, err := sd.s.OpenAdvance(sd.ctx, "benefits_reviewer", casework.AdvanceApplication{Region: demo.Region, Team: "待遇科",
		Handler: "benefits_reviewer", Ground: casework.GroundUninsuredEmployer, WorkerID: d.WorkerID, EmployerUSCC: d.EmployerUSCC,
		AppliedOn: applied, Reason: "用人单位拒不支付工伤医疗费", DeterminationID: d.ID})
	if err != nil {
		return err
	}
	at := func(n int) casework.Act { return casework.Act{On: applied.AddDays(n)} }
	for _, x := range []casework.AdvAction{
		casework.NotifyEmployer{Act: at(1)},
		casework.PayAdvance{Act: at(10), Amount: money.MustParse("18600.00"), Items: "工伤医疗费"},
		casework.Demand{Act: at(12), Amount: money.MustParse("18600.00"), Note: "追偿通知书"},
		casework.Recover{Act: at(30), Amount: money.MustParse("10000.00"), Note: "单位分期归还"},
		casework.ProposeWriteOff{Act: at(40), Amount: money.MustParse("600.00"), Reason: "单位注销，剩余部分经核实无法追回"},
	} {
		if c, err = sd.s.ActOnAdvance(sd.ctx, "benefits_reviewer", c.ID, c.Version, x); err != nil {
			return err
		}
	}
	return nil
}

// seedBills registers the demo hospital and catalogue and submits two direct-settlement bills:
// one with lines refused for each kind of fault and one doubtful line for the auditor.
func seedBills(ctx context.Context, db *store.DB, d casework.Determination, today casework.Date) error {
	ms := &medsvc.Service{DB: db, Audit: auditHook(audit.Actor{Username: "system:demo"})}
	if err := ms.PutInstitution(ctx, "medical_auditor", medical.Institution{Code: "H341500001", Name: "六安市人民医院", Region: demo.Region,
		Agreements: []medical.Agreement{{From: today.AddYears(-3), Level: "三级甲等", Status: medical.AgreementActive}}}); err != nil {
		return err
	}
	items, bad, err := medical.ReadCatalogueCSV(strings.NewReader(demoCatalogue))
	if err != nil || len(bad) > 0 {
		return fmt.Errorf("catalogue: %v %v", err, bad)
	}
	if _, err := ms.ImportCatalogue(ctx, "medical_auditor", items); err != nil {
		return err
	}
	if err := ms.SetTreatment(ctx, "medical_auditor", medsvc.Treatment{DeterminationID: d.ID, Diagnoses: []string{"S82.2"}}); err != nil {
		return err
	}
	line := func(kind medical.Kind, code string, on casework.Date, qty, price string) medical.Line {
		q, _ := medical.ParseQty(qty)
		p := money.MustParse(price)
		return medical.Line{Kind: kind, Code: code, On: on, Qty: q, UnitPrice: p, Amount: q.Times(p)}
	}
	ev := d.EventDate
	for _, b := range []medsvc.BillInput{
		{BillNo: "H341500001-DEMO-0001", Channel: medsvc.ChannelDirect, InstitutionCode: "H341500001", DeterminationID: d.ID, Diagnosis: "S82.2",
			Lines: []medical.Line{line(medical.KindTreatment, "DT02", ev, "1", "4300.00"), line(medical.KindDrug, "DX01", ev.AddDays(1), "6", "15.00"),
				line(medical.KindDrug, "DZ99", ev.AddDays(1), "1", "88.00"), line(medical.KindDrug, "DX01", ev.AddDays(-2), "1", "12.00"),
				line(medical.KindDrug, "DX02", ev.AddDays(2), "1", "380.00")}},
		{BillNo: "H341500001-DEMO-0002", Channel: medsvc.ChannelDirect, InstitutionCode: "H341500001", DeterminationID: d.ID, Diagnosis: "S82.2",
			Lines: []medical.Line{line(medical.KindTreatment, "DT01", ev.AddDays(3), "1", "280.00"), line(medical.KindTreatment, "DT02", ev, "1", "4300.00")}},
	} {
		if _, err := ms.SubmitBill(ctx, "hospital:H341500001", b); err != nil {
			return err
		}
	}
	return nil
}
