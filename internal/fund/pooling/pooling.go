// Package pooling runs provincial pooling as a workflow (fund-and-service.md, Provincial
// pooling; law-reference.md §10): for a province and year it reads each accounting unit's
// contribution income and benefit expenditure from the ledger, applies the province's mode
// and remittance share from policy ("pooling") with fund.Pool, stores the run as proposed,
// and on a second fund officer's approval posts the remittances and allocations to the
// ledger — idempotently, so a retried approval never posts twice.
package pooling

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// Policy is the value of the policy parameter "pooling" of a province.
type Policy struct {
	Mode  fund.PoolingMode `json:"mode"`
	Share string           `json:"share"` // exact decimal, e.g. "0.10"
}

// Run states.
const (
	Proposed   = "proposed"
	Approved   = "approved"
	Rejected   = "rejected"
	Superseded = "superseded" // a newer proposal for the same province and year replaced it
)

// Run is one pooling computation with its state.
type Run struct {
	ID         int64              `json:"id"`
	Province   string             `json:"province"`
	Year       int                `json:"year"`
	Mode       fund.PoolingMode   `json:"mode"`
	Share      string             `json:"share"`
	Units      []fund.UnitFigures `json:"units"`
	Result     fund.PoolingResult `json:"result"`
	Status     string             `json:"status"`
	ProposedBy string             `json:"proposed_by"`
	ApprovedBy string             `json:"approved_by,omitempty"`
	CreatedAt  string             `json:"created_at"`
	DecidedAt  string             `json:"decided_at,omitempty"`
	Version    int                `json:"version"`
}

type figures struct {
	Units  []fund.UnitFigures `json:"units"`
	Result fund.PoolingResult `json:"result"`
}

var provinceCode = regexp.MustCompile(`^[1-9][0-9]0000$`)

// CheckProvince rejects anything but a province's region code (two digits and "0000").
func CheckProvince(province string) error {
	if !provinceCode.MatchString(province) {
		return apperr.Invalidf("province", "省级区划代码应为6位且以0000结尾 / a province code ends in 0000")
	}
	return nil
}

// UnitYear reads, for every accounting unit of the province other than the province's own,
// the year's contribution income and its expenditure other than pooling transfers, from
// posted ledger lines in one grouped query.
func UnitYear(ctx context.Context, q store.Querier, province string, year int) ([]fund.UnitFigures, error) {
	units, args := store.CodePrefix("p.unit", province[:2])
	rows, err := q.Query(ctx, `SELECT p.unit, l.account, SUM(l.debit), SUM(l.credit)
		FROM ledger_lines l JOIN ledger_postings p ON p.id = l.posting_id
		WHERE p.status = 'posted' AND `+units+` AND p.unit <> ? AND p.posted_on >= ? AND p.posted_on <= ?
		  AND (l.account = 'income:contributions' OR l.account LIKE 'expense:%')
		GROUP BY p.unit, l.account`, append(args, province, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-12-31", year))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]*fund.UnitFigures{}
	for rows.Next() {
		var unit, account string
		var d, c int64
		if err := rows.Scan(&unit, &account, &d, &c); err != nil {
			return nil, err
		}
		u := m[unit]
		if u == nil {
			u = &fund.UnitFigures{Unit: unit}
			m[unit] = u
		}
		switch {
		case account == "income:contributions":
			u.Income += money.Amount(c - d)
		case !fund.IsPooling(account):
			u.Expenditure += money.Amount(d - c)
		}
	}
	out := make([]fund.UnitFigures, 0, len(m))
	for _, u := range m {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out, rows.Err()
}

// Compute reads the province's policy and the units' figures and runs fund.Pool, without
// storing anything: the preview a fund officer sees before proposing.
func Compute(ctx context.Context, q store.Querier, province string, year int) (Run, error) {
	if err := CheckProvince(province); err != nil {
		return Run{}, err
	}
	if year < 2000 || year > 2100 {
		return Run{}, apperr.Invalidf("year", "年度应在2000至2100之间 / year must be 2000–2100")
	}
	var pol Policy
	found, err := policy.Decode(ctx, q, province, "pooling", fmt.Sprintf("%d-12-31", year), &pol)
	if err != nil {
		return Run{}, err
	}
	if !found {
		return Run{}, apperr.Invalidf("province", "该省未设置省级统筹政策（pooling）/ no pooling policy for this province")
	}
	share := new(big.Rat)
	if pol.Mode == fund.Adjustment {
		if _, ok := share.SetString(pol.Share); !ok {
			return Run{}, fmt.Errorf("pooling: policy share %q is not a decimal", pol.Share)
		}
	}
	units, err := UnitYear(ctx, q, province, year)
	if err != nil {
		return Run{}, err
	}
	res, err := fund.Pool(pol.Mode, share, units)
	if err != nil {
		return Run{}, apperr.Invalidf("province", "%s", err.Error())
	}
	return Run{Province: province, Year: year, Mode: pol.Mode, Share: pol.Share, Units: units, Result: res}, nil
}

// Propose computes and stores a run awaiting approval. An earlier proposal for the same
// province and year is superseded; once a year is approved it cannot be run again
// (corrections then are reversing entries in the ledger). Errors: invalid, conflict.
func Propose(ctx context.Context, db *store.DB, by audit.Actor, province string, year int) (Run, error) {
	var run Run
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM pooling_runs WHERE province = ? AND year = ? AND status = ?`,
			province, year, Approved).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflictf("year", "该年度调剂已审批入账 / this year's pooling is already approved and posted")
		}
		var err error
		run, err = Compute(ctx, tx, province, year)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE pooling_runs SET status = ?, version = version + 1 WHERE province = ? AND year = ? AND status = ?`,
			Superseded, province, year, Proposed); err != nil {
			return err
		}
		fig, _ := json.Marshal(figures{Units: run.Units, Result: run.Result})
		run.Status, run.ProposedBy, run.CreatedAt, run.Version = Proposed, by.Username, audit.FormatTime(time.Now()), 1
		if err := tx.QueryRow(ctx, `INSERT INTO pooling_runs (province, year, mode, share, figures, status, proposed_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, province, year, string(run.Mode), run.Share, string(fig), Proposed,
			by.Username, run.CreatedAt).Scan(&run.ID); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "pooling.propose", Entity: "pooling_run", EntityID: fmt.Sprint(run.ID),
			After: run}.By(by))
		return err
	})
	return run, err
}

// Decide approves or rejects a proposed run. The proposer may not decide their own run
// (four-eyes); version guards against deciding a run someone else changed. Approval posts
// every remittance and allocation in the same transaction. Errors: not_found, forbidden,
// conflict.
func Decide(ctx context.Context, db *store.DB, by audit.Actor, id int64, version int, approve bool) (Run, error) {
	var run Run
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		run, err = Get(ctx, tx, id)
		if err != nil {
			return err
		}
		if run.Status != Proposed {
			return apperr.Conflictf("status", "该调剂方案已处理 / the run is already %s", run.Status)
		}
		if version != 0 && version != run.Version {
			return apperr.Conflictf("version", "方案已被他人修改，请刷新 / changed by someone else; reload")
		}
		if run.ProposedBy == by.Username {
			return apperr.Forbiddenf("提出人不能审批自己的调剂方案 / the proposer cannot approve their own run")
		}
		next := Rejected
		if approve {
			next = Approved
			for _, e := range Entries(run) {
				if _, err := ledger.Post(ctx, tx, by, "pooling", e.Ref, e.Posting); err != nil {
					return err
				}
			}
		}
		now := audit.FormatTime(time.Now())
		res, err := tx.Exec(ctx, `UPDATE pooling_runs SET status = ?, approved_by = ?, decided_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, next, by.Username, now, id, run.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflictf("version", "方案已被他人修改，请刷新 / changed by someone else; reload")
		}
		before := run.Status
		run.Status, run.ApprovedBy, run.DecidedAt, run.Version = next, by.Username, now, run.Version+1
		_, err = audit.Append(ctx, tx, audit.Record{Action: "pooling." + next, Entity: "pooling_run", EntityID: fmt.Sprint(id),
			Before: map[string]string{"status": before}, After: map[string]string{"status": next}}.By(by))
		return err
	})
	return run, err
}

