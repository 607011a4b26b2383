package payrollsvc

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/store"
)

// Run states (payroll.md: computed → approved → exported → reconciled). A run is "computing"
// while its batches are being committed; a run found in that state was interrupted and is
// resumed.
const (
	StateComputing  = "computing"
	StateComputed   = "computed"
	StateApproved   = "approved"
	StateExported   = "exported"
	StateReconciled = "reconciled"
)

// Source is the `payments.source` of the lines of the run for month m.
func Source(m payroll.Month) string { return "payroll:" + m.String() }

// ItemTotal is the number of lines and their total for one item code (back pay items apart).
type ItemTotal struct {
	Item  string       `json:"item"`
	Lines int64        `json:"lines"`
	Total money.Amount `json:"total"`
}

// Summary describes a run: its state, who prepared and approved it, and its totals.
type Summary struct {
	Month      string       `json:"month"`
	State      string       `json:"state"`
	PreparedBy string       `json:"prepared_by"`
	ApprovedBy string       `json:"approved_by,omitempty"`
	Lines      int64        `json:"lines"`
	Persons    int64        `json:"persons"`
	Total      money.Amount `json:"total"`
	Items      []ItemTotal  `json:"items"`
	Version    int64        `json:"version"`

	// Units are the run's totals per fund unit (the city of the entitlements' region): what
	// was paid and what set-off kept back, posted to the fund ledger when the run is approved.
	Units map[string]*UnitTotal `json:"units,omitempty"`

	resumeID, resumeItem, lastPerson string
	items                            map[string]*ItemTotal
}

// UnitTotal is what a run pays in one fund unit: the transfers (Paid) and the overpayments
// recovered by set-off from the lines (SetOff); the long-term expense is their sum.
type UnitTotal struct {
	Paid   money.Amount `json:"paid"`
	SetOff money.Amount `json:"set_off"`
}

const runSelect = `SELECT month, state, prepared_by, COALESCE(approved_by, ''), lines, persons, total,
	item_totals, version, resume_id, resume_item, last_person, unit_totals FROM payroll_runs WHERE month = ?`

// GetRun returns the run of a month, or ErrNotFound.
func (s *Service) GetRun(ctx context.Context, month payroll.Month) (*Summary, error) {
	return getRun(ctx, s.DB, month)
}

func getRun(ctx context.Context, q store.Querier, month payroll.Month) (*Summary, error) {
	var r Summary
	var total int64
	var items, units string
	err := q.QueryRow(ctx, runSelect, month.String()).Scan(&r.Month, &r.State, &r.PreparedBy, &r.ApprovedBy,
		&r.Lines, &r.Persons, &total, &items, &r.Version, &r.resumeID, &r.resumeItem, &r.lastPerson, &units)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("payroll run %s: %w", month, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("payroll run %s: %w", month, err)
	}
	r.Total = money.Amount(total)
	r.items = map[string]*ItemTotal{}
	if err := json.Unmarshal([]byte(items), &r.items); err != nil {
		return nil, fmt.Errorf("payroll run %s: item totals: %w", month, err)
	}
	r.Units = map[string]*UnitTotal{}
	if err := json.Unmarshal([]byte(units), &r.Units); err != nil {
		return nil, fmt.Errorf("payroll run %s: unit totals: %w", month, err)
	}
	r.sortItems()
	return &r, nil
}

func (r *Summary) sortItems() {
	r.Items = r.Items[:0]
	for _, it := range r.items {
		r.Items = append(r.Items, *it)
	}
	sort.Slice(r.Items, func(i, j int) bool { return r.Items[i].Item < r.Items[j].Item })
}

func (r *Summary) add(l line) {
	u := r.Units[l.unit]
	if u == nil {
		u = &UnitTotal{}
		r.Units[l.unit] = u
	}
	u.Paid += l.amount
	u.SetOff += l.setoff
	if l.amount == 0 {
		return // wholly set off: settled, but no transfer and no line in the bank file
	}
	it := r.items[l.item]
	if it == nil {
		it = &ItemTotal{Item: l.item}
		r.items[l.item] = it
	}
	it.Lines++
	it.Total += l.amount
	r.Lines++
	r.Total += l.amount
	if l.id != r.lastPerson {
		r.Persons++
		r.lastPerson = l.id
	}
}

// line is one payment line of a run: amount is what is transferred, setoff what was kept
// back from it to recover an overpayment, unit the fund unit that pays it.
type line struct {
	id, item, name, bank, unit string
	amount, setoff             money.Amount
}

