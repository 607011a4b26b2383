package payrollsvc

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"wiis/internal/payroll"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// Suspension causes (payroll_suspensions.cause).
const (
	CauseArt42              = "art42"
	CauseCertification      = "certification"
	CauseFalseCertification = "false_certification"
)

// RegionPolicy returns the certification policy in force in region on date (YYYY-MM-DD), and
// false when none is: certification is then off for the region (payroll.md). A policy
// without "from" is on from the date its value takes effect. An empty region has none.
func RegionPolicy(ctx context.Context, q store.Querier, region, on string) (*payroll.CertificationPolicy, bool, error) {
	if region == "" {
		return nil, false, nil
	}
	v, ok, err := policy.Get(ctx, q, region, payroll.CertificationParam, on)
	if err != nil || !ok {
		return nil, false, err
	}
	var p payroll.CertificationPolicy
	if err := json.Unmarshal(v.Raw, &p); err != nil {
		return nil, false, fmt.Errorf("certification policy of %s from %s: %w", v.Region, v.EffectiveFrom, err)
	}
	if p.From == "" {
		p.From = v.EffectiveFrom
	}
	if err := p.Validate(); err != nil {
		return nil, false, fmt.Errorf("certification policy of %s from %s: %w", v.Region, v.EffectiveFrom, err)
	}
	if p.From > on {
		return nil, false, nil
	}
	return &p, true, nil
}