// Entry is one ledger posting a run makes, with its idempotency reference.
type Entry struct {
	Ref     string
	Posting fund.Posting
}

// Entries are the postings of an approved run, dated the last day of its year: each
// remittance leaves the city (remittance_out) and arrives at the province's own unit
// (remittance_in); each allocation leaves the province (allocation_out) and arrives at the
// city (allocation_in). Every posting balances on its own, so each unit's books balance.
func Entries(run Run) []Entry {
	date := fmt.Sprintf("%d-12-31", run.Year)
	key := fmt.Sprintf("%s:%d:", run.Province, run.Year)
	var out []Entry
	for _, t := range run.Result.Transfers {
		if t.Remit > 0 {
			memo := fmt.Sprintf("%d年度上解省级调剂金（%s）", run.Year, t.Unit)
			out = append(out,
				Entry{key + t.Unit + ":remit", fund.Expense(t.Unit, date, "remittance_out", t.Remit, memo)},
				Entry{key + t.Unit + ":remit_in", fund.Income(run.Province, date, "remittance_in", t.Remit, memo)})
		}
		if t.Allocate > 0 {
			memo := fmt.Sprintf("%d年度下拨省级调剂金（%s）", run.Year, t.Unit)
			out = append(out,
				Entry{key + t.Unit + ":allocate_out", fund.Expense(run.Province, date, "allocation_out", t.Allocate, memo)},
				Entry{key + t.Unit + ":allocate", fund.Income(t.Unit, date, "allocation_in", t.Allocate, memo)})
		}
	}
	return out
}

const runCols = `id, province, year, mode, share, figures, status, proposed_by, approved_by, created_at, decided_at, version`

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var fig string
	var appr, dec sql.NullString
	var mode string
	if err := sc.Scan(&r.ID, &r.Province, &r.Year, &mode, &r.Share, &fig, &r.Status, &r.ProposedBy, &appr, &r.CreatedAt, &dec, &r.Version); err != nil {
		return r, err
	}
	r.Mode, r.ApprovedBy, r.DecidedAt = fund.PoolingMode(mode), appr.String, dec.String
	var f figures
	if err := json.Unmarshal([]byte(fig), &f); err != nil {
		return r, fmt.Errorf("pooling: run %d figures: %w", r.ID, err)
	}
	r.Units, r.Result = f.Units, f.Result
	return r, nil
}

// Get returns one run. Errors: not_found.
func Get(ctx context.Context, q store.Querier, id int64) (Run, error) {
	r, err := scanRun(q.QueryRow(ctx, `SELECT `+runCols+` FROM pooling_runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, apperr.NotFoundf("调剂方案 %d 不存在 / pooling run %d not found", id, id)
	}
	return r, err
}

// List returns the runs of provinces whose code starts with prefix, newest first.
func List(ctx context.Context, q store.Querier, prefix string, limit int) ([]Run, error) {
	scope, args := store.CodePrefix("province", prefix)
	rows, err := q.Query(ctx, `SELECT `+runCols+` FROM pooling_runs WHERE `+scope+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
