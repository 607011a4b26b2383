// Package counterstore keeps the service catalogue and the counter's tickets in the database
// (package counter holds the rules): opening a ticket with its receipt number, the back-office
// review queue by region and role, after-the-fact sampling, and an office's time-limit figures.
package counterstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/calendar"
	"wiis/internal/counter"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// Items lists the catalogue (only its active items when onlyActive), by code. The catalogue
// is reference data the node keeps for a few seconds (store.Remember): every counter page
// shows it. The slice is the caller's; its items' slices are shared and must not be changed.
func Items(ctx context.Context, q store.Querier, onlyActive bool) ([]counter.Item, error) {
	key := "all"
	if onlyActive {
		key = "active"
	}
	items, err := store.Remember(ctx, q, "service_items", key, func(ctx context.Context, q store.Querier) ([]counter.Item, error) {
		return readItems(ctx, q, onlyActive)
	})
	return slices.Clone(items), err
}

func readItems(ctx context.Context, q store.Querier, onlyActive bool) ([]counter.Item, error) {
	where := ""
	if onlyActive {
		where = "WHERE active = 1"
	}
	rows, err := q.Query(ctx, `SELECT code, name, name_en, basis, materials, limit_days, class, roles, online, subject, active
		FROM service_items `+where+` ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []counter.Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

type scanner interface{ Scan(...any) error }

func scanItem(r scanner) (counter.Item, error) {
	var it counter.Item
	var mats, roles string
	var online, active int
	if err := r.Scan(&it.Code, &it.Name, &it.NameEn, &it.Basis, &mats, &it.LimitDays, &it.Class, &roles, &online, &it.Subject, &active); err != nil {
		return it, err
	}
	it.Online, it.Active = online == 1, active == 1
	if err := json.Unmarshal([]byte(mats), &it.Materials); err != nil {
		return it, fmt.Errorf("service item %s materials: %w", it.Code, err)
	}
	if err := json.Unmarshal([]byte(roles), &it.Roles); err != nil {
		return it, fmt.Errorf("service item %s roles: %w", it.Code, err)
	}
	return it, nil
}

// Item returns one catalogue item or a not_found error.
func Item(ctx context.Context, q store.Querier, code string) (counter.Item, error) {
	it, err := scanItem(q.QueryRow(ctx, `SELECT code, name, name_en, basis, materials, limit_days, class, roles, online, subject, active
		FROM service_items WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return it, apperr.NotFoundf("事项 %s 不存在 / service item %s not found", code, code)
	}
	return it, err
}