// certificationRegions returns the regions of entitlements that have a certification policy
// in force on date; nil (and no scan of the entitlements) when no region has one at all, so
// the payroll without certification costs one indexed count. With person set, only that
// person's regions: a person page must not read every region's policy to show one person,
// most of whom draw no long-term benefit at all.
func certificationRegions(ctx context.Context, q store.Querier, on, person string) (map[string]*payroll.CertificationPolicy, error) {
	// Whether any region has a policy at all is reference data: asked on every person page.
	n, err := store.Remember(ctx, q, "policy_values", "count|"+payroll.CertificationParam, func(ctx context.Context, q store.Querier) (int, error) {
		var n int
		err := q.QueryRow(ctx, `SELECT COUNT(*) FROM policy_values WHERE param = ?`, payroll.CertificationParam).Scan(&n)
		return n, err
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	onePerson, args := "", []any{}
	if person != "" {
		onePerson, args = " AND id_number = ?", append(args, person)
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT region FROM payroll_entitlements WHERE region <> ''`+onePerson, args...)
	if err != nil {
		return nil, err
	}
	var regions []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return nil, err
		}
		regions = append(regions, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[string]*payroll.CertificationPolicy{}
	for _, r := range regions {
		p, ok, err := RegionPolicy(ctx, q, r, on)
		if err != nil {
			return nil, err
		}
		if ok {
			out[r] = p
		}
	}
	return out, nil
}

// CertStatus is the certification position of one beneficiary (a payee) in a region with a
// certification policy: the teller's work list.
type CertStatus struct {
	IDNumber      string `json:"id_number"`
	Name          string `json:"name"`
	Region        string `json:"region"`
	LastCertified string `json:"last_certified,omitempty"` // YYYY-MM-DD
	LastChannel   string `json:"last_channel,omitempty"`
	Due           string `json:"due"`        // YYYY-MM-DD
	GraceEnds     string `json:"grace_ends"` // suspended from the first month starting on or after it
	Status        string `json:"status"`     // current | due_soon | due | overdue
	Suspended     bool   `json:"suspended"`  // an open certification suspension stands
	entIDs        []int64
	entStarts     []payroll.Month
	entEnds       []payroll.Month
	hasOpenSusp   map[int64]bool
	startMin      payroll.Month
}

// walkCertification streams the beneficiaries of every region with a policy in force on
// `on`, one CertStatus per payee and region, in id_number order. Only entitlements not ended
// before month `open` count; person, when set, keeps only that payee.
func walkCertification(ctx context.Context, q store.Querier, on time.Time, open payroll.Month, regionPrefix, person string, fn func(p *payroll.CertificationPolicy, st *CertStatus) error) error {
	day := on.Format(time.DateOnly)
	pols, err := certificationRegions(ctx, q, day, person)
	if err != nil {
		return err
	}
	for region, pol := range pols {
		if len(region) < len(regionPrefix) || region[:len(regionPrefix)] != regionPrefix {
			continue
		}
		onePerson, args := "", []any{CauseCertification, region, open.String()}
		if person != "" {
			onePerson, args = " AND e.id_number = ?", append(args, person)
		}
		rows, err := q.Query(ctx, `SELECT e.id, e.id_number, e.name, e.start_month, COALESCE(e.end_month, ''),
				COALESCE(c.certified_on, ''), COALESCE(c.channel, ''),
				EXISTS (SELECT 1 FROM payroll_suspensions s WHERE s.entitlement_id = e.id AND s.cause = ? AND s.lifted_at IS NULL)
			FROM payroll_entitlements e
			LEFT JOIN payroll_certifications c ON c.id = (SELECT c2.id FROM payroll_certifications c2
				WHERE c2.id_number = e.id_number AND c2.revoked_at IS NULL ORDER BY c2.certified_on DESC, c2.id DESC LIMIT 1)
			WHERE e.region = ? AND (e.end_month IS NULL OR e.end_month >= ?)`+onePerson+`
			ORDER BY e.id_number, e.id`, args...)
		if err != nil {
			return err
		}
		var cur *CertStatus
		flush := func() error {
			if cur == nil {
				return nil
			}
			var last time.Time
			if cur.LastCertified != "" {
				last, _ = time.Parse(time.DateOnly, cur.LastCertified)
			}
			due := pol.NextDue(cur.startMin, last)
			cur.Due = due.Format(time.DateOnly)
			cur.GraceEnds = pol.GraceEnds(due).Format(time.DateOnly)
			cur.Status = pol.Status(due, on)
			err := fn(pol, cur)
			cur = nil
			return err
		}
		for rows.Next() {
			var id int64
			var idn, name, start, end, certOn, channel string
			var susp bool
			if err := rows.Scan(&id, &idn, &name, &start, &end, &certOn, &channel, &susp); err != nil {
				rows.Close()
				return err
			}
			if cur != nil && cur.IDNumber != idn {
				if err := flush(); err != nil {
					rows.Close()
					return err
				}
			}
			sm, err := payroll.ParseMonth(start)
			if err != nil {
				rows.Close()
				return fmt.Errorf("entitlement %d start_month: %w", id, err)
			}
			var em payroll.Month
			if end != "" {
				em, _ = payroll.ParseMonth(end)
			}
			if cur == nil {
				cur = &CertStatus{IDNumber: idn, Name: name, Region: region, LastCertified: certOn, LastChannel: channel,
					startMin: sm, hasOpenSusp: map[int64]bool{}}
			}
			cur.startMin = min(cur.startMin, sm)
			cur.entIDs = append(cur.entIDs, id)
			cur.entStarts = append(cur.entStarts, sm)
			cur.entEnds = append(cur.entEnds, em)
			cur.hasOpenSusp[id] = susp
			cur.Suspended = cur.Suspended || susp
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		rows.Close()
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

// CertificationFilter selects the work list: Region is a prefix of the entitlement's region
// (a province "34", a city "3415", an office's county "341502"; empty for all), Status one of
// the statuses or empty for all, On the date the list is for (zero: today).
type CertificationFilter struct {
	Region string
	Status string
	On     time.Time
}

// CertificationList returns the certification position of every beneficiary in a region with
// a policy in force (payroll.md: "the certification status of every beneficiary, and who is
// due, is a list a teller can work"), sorted by due date then ID number. Beneficiaries due
// soon are the ones to notify. Regions without a policy have nobody on it.
func (s *Service) CertificationList(ctx context.Context, f CertificationFilter) ([]CertStatus, error) {
	on := f.On
	if on.IsZero() {
		on = s.clock()
	}
	on = time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	var out []CertStatus
	err := walkCertification(ctx, s.DB, on, payroll.MonthOf(on.Year(), on.Month()), f.Region, "", func(_ *payroll.CertificationPolicy, st *CertStatus) error {
		if f.Status == "" || f.Status == st.Status {
			out = append(out, *st)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("certification list: %w", err)
	}
	sortCert(out)
	return out, nil
}

// applyCertification suspends, in the run of month, every beneficiary whose grace period has
// run out by the month's first day (payroll.md: "a beneficiary not certified within the grace
// period is suspended from the payroll with the reason"). It is part of the transaction that
// starts the run, and running it again adds nothing.
//
// Reading: the suspension starts with the run that finds the grace period over, never
// earlier: months already paid while the person was uncertified are not overpaid on that
// ground alone (they may well have been alive and qualified); only a death, a lost
// qualification or a false certification makes them so, and those have their own dates.
func (s *Service) applyCertification(ctx context.Context, tx *store.Tx, month payroll.Month) (int, error) {
	// The suspensions are written after the walk: PostgreSQL cannot run a statement on the
	// transaction's connection while the walk's rows are still open. Only the overdue are
	// kept, so memory stays small while the walk streams.
	type pending struct {
		ent    int64
		reason string
	}
	var todo []pending
	err := walkCertification(ctx, tx, month.FirstDay(), month, "", "", func(pol *payroll.CertificationPolicy, st *CertStatus) error {
		due, _ := time.Parse(time.DateOnly, st.Due)
		if pol.SuspendFrom(due) > month {
			return nil
		}
		for i, id := range st.entIDs {
			if st.hasOpenSusp[id] || st.entStarts[i] > month {
				continue
			}
			todo = append(todo, pending{id, fmt.Sprintf("待遇资格认证逾期（应于 %s 前认证，宽限至 %s）/ certification overdue: due %s, grace ended %s",
				st.Due, st.GraceEnds, st.Due, st.GraceEnds)})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, p := range todo {
		if _, err := insertSuspension(ctx, tx, p.ent, month, 0, p.reason, CauseCertification, "system", s.now()); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

func insertSuspension(ctx context.Context, tx *store.Tx, entID int64, from, to payroll.Month, reason, cause, by, now string) (int64, error) {
	var toArg any
	if to != 0 {
		toArg = to.String()
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO payroll_suspensions (entitlement_id, from_month, to_month, reason, cause,
			created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		entID, from.String(), toArg, reason, cause, by, now).Scan(&id); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, `UPDATE payroll_entitlements SET has_suspension = 1, version = version + 1 WHERE id = ?`, entID)
	return id, err
}

// Certification is one certification of a beneficiary, as recorded.
type Certification struct {
	ID          int64  `json:"id"`
	IDNumber    string `json:"id_number"`
	CertifiedOn string `json:"certified_on"` // YYYY-MM-DD
	Channel     string `json:"channel"`      // data_comparison | self_service | counter | home_visit
	// Evidence says what proves it: the record compared (source and reference), the identity
	// service's match reference, the counter's document check, the visit note.
	Evidence   string `json:"evidence"`
	Office     string `json:"office,omitempty"` // region code of the office
	RecordedBy string `json:"recorded_by"`
	RecordedAt string `json:"recorded_at"`
	Revoked    bool   `json:"revoked"`
}

// Certify records a certification of the beneficiary c.IDNumber and lifts every suspension
// for missed certification on their entitlements; the next run pays the suspended months back
// (payroll.md). It returns the certification id and the number of suspensions lifted.
// Errors: ErrInvalid (field named) for a bad channel, date or missing evidence; ErrNotFound
// when the person has no entitlement.
func (s *Service) Certify(ctx context.Context, c Certification) (id int64, lifted int, err error) {
	switch {
	case !payroll.ValidChannel(c.Channel):
		return 0, 0, fmt.Errorf("channel: must be data_comparison, self_service, counter or home_visit, got %q: %w", c.Channel, ErrInvalid)
	case c.Evidence == "":
		return 0, 0, fmt.Errorf("evidence: required: %w", ErrInvalid)
	case c.RecordedBy == "":
		return 0, 0, fmt.Errorf("recorded_by: required: %w", ErrInvalid)
	}
	if c.CertifiedOn == "" {
		c.CertifiedOn = s.clock().Format(time.DateOnly)
	}
	if _, perr := time.Parse(time.DateOnly, c.CertifiedOn); perr != nil {
		return 0, 0, fmt.Errorf("certified_on: must be a date YYYY-MM-DD: %w", ErrInvalid)
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		var n int
		// The beneficiaries not yet synced by a run count: certification is of the person.
		if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM payroll_entitlements WHERE id_number = ?)
			+ (SELECT COUNT(*) FROM beneficiaries WHERE id_number = ?)`, c.IDNumber, c.IDNumber).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("beneficiary %s: %w", c.IDNumber, ErrNotFound)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO payroll_certifications (id_number, certified_on, channel, evidence, office,
				recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.IDNumber, c.CertifiedOn, c.Channel, c.Evidence, c.Office, c.RecordedBy, s.now()).Scan(&id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT s.id, s.entitlement_id, s.from_month FROM payroll_suspensions s
			JOIN payroll_entitlements e ON e.id = s.entitlement_id
			WHERE e.id_number = ? AND s.cause = ? AND s.lifted_at IS NULL`, c.IDNumber, CauseCertification)
		if err != nil {
			return err
		}
		type open struct {
			id, ent int64
			from    string
		}
		var opens []open
		for rows.Next() {
			var o open
			if err := rows.Scan(&o.id, &o.ent, &o.from); err != nil {
				rows.Close()
				return err
			}
			opens = append(opens, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, o := range opens {
			if _, err := tx.Exec(ctx, `UPDATE payroll_suspensions SET lifted_by = ?, lifted_at = ? WHERE id = ?`, c.RecordedBy, s.now(), o.id); err != nil {
				return err
			}
			m, err := payroll.ParseMonth(o.from)
			if err != nil {
				return err
			}
			if err := armCheck(ctx, tx, o.ent, m, false, 0); err != nil {
				return err
			}
		}
		lifted = len(opens)
		return s.audit(ctx, tx, AuditEvent{Actor: c.RecordedBy, Action: "payroll.certify", Entity: "payroll_certification",
			EntityID: fmt.Sprint(id), After: map[string]any{"id_number": c.IDNumber, "channel": c.Channel,
				"certified_on": c.CertifiedOn, "evidence": c.Evidence, "suspensions_lifted": lifted}})
	})
	if err != nil {
		return 0, 0, fmt.Errorf("certify %s: %w", c.IDNumber, err)
	}
	return id, lifted, nil
}

// Certifications returns a beneficiary's certifications, newest first.
func (s *Service) Certifications(ctx context.Context, idNumber string) ([]Certification, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, id_number, certified_on, channel, evidence, office, recorded_by, recorded_at,
		revoked_at IS NOT NULL FROM payroll_certifications WHERE id_number = ? ORDER BY certified_on DESC, id DESC`, idNumber)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Certification
	for rows.Next() {
		var c Certification
		if err := rows.Scan(&c.ID, &c.IDNumber, &c.CertifiedOn, &c.Channel, &c.Evidence, &c.Office, &c.RecordedBy, &c.RecordedAt, &c.Revoked); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// RevokeCertification marks a certification found false. When notDueFrom is set, the
// beneficiary's entitlements are suspended from that month (they did not qualify from then)
// and what was paid for those months becomes a receivable (payroll.md: "certifications found
// false are recovered like any overpayment"); it returns the amount established.
// Errors: ErrNotFound, ErrConflict (already revoked), ErrInvalid (reason missing).
func (s *Service) RevokeCertification(ctx context.Context, certID int64, notDueFrom payroll.Month, reason, by string) (established int64, err error) {
	if reason == "" {
		return 0, fmt.Errorf("reason: required: %w", ErrInvalid)
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		var idn string
		err := tx.QueryRow(ctx, `SELECT id_number FROM payroll_certifications WHERE id = ?`, certID).Scan(&idn)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE payroll_certifications SET revoked_by = ?, revoked_at = ?, revoke_reason = ?
			WHERE id = ? AND revoked_at IS NULL`, by, s.now(), reason, certID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("already revoked: %w", ErrConflict)
		}
		if notDueFrom != 0 {
			ids, err := entitlementIDs(ctx, tx, idn)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if _, err := insertSuspension(ctx, tx, id, notDueFrom, 0, "认证不实 / false certification: "+reason, CauseFalseCertification, by, s.now()); err != nil {
					return err
				}
			}
			a, err := s.detectPayee(ctx, tx, idn, by)
			if err != nil {
				return err
			}
			established = int64(a)
		}
		return s.audit(ctx, tx, AuditEvent{Actor: by, Action: "payroll.certification.revoke", Entity: "payroll_certification",
			EntityID: fmt.Sprint(certID), After: map[string]any{"reason": reason, "not_due_from": notDueFrom.String(), "established": established}})
	})
	if err != nil {
		return 0, fmt.Errorf("revoke certification %d: %w", certID, err)
	}
	return established, nil
}

func entitlementIDs(ctx context.Context, q store.Querier, idNumber string) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM payroll_entitlements WHERE id_number = ? ORDER BY id`, idNumber)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Withheld is an entitlement not paid in a month because a suspension covers it, with the
// reason: the suspensions shown beside the payroll of the month.
type Withheld struct {
	EntitlementID int64  `json:"entitlement_id"`
	IDNumber      string `json:"id_number"`
	Name          string `json:"name"`
	Item          string `json:"item"`
	SuspensionID  int64  `json:"suspension_id"`
	From          string `json:"from"`
	Cause         string `json:"cause"`
	Reason        string `json:"reason"`
}

// WithheldIn lists the entitlements an unlifted suspension stops in month, by ID number.
func (s *Service) WithheldIn(ctx context.Context, month payroll.Month) ([]Withheld, error) {
	m := month.String()
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.id_number, e.name, e.item, s.id, s.from_month, s.cause, s.reason
		FROM payroll_suspensions s JOIN payroll_entitlements e ON e.id = s.entitlement_id
		WHERE s.lifted_at IS NULL AND s.from_month <= ? AND (s.to_month IS NULL OR s.to_month >= ?)
			AND e.start_month <= ? AND (e.end_month IS NULL OR e.end_month >= ?)
		ORDER BY e.id_number, e.item, s.id`, m, m, m, m)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Withheld
	for rows.Next() {
		var w Withheld
		if err := rows.Scan(&w.EntitlementID, &w.IDNumber, &w.Name, &w.Item, &w.SuspensionID, &w.From, &w.Cause, &w.Reason); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// DemoCertification is the certification policy the demo city is given (demo data only:
// migrations never seed one, so a bare import certifies nobody): on from 1 January 2024,
// yearly on the anniversary, three months' grace, notices 30 days ahead.
var DemoCertification = payroll.CertificationPolicy{From: "2024-01-01", GraceMonths: 3, Cycle: payroll.CycleAnniversary, NoticeDays: 30}

// PutCertificationPolicy stores a region's certification policy from a date (YYYY-MM-DD),
// after checking it, in tx; the demo loader calls it with DemoCertification, an administrator
// through the policy pages. The caller audits the change in the same transaction.
func PutCertificationPolicy(ctx context.Context, tx *store.Tx, region, from string, p payroll.CertificationPolicy, note, by string) error {
	if p.From == "" {
		p.From = from
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%v: %w", err, ErrInvalid)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = policy.Put(ctx, tx, policy.Value{Region: region, Param: payroll.CertificationParam, EffectiveFrom: from, Raw: raw, Note: note, CreatedBy: by})
	return err
}