// Run computes and stores the payroll of month for every entitlement, as preparedBy, and
// returns its summary (payroll.md "The run"). A month already computed is left as it is and
// its summary returned: running again changes nothing. A month whose run was interrupted is
// resumed where its last committed batch ended. Entitlements are first synced from
// beneficiaries (only when the run starts or resumes).
//
// Each batch of entitlements, in (id_number, item) order and never splitting a payee's item,
// commits its lines, its back pay, and the run's resume key and counters in one transaction,
// so a crash loses at most the batch in flight and a restart neither repeats nor skips a line.
// Returns ErrConflict when another process advanced the same run concurrently.
func (s *Service) Run(ctx context.Context, month payroll.Month, preparedBy string) (*Summary, error) {
	if preparedBy == "" {
		return nil, fmt.Errorf("prepared_by: required: %w", ErrInvalid)
	}
	sum, err := s.GetRun(ctx, month)
	switch {
	case err == nil && sum.State != StateComputing:
		return sum, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, _, err := s.SyncEntitlements(ctx, tx); err != nil {
			return err
		}
		if sum != nil {
			return nil
		}
		res, err := tx.Exec(ctx, `INSERT INTO payroll_runs (month, state, prepared_by, started_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (month) DO NOTHING`, month.String(), StateComputing, preparedBy, s.now())
		if err != nil {
			return err
		}
		// The run row is the month's claim: a run started by another process since GetRun
		// (two officers, or two nodes, at once) is refused, not computed twice alongside.
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("run started by another process: %w", ErrConflict)
		}
		if err := s.audit(ctx, tx, AuditEvent{Actor: preparedBy, Action: "payroll.run.start", Entity: "payroll_run", EntityID: month.String()}); err != nil {
			return err
		}
		// What the month's first day decides, before any line: who is suspended for missing
		// certification, and what was overpaid (so set-off applies in this very run).
		if _, err := s.applyCertification(ctx, tx, month); err != nil {
			return fmt.Errorf("certification: %w", err)
		}
		if _, err := s.detectAll(ctx, tx, preparedBy); err != nil {
			return fmt.Errorf("overpayments: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("payroll run %s: %w", month, err)
	}
	rc, err := s.runContext(ctx, month)
	if err != nil {
		return nil, fmt.Errorf("payroll run %s: %w", month, err)
	}
	if rc.held, err = s.holds(ctx); err != nil {
		return nil, fmt.Errorf("payroll run %s: %w", month, err)
	}
	for batch := 1; ; batch++ {
		done, err := s.runBatch(ctx, month, rc)
		if err != nil {
			return nil, fmt.Errorf("payroll run %s: %w", month, err)
		}
		if done {
			break
		}
		if s.afterBatch != nil {
			if err := s.afterBatch(batch); err != nil {
				return nil, err
			}
		}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE payroll_runs SET state = ?, computed_at = ?, version = version + 1
			WHERE month = ? AND state = ?`, StateComputed, s.now(), month.String(), StateComputing)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return s.audit(ctx, tx, AuditEvent{Actor: preparedBy, Action: "payroll.run.computed", Entity: "payroll_run", EntityID: month.String()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("payroll run %s: %w", month, err)
	}
	return s.GetRun(ctx, month)
}

type payeeItem struct{ id, item string }

// runCtx is what is fixed for the whole run: whether a later month has been run (then a back
// pay check must stay armed for the months after this one), the back pay earlier runs
// already paid for this month (a suspended month paid back before its own run), and the
// open receivables to set off, by ID number (few: read once, kept current as lines take
// from them).
type runCtx struct {
	later    bool
	backPaid map[payeeItem]money.Amount
	recv     map[string]*money.Amount
	held     map[string]string // id_number → reason (Service.Hold)
}

func (s *Service) runContext(ctx context.Context, month payroll.Month) (*runCtx, error) {
	rc := &runCtx{backPaid: map[payeeItem]money.Amount{}, recv: map[string]*money.Amount{}}
	var later int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM payroll_runs WHERE month > ?`, month.String()).Scan(&later); err != nil {
		return nil, err
	}
	rc.later = later > 0
	rows, err := s.DB.Query(ctx, `SELECT id_number, item, SUM(amount) FROM payroll_backpay_months
		WHERE month = ? AND run_month <> ? GROUP BY id_number, item`, month.String(), month.String())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k payeeItem
		var a int64
		if err := rows.Scan(&k.id, &k.item, &a); err != nil {
			rows.Close()
			return nil, err
		}
		rc.backPaid[k] = money.Amount(a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.DB.Query(ctx, `SELECT id_number, balance FROM payroll_receivables WHERE balance > 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var b int64
		if err := rows.Scan(&id, &b); err != nil {
			return nil, err
		}
		bal := money.Amount(b)
		rc.recv[id] = &bal
	}
	return rc, rows.Err()
}

// runBatch commits one batch; it reports done when no entitlement is left.
// Payees in rc.held get no lines: their lines are recorded as held (hold.go).
func (s *Service) runBatch(ctx context.Context, month payroll.Month, rc *runCtx) (done bool, err error) {
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		run, err := getRun(ctx, tx, month)
		if err != nil {
			return err
		}
		if run.State != StateComputing {
			done = true
			return nil
		}
		page, err := s.page(ctx, tx, run.resumeID, run.resumeItem)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			done = true
			return nil
		}
		var lines []line
		var attrib []backPayRow
		var rearm []int64
		for i := 0; i < len(page); {
			j := i + 1
			for j < len(page) && page[j].e.IDNumber == page[i].e.IDNumber && page[j].e.Item == page[i].e.Item {
				j++
			}
			g, err := s.payGroup(ctx, tx, month, page[i:j], rc.backPaid)
			if err != nil {
				return err
			}
			if reason, ok := rc.held[page[i].e.IDNumber]; ok {
				if err := hold(ctx, tx, month, page[i:j], g, reason, s.now()); err != nil {
					return err
				}
				i = j
				continue
			}
			lines = append(lines, g.lines...)
			attrib = append(attrib, g.attrib...)
			rearm = append(rearm, g.rearm...)
			i = j
		}
		if err := s.payLines(ctx, tx, month, rc, run, lines); err != nil {
			return err
		}
		if err := insertBackPayMonths(ctx, tx, month, attrib); err != nil {
			return err
		}
		if err := rearmChecks(ctx, tx, month, rc.later, rearm); err != nil {
			return err
		}
		last := page[len(page)-1].e
		items, _ := json.Marshal(run.items)
		units, _ := json.Marshal(run.Units)
		res, err := tx.Exec(ctx, `UPDATE payroll_runs SET resume_id = ?, resume_item = ?, last_person = ?,
			lines = ?, persons = ?, total = ?, item_totals = ?, unit_totals = ?, version = version + 1
			WHERE month = ? AND version = ?`, last.IDNumber, last.Item, run.lastPerson,
			run.Lines, run.Persons, int64(run.Total), string(items), string(units), month.String(), run.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("run advanced by another process: %w", ErrConflict)
		}
		return nil
	})
	return done, err
}

// page reads the next batch of entitlements after the resume key, whole payee items only.
func (s *Service) page(ctx context.Context, tx *store.Tx, afterID, afterItem string) ([]entRow, error) {
	n := s.batchSize()
	page, err := readEnts(ctx, tx, entSelect+`WHERE (e.id_number, e.item) > (?, ?)
		ORDER BY e.id_number, e.item, e.worker_id_number LIMIT ?`, afterID, afterItem, n)
	if err != nil || len(page) < n {
		return page, err
	}
	// A full page may end inside a payee's item: leave that item to the next page, or, when
	// the page is that one item alone, read all of it.
	last := page[len(page)-1].e
	cut := len(page)
	for cut > 0 && page[cut-1].e.IDNumber == last.IDNumber && page[cut-1].e.Item == last.Item {
		cut--
	}
	if cut > 0 {
		return page[:cut], nil
	}
	return readEnts(ctx, tx, entSelect+`WHERE e.id_number = ? AND e.item = ? ORDER BY e.worker_id_number`, last.IDNumber, last.Item)
}

func readEnts(ctx context.Context, tx *store.Tx, q string, args ...any) ([]entRow, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []entRow
	for rows.Next() {
		r, err := scanEnt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

type backPayRow struct {
	id, item string
	part     payroll.MonthAmount
}

type groupResult struct {
	lines  []line
	attrib []backPayRow
	rearm  []int64 // entitlements whose back pay check was settled by this run
}

// payGroup decides the lines of one payee's item for the month: the month's payment and any
// back pay (payroll.md), using the rules of internal/payroll.
func (s *Service) payGroup(ctx context.Context, tx *store.Tx, month payroll.Month, rows []entRow, backPaid map[payeeItem]money.Amount) (groupResult, error) {
	var res groupResult
	first := &rows[0]
	p := first.person()
	var from payroll.Month // earliest pending back pay check before this month
	group := make([]*payroll.Entitlement, len(rows))
	for i := range rows {
		r := &rows[i]
		pending := r.recheck != 0 && r.recheck < month
		if pending && (from == 0 || r.recheck < from) {
			from = r.recheck
		}
		if err := complete(ctx, tx, r, month, pending); err != nil {
			return res, err
		}
		if pending {
			res.rearm = append(res.rearm, r.e.ID)
		}
		group[i] = &r.e
	}
	key := payeeItem{first.e.IDNumber, first.e.Item}
	if a := payroll.LineAmount(group, p, month, backPaid[key]); a > 0 {
		res.lines = append(res.lines, line{id: key.id, item: key.item, name: first.e.Name, bank: first.e.BankAccount, unit: UnitOf(first.e.Region), amount: a})
	}
	if from != 0 {
		paid, err := paidSince(ctx, tx, key.id, key.item, from, month)
		if err != nil {
			return res, err
		}
		total, parts := payroll.BackPay(group, p, from, month, paid)
		if total > 0 {
			res.lines = append(res.lines, line{id: key.id, item: key.item + payroll.BackPaySuffix, name: first.e.Name, bank: first.e.BankAccount, unit: UnitOf(first.e.Region), amount: total})
			for _, pt := range parts {
				res.attrib = append(res.attrib, backPayRow{key.id, key.item, pt})
			}
		}
	}
	return res, nil
}

// rearmChecks clears the back pay checks this run settled. When a later month has already
// been run, the check moves to the month after this one instead, so that later run's months
// are checked again by the next run.
func rearmChecks(ctx context.Context, tx *store.Tx, month payroll.Month, later bool, ids []int64) error {
	var next any
	if later {
		next = (month + 1).String()
	}
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `UPDATE payroll_entitlements SET recheck_from = ? WHERE id = ?`, next, id); err != nil {
			return err
		}
	}
	return nil
}

func insertBackPayMonths(ctx context.Context, tx *store.Tx, month payroll.Month, rows []backPayRow) error {
	for _, r := range rows {
		if _, err := tx.Exec(ctx, `INSERT INTO payroll_backpay_months (id_number, item, month, run_month, amount)
			VALUES (?, ?, ?, ?, ?)`, r.id, r.item, r.part.Month.String(), month.String(), int64(r.part.Amount)); err != nil {
			return err
		}
	}
	return nil
}

// payLines sets open receivables off against the batch's lines (never below zero), stores
// the lines, records the set-offs of the lines stored, and adds them to the run's totals. A
// line wholly set off transfers nothing and is not stored as a payment; its set-off settles
// the month. A line not stored because the month was paid elsewhere keeps nothing back.
func (s *Service) payLines(ctx context.Context, tx *store.Tx, month payroll.Month, rc *runCtx, run *Summary, lines []line) error {
	anySetOff := false
	for k := range lines {
		l := &lines[k]
		if bal := rc.recv[l.id]; bal != nil {
			if so := payroll.SetOff(*bal, l.amount); so > 0 {
				l.amount -= so
				l.setoff = so
				*bal -= so
				anySetOff = true
			}
		}
	}
	pay := lines
	if anySetOff {
		pay = make([]line, 0, len(lines))
		for _, l := range lines {
			if l.amount > 0 {
				pay = append(pay, l)
			}
		}
	}
	inserted, err := insertPayments(ctx, tx, month, pay)
	if err != nil {
		return err
	}
	if !anySetOff {
		for k, l := range lines {
			if inserted[k] {
				run.add(l)
			}
		}
		return nil
	}
	stored := make(map[payeeItem]bool, len(pay))
	for k, l := range pay {
		stored[payeeItem{l.id, l.item}] = inserted[k]
	}
	for _, l := range lines {
		ok := stored[payeeItem{l.id, l.item}]
		if l.amount == 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM payments WHERE id_number = ? AND item = ? AND month = ?`,
				l.id, l.item, month.String()).Scan(&n); err != nil {
				return err
			}
			ok = n == 0
		}
		if !ok {
			if l.setoff > 0 {
				*rc.recv[l.id] += l.setoff
			}
			continue
		}
		if l.setoff > 0 {
			if _, err := s.addEntries(ctx, tx, l.id, l.unit, "system", []Entry{{Kind: EntrySetOff, Item: l.item,
				Month: month.String(), Amount: l.setoff, Ref: Source(month)}}); err != nil {
				return err
			}
		}
		run.add(l)
	}
	return nil
}