// SaveItem adds or changes a catalogue item (the catalogue is data an administrator edits).
func SaveItem(ctx context.Context, db *store.DB, by audit.Actor, it counter.Item) error {
	if f, reason := it.Validate(); f != "" {
		return apperr.Invalidf(f, "%s", reason)
	}
	mats, _ := json.Marshal(it.Materials)
	roles, _ := json.Marshal(it.Roles)
	return db.InTx(ctx, func(tx *store.Tx) error {
		before, err := Item(ctx, tx, it.Code)
		var prev any
		if err == nil {
			prev = before
		} else if apperr.CodeOf(err) != apperr.NotFound {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO service_items (code, name, name_en, basis, materials, limit_days, class, roles, online, subject, active)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, basis = excluded.basis,
				materials = excluded.materials, limit_days = excluded.limit_days, class = excluded.class, roles = excluded.roles,
				online = excluded.online, subject = excluded.subject, active = excluded.active, version = service_items.version + 1`,
			it.Code, it.Name, it.NameEn, it.Basis, string(mats), it.LimitDays, it.Class, string(roles), b2i(it.Online), it.Subject, b2i(it.Active))
		if err != nil {
			return err
		}
		tx.Changed("service_items")
		_, err = audit.Append(ctx, tx, audit.Record{Action: "catalogue.save", Entity: "service_item", EntityID: it.Code, Before: prev, After: it}.By(by))
		return err
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Calendar returns the working-day calendar in force in region on a date (policy
// "calendar.workdays"; weekends only when none is set).
func Calendar(ctx context.Context, q store.Querier, region string, on time.Time) (calendar.Calendar, error) {
	var cal calendar.Calendar
	_, err := policy.Decode(ctx, q, region, "calendar.workdays", on.Format("2006-01-02"), &cal)
	return cal, err
}

// Open accepts an item at a desk (or online) for a subject and stores the ticket with its
// receipt number. The teller must hold one of the item's roles (the catalogue drives what a
// teller can do). Errors: invalid (missing materials, named), forbidden, not_found.
func Open(ctx context.Context, db *store.DB, by audit.Actor, roles []string, code, subject, office, channel string, materials []string, now time.Time, files ...MaterialFile) (counter.Ticket, error) {
	return open(ctx, db, by, code, subject, office, channel, materials, now, files, func(it counter.Item) error {
		if !anyRole(roles, it.Roles) {
			return apperr.Forbiddenf("您的角色不能办理事项 %s / your role cannot handle %s", it.Name, it.Code)
		}
		return nil
	})
}

// OpenOnline accepts an item filed in the online hall by an employer or a worker for
// their workers (channel "online"): instead of the teller's role, the catalogue must offer
// the item online. The caller decides whom the filer may file for (an employer for itself and
// its workers, a worker for themselves). Errors: invalid (missing materials), forbidden (not
// offered online), not_found.
func OpenOnline(ctx context.Context, db *store.DB, by audit.Actor, code, subject, office string, materials []string, now time.Time) (counter.Ticket, error) {
	return open(ctx, db, by, code, subject, office, "online", materials, now, nil, func(it counter.Item) error {
		if !it.Online {
			return apperr.Forbiddenf("事项 %s 不在网上办理 / %s is not offered online", it.Name, it.Code)
		}
		return nil
	})
}

func open(ctx context.Context, db *store.DB, by audit.Actor, code, subject, office, channel string, materials []string, now time.Time, files []MaterialFile, may func(counter.Item) error) (counter.Ticket, error) {
	var t counter.Ticket
	err := db.InTx(ctx, func(tx *store.Tx) error {
		it, err := Item(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := may(it); err != nil {
			return err
		}
		cal, err := Calendar(ctx, tx, office, now)
		if err != nil {
			return err
		}
		t, err = counter.Accept(it, subject, office, by.Username, materials, now, cal)
		var mm *counter.MissingMaterials
		if errors.As(err, &mm) {
			return apperr.Invalidf("materials", "缺少材料：%s / missing materials", strings.Join(mm.Missing, "、"))
		}
		if err != nil {
			return apperr.Invalidf("item", "%s", err.Error())
		}
		day := now.In(shanghai).Format("20060102")
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tickets WHERE office = ? AND no LIKE ?`, office, office+"-"+day+"-%").Scan(&n); err != nil {
			return err
		}
		t.No = fmt.Sprintf("%s-%s-%04d", office, day, n+1)
		mats, _ := json.Marshal(materials)
		var handled any
		if !t.HandledAt.IsZero() {
			handled = audit.FormatTime(t.HandledAt)
		}
		if channel == "" {
			channel = "counter"
		}
		err = tx.QueryRow(ctx, `INSERT INTO tickets (no, item_code, subject, office, teller, channel, materials, accepted_at, promised_by, state, handled_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, t.No, t.ItemCode, t.Subject, t.Office, t.Teller, channel, string(mats),
			audit.FormatTime(t.AcceptedAt), t.PromisedBy.Format("2006-01-02"), t.State, handled).Scan(&t.ID)
		if err != nil {
			return err
		}
		t.Version = 1
		if _, err = audit.Append(ctx, tx, audit.Record{Action: "ticket.open", Entity: "ticket", EntityID: t.No, After: t}.By(by)); err != nil {
			return err
		}
		return fileMaterials(ctx, tx, by, t, files, now)
	})
	return t, err
}

// shanghai is the agencies' time zone (calendar.Shanghai).
var shanghai = calendar.Shanghai

func anyRole(have, allowed []string) bool {
	for _, h := range have {
		for _, a := range allowed {
			if h == a {
				return true
			}
		}
	}
	return false
}

const ticketCols = `id, no, item_code, subject, office, teller, materials, accepted_at, promised_by, state, handled_at, reviewer, note, sampled, version`

func scanTicket(r scanner) (counter.Ticket, error) {
	var t counter.Ticket
	var mats, acc, prom string
	var handled, reviewer sql.NullString
	var sampled int
	if err := r.Scan(&t.ID, &t.No, &t.ItemCode, &t.Subject, &t.Office, &t.Teller, &mats, &acc, &prom, &t.State, &handled, &reviewer, &t.Note, &sampled, &t.Version); err != nil {
		return t, err
	}
	json.Unmarshal([]byte(mats), &t.Materials)
	t.AcceptedAt, _ = audit.ParseTime(acc)
	p, _ := time.ParseInLocation("2006-01-02", prom, shanghai)
	t.PromisedBy = p
	if handled.Valid {
		t.HandledAt, _ = audit.ParseTime(handled.String)
	}
	t.Reviewer, t.Sampled = reviewer.String, sampled == 1
	return t, nil
}

// Ticket returns one ticket by id.
func Ticket(ctx context.Context, q store.Querier, id int64) (counter.Ticket, error) {
	t, err := scanTicket(q.QueryRow(ctx, `SELECT `+ticketCols+` FROM tickets WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.NotFoundf("受理单 %d 不存在 / ticket %d not found", id, id)
	}
	return t, err
}

// Filter selects tickets for queues and figures.
type Filter struct {
	OfficePrefix string // region scope: "3415" for Lu'an, "" for all
	State        string
	Subject      string
	Teller       string
	From, To     time.Time // accepted between, zero = open
	Limit        int
}

// Tickets lists tickets matching f, newest first.
func Tickets(ctx context.Context, q store.Querier, f Filter) ([]counter.Ticket, error) {
	scope, args := store.CodePrefix("office", f.OfficePrefix)
	where := []string{scope}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	if f.Subject != "" {
		where, args = append(where, "subject = ?"), append(args, f.Subject)
	}
	if f.Teller != "" {
		where, args = append(where, "teller = ?"), append(args, f.Teller)
	}
	if !f.From.IsZero() {
		where, args = append(where, "accepted_at >= ?"), append(args, audit.FormatTime(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "accepted_at < ?"), append(args, audit.FormatTime(f.To))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := q.Query(ctx, `SELECT `+ticketCols+` FROM tickets WHERE `+strings.Join(where, " AND ")+` ORDER BY accepted_at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []counter.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Review records the back office's decision on a pending ticket. The version guards against
// two reviewers deciding at once. Errors: not_found, conflict (not pending, stale), forbidden
// (own ticket), invalid (decision, missing reason).
func Review(ctx context.Context, db *store.DB, by audit.Actor, id int64, version int, decision, note string, now time.Time) (counter.Ticket, error) {
	var t counter.Ticket
	err := db.InTx(ctx, func(tx *store.Tx) error {
		before, err := Ticket(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return apperr.Conflictf("version", "受理单已被他人处理，请刷新 / the ticket changed; reload")
		}
		if before.Teller == by.Username {
			return apperr.Forbiddenf("受理人不能审核自己受理的事项 / the accepting teller cannot review it")
		}
		t, err = counter.Review(before, by.Username, decision, note, now)
		if err != nil {
			return apperr.Conflictf("state", "%s", err.Error())
		}
		res, err := tx.Exec(ctx, `UPDATE tickets SET state = ?, reviewer = ?, note = ?, handled_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			t.State, t.Reviewer, t.Note, audit.FormatTime(t.HandledAt), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflictf("version", "受理单已被他人处理，请刷新 / the ticket changed; reload")
		}
		t.Version = version + 1
		_, err = audit.Append(ctx, tx, audit.Record{Action: "ticket.review", Entity: "ticket", EntityID: t.No,
			Before: map[string]string{"state": before.State}, After: map[string]string{"state": t.State, "note": t.Note}}.By(by))
		return err
	})
	return t, err
}

// SampleDay marks a share of one day's immediate tickets of an office for after-the-fact
// review, reproducibly from the seed (recorded in the audit log so the draw can be replayed).
func SampleDay(ctx context.Context, db *store.DB, by audit.Actor, officePrefix string, day time.Time, percent int, seed uint64) ([]int64, error) {
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, shanghai)
	var ids []int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		scope, args := store.CodePrefix("t.office", officePrefix)
		rows, err := tx.Query(ctx, `SELECT t.id FROM tickets t JOIN service_items i ON i.code = t.item_code
			WHERE i.class = 'immediate' AND `+scope+` AND t.accepted_at >= ? AND t.accepted_at < ?`,
			append(args, audit.FormatTime(from), audit.FormatTime(from.AddDate(0, 0, 1)))...)
		if err != nil {
			return err
		}
		var all []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			all = append(all, id)
		}
		rows.Close()
		ids = counter.Sample(all, percent, seed)
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `UPDATE tickets SET sampled = 1 WHERE id = ?`, id); err != nil {
				return err
			}
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "ticket.sample", Entity: "office", EntityID: officePrefix,
			After: map[string]any{"day": from.Format("2006-01-02"), "percent": percent, "seed": seed, "candidates": all, "drawn": ids}}.By(by))
		return err
	})
	return ids, err
}

// Figures computes an office's time-limit figures for tickets accepted in [from, to).
func Figures(ctx context.Context, q store.Querier, officePrefix string, from, to, now time.Time) (counter.Figures, error) {
	ts, err := Tickets(ctx, q, Filter{OfficePrefix: officePrefix, From: from, To: to, Limit: 1 << 30})
	if err != nil {
		return counter.Figures{}, err
	}
	cal, err := Calendar(ctx, q, (officePrefix + "000000")[:6], now)
	if err != nil {
		return counter.Figures{}, err
	}
	return counter.Measure(ts, now, cal), nil
}
