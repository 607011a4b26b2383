// Package enroll keeps who is insured, by whom, on what base (spec/contributions.md): the
// registration, change and closure of employers, persons, and the enrollment events (add,
// remove, base change) a teller records or an employer declares through the API. Validation
// uses the national code validators; coverage is read through package coverage, the one
// definition of "covered in a month". Every change is one transaction with its audit record.
package enroll

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/calendar"
	"wiis/internal/coverage"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/phone"
	"wiis/internal/privacy"
	"wiis/internal/seal"
	"wiis/internal/store"
)

// Categories of insured persons (contributions.md), with their Chinese names.
var Categories = []struct{ Code, Name string }{
	{"regular", "普通职工"}, {"intern", "实习生"}, {"over_age", "超龄人员"}, {"part_time", "非全日制"},
	{"courier", "快递末端网点从业人员"}, {"civil_servant", "公务员及参公人员"}, {"new_form", "新就业形态"}, {"project", "建筑项目参保"},
}

// ValidCategory reports whether c is a category code.
func ValidCategory(c string) bool {
	for _, k := range Categories {
		if k.Code == c {
			return true
		}
	}
	return false
}

// Statuses of an employer.
var Statuses = []string{"active", "cancelled", "revoked"}

// Employer is a registered employer (用人单位).
type Employer struct {
	USCC         string `json:"uscc"`
	Name         string `json:"name"`
	Region       string `json:"region"`
	IndustryCode string `json:"industry_code"`
	Status       string `json:"status"`
	RegisteredOn string `json:"registered_on,omitempty"`
	// ContactName is the employer's contact person for the agency (经办人/联系人).
	ContactName string `json:"contact_name,omitempty"`
	// Phone is the contact's number in clear (phone.Normalize's form, "" when none). It is
	// personal data: stored sealed, never put into JSON by this type (answers and audit
	// records that carry it use MaskedPhone or the audited reveal), shown in full only
	// through an audited reveal (security.md).
	Phone string `json:"-"`
}

// MaskedPhone is the contact phone as lists and ordinary pages show it (138****1234).
func (e Employer) MaskedPhone() string { return privacy.MaskPhone(e.Phone) }

// auditedEmployer is an employer as its audit records show it: the contact phone masked,
// since audit JSON is not sealed by the store and a clear number would sit there in clear.
type auditedEmployer struct {
	Employer
	Phone string `json:"phone,omitempty"`
}

func (e Employer) audited() auditedEmployer { return auditedEmployer{e, e.MaskedPhone()} }

// maxContactName bounds a contact person's name, in characters.
const maxContactName = 50

// Validate checks every field and names the first bad one.
func (e Employer) Validate() error {
	if err := idcode.ValidateUSCC(e.USCC); err != nil {
		return apperr.Invalidf("uscc", "%s", err.Error())
	}
	if strings.TrimSpace(e.Name) == "" || len([]rune(e.Name)) > 100 {
		return apperr.Invalidf("name", "单位名称不能为空且不超过100字 / name is required, at most 100 characters")
	}
	if err := idcode.ValidateRegion(e.Region); err != nil {
		return apperr.Invalidf("region", "%s", err.Error())
	}
	if err := idcode.ValidateIndustry(e.IndustryCode); err != nil {
		return apperr.Invalidf("industry_code", "%s", err.Error())
	}
	switch e.Status {
	case "active", "cancelled", "revoked":
	default:
		return apperr.Invalidf("status", "状态应为 active、cancelled 或 revoked / status must be active, cancelled or revoked")
	}
	if e.RegisteredOn != "" {
		if _, err := time.Parse("2006-01-02", e.RegisteredOn); err != nil {
			return apperr.Invalidf("registered_on", "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
		}
	}
	return e.validateContact()
}

// validateContact checks the contact person and phone: the phone in its canonical form.
func (e Employer) validateContact() error {
	if len([]rune(e.ContactName)) > maxContactName || strings.TrimSpace(e.ContactName) != e.ContactName {
		return apperr.Invalidf("contact_name", "联系人姓名不超过%d字，首尾不留空格 / the contact name has at most %d characters, without surrounding spaces", maxContactName, maxContactName)
	}
	if n, err := phone.Check("phone", e.Phone); err != nil {
		return err
	} else if n != e.Phone {
		return apperr.Invalidf("phone", "电话号码应为规范格式%s / the phone number is to be written %s", n, n)
	}
	return nil
}

// normalizeContact trims the contact name and puts the phone into its canonical form.
// Errors: invalid (phone).
func (e *Employer) normalizeContact() error {
	e.ContactName = strings.TrimSpace(e.ContactName)
	n, err := phone.Check("phone", e.Phone)
	e.Phone = n
	return err
}

// Person is an insured person (参保人员); the ID number identifies them, not the name.
type Person struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
	// Phone is the person's contact number in clear, read by GetPerson and changed by
	// SetPersonPhone only (Record ignores it). Personal data: stored sealed and never put
	// into JSON by this type; answers that carry it say so (an audited full record) or mask it.
	Phone string `json:"-"`
}

// Event is one enrollment event.
type Event struct {
	ID          int64         `json:"id,omitempty"`
	IDNumber    string        `json:"id_number"`
	USCC        string        `json:"uscc"`
	Event       string        `json:"event"` // add | remove | base
	Month       string        `json:"month"`
	RecordedOn  string        `json:"recorded_on"`
	MonthlyBase *money.Amount `json:"monthly_base,omitempty"`
	Category    string        `json:"category,omitempty"`
}

// Service records enrollment in the database.
type Service struct {
	DB  *store.DB
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// GetEmployer returns an employer, or a not_found error.
func GetEmployer(ctx context.Context, q store.Querier, uscc string) (Employer, error) {
	var e Employer
	var reg sql.NullString
	err := q.QueryRow(ctx, `SELECT uscc, name, region, industry_code, status, registered_on, contact_name, phone FROM employers WHERE uscc = ?`, uscc).
		Scan(&e.USCC, &e.Name, &e.Region, &e.IndustryCode, &e.Status, &reg, &e.ContactName, &e.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return e, apperr.NotFoundf("单位 %s 不存在 / employer %s not found", uscc, uscc)
	}
	e.RegisteredOn = reg.String
	return e, err
}

// RegisterEmployer adds a new employer, with its contact when given (the phone normalised and
// stored sealed). Errors: invalid (a field), conflict (already registered).
func (s *Service) RegisterEmployer(ctx context.Context, by audit.Actor, e Employer) error {
	if e.Status == "" {
		e.Status = "active"
	}
	if err := e.normalizeContact(); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO employers (uscc, name, region, industry_code, status, registered_on, updated_at, contact_name, phone)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.USCC, e.Name, e.Region, e.IndustryCode, e.Status, nullIfEmpty(e.RegisteredOn), audit.FormatTime(s.now()),
			e.ContactName, seal.Secret(e.Phone))
		if store.IsUniqueViolation(err) {
			return apperr.Conflictf("uscc", "单位 %s 已登记 / employer already registered", e.USCC)
		}
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "employer.register", Entity: "employer", EntityID: e.USCC, After: e.audited()}.By(by))
		return err
	})
}

// UpdateEmployer changes an employer's registered details (name, region, industry, status);
// closing is a status change to cancelled or revoked. The contact is kept as it is: it
// changes through SetEmployerContact. Errors: invalid, not_found.
func (s *Service) UpdateEmployer(ctx context.Context, by audit.Actor, e Employer) error {
	e.ContactName, e.Phone = "", ""
	if err := e.Validate(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := GetEmployer(ctx, tx, e.USCC)
		if err != nil {
			return err
		}
		if e.RegisteredOn == "" {
			e.RegisteredOn = before.RegisteredOn
		}
		e.ContactName, e.Phone = before.ContactName, before.Phone
		if before == e {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE employers SET name = ?, region = ?, industry_code = ?, status = ?, registered_on = ?, updated_at = ? WHERE uscc = ?`,
			e.Name, e.Region, e.IndustryCode, e.Status, nullIfEmpty(e.RegisteredOn), audit.FormatTime(s.now()), e.USCC); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "employer.update", Entity: "employer", EntityID: e.USCC, Before: before.audited(), After: e.audited()}.By(by))
		return err
	})
}

// ContactChange is a change of an employer's contact. The contact's phone is shown masked
// where the form is (the full number is a reveal), so an empty Phone keeps the stored number
// unless ClearPhone asks to remove it.
type ContactChange struct {
	Name       string
	Phone      string
	ClearPhone bool
}

// SetEmployerContact changes an employer's contact person and phone (normalised, stored
// sealed) in one transaction with an "employer.contact" audit record whose before and after
// carry the phone masked. No change writes nothing. Errors: invalid (contact_name, phone),
// not_found.
func (s *Service) SetEmployerContact(ctx context.Context, by audit.Actor, uscc string, c ContactChange) (Employer, error) {
	n, err := phone.Check("phone", c.Phone)
	if err != nil {
		return Employer{}, err
	}
	var after Employer
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := GetEmployer(ctx, tx, uscc)
		if err != nil {
			return err
		}
		after = before
		after.ContactName = strings.TrimSpace(c.Name)
		switch {
		case c.ClearPhone:
			after.Phone = ""
		case n != "":
			after.Phone = n
		}
		if err := after.validateContact(); err != nil {
			return err
		}
		if after == before {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE employers SET contact_name = ?, phone = ?, updated_at = ? WHERE uscc = ?`,
			after.ContactName, seal.Secret(after.Phone), audit.FormatTime(s.now()), uscc); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "employer.contact", Entity: "employer", EntityID: uscc,
			Before: contactOf(before), After: contactOf(after)}.By(by))
		return err
	})
	return after, err
}

// contactOf is the audit record's view of an employer's contact: the phone masked.
func contactOf(e Employer) map[string]string {
	return map[string]string{"contact_name": e.ContactName, "phone": e.MaskedPhone()}
}

// GetPerson returns a person with their contact phone in clear, or a not_found error.
func GetPerson(ctx context.Context, q store.Querier, id string) (Person, error) {
	p := Person{IDNumber: id}
	err := q.QueryRow(ctx, `SELECT name, phone FROM persons WHERE id_number = ?`, id).Scan(&p.Name, &p.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFoundf("人员 %s 不存在 / person %s not found", privacy.MaskID(id), privacy.MaskID(id))
	}
	return p, err
}

// SetPersonPhone changes a person's contact phone ("" removes it): normalised, stored sealed,
// in one transaction with a "person.phone" audit record whose before and after carry the
// number masked (audit JSON is not sealed). It returns the stored form; no change writes
// nothing. Errors: invalid (phone), not_found.
func (s *Service) SetPersonPhone(ctx context.Context, by audit.Actor, id, raw string) (string, error) {
	n, err := phone.Check("phone", raw)
	if err != nil {
		return "", err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		p, err := GetPerson(ctx, tx, id)
		if err != nil || p.Phone == n {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET phone = ?, updated_at = ? WHERE id_number = ?`,
			seal.Secret(n), audit.FormatTime(s.now()), id); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "person.phone", Entity: "person", EntityID: id,
			Before: map[string]string{"phone": privacy.MaskPhone(p.Phone)}, After: map[string]string{"phone": privacy.MaskPhone(n)}}.By(by))
		return err
	})
	return n, err
}

// Record validates and stores one enrollment event for a person, registering the person when
// new (name required then). Errors: invalid (the field), not_found (employer), conflict (an add
// while already covered, a remove or base change while not covered, or the same event twice).
func (s *Service) Record(ctx context.Context, by audit.Actor, p Person, ev Event) (Event, error) {
	ev.IDNumber = p.IDNumber
	if err := idcode.ValidateID(p.IDNumber); err != nil {
		return ev, apperr.Invalidf("id_number", "%s", err.Error())
	}
	m, err := coverage.ParseMonth(ev.Month)
	if err != nil {
		return ev, apperr.Invalidf("month", "月份格式应为 YYYY-MM / month must be YYYY-MM")
	}
	if ev.RecordedOn == "" {
		ev.RecordedOn = s.now().In(shanghai).Format("2006-01-02")
	}
	switch ev.Event {
	case "add":
		if ev.Category == "" {
			ev.Category = "regular"
		}
		if !ValidCategory(ev.Category) {
			return ev, apperr.Invalidf("category", "参保类别无效 / unknown category %q", ev.Category)
		}
		fallthrough
	case "base":
		if ev.MonthlyBase == nil || *ev.MonthlyBase <= 0 {
			return ev, apperr.Invalidf("monthly_base", "缴费基数必须大于零 / the monthly base must be positive")
		}
	case "remove":
		ev.MonthlyBase, ev.Category = nil, ""
	default:
		return ev, apperr.Invalidf("event", "事件应为 add、remove 或 base / event must be add, remove or base")
	}
	if ev.Event == "base" {
		ev.Category = ""
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		emp, err := GetEmployer(ctx, tx, ev.USCC)
		if err != nil {
			return err
		}
		if emp.Status != "active" && ev.Event != "remove" {
			return apperr.Conflictf("uscc", "单位已注销或吊销，不能增员或调整基数 / the employer is closed")
		}
		var name string
		err = tx.QueryRow(ctx, `SELECT name FROM persons WHERE id_number = ?`, p.IDNumber).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			if strings.TrimSpace(p.Name) == "" {
				return apperr.Invalidf("name", "新参保人员需填写姓名 / a new person needs a name")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO persons (id_number, name, updated_at) VALUES (?, ?, ?)`, p.IDNumber, strings.TrimSpace(p.Name), audit.FormatTime(s.now())); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		events, err := pairEvents(ctx, tx, p.IDNumber, ev.USCC)
		if err != nil {
			return err
		}
		asOf := max(m, lastMonth(events))
		covered := coverage.Covered(coverage.Periods(events, asOf), m)
		switch {
		case ev.Event == "add" && covered:
			return apperr.Conflictf("month", "该人员 %s 已在本单位参保 / already insured by this employer in %s", ev.Month, ev.Month)
		case ev.Event != "add" && !covered:
			return apperr.Conflictf("month", "该人员 %s 未在本单位参保 / not insured by this employer in %s", ev.Month, ev.Month)
		}
		var base any
		if ev.MonthlyBase != nil {
			base = int64(*ev.MonthlyBase)
		}
		err = tx.QueryRow(ctx, `INSERT INTO enrollment_events (id_number, uscc, event, month, recorded_on, monthly_base, category)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, ev.IDNumber, ev.USCC, ev.Event, ev.Month, ev.RecordedOn, base, nullIfEmpty(ev.Category)).Scan(&ev.ID)
		if store.IsUniqueViolation(err) {
			return apperr.Conflictf("event", "同一事件已登记 / the same event is already recorded")
		}
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Action: "enrollment." + ev.Event, Entity: "person", EntityID: ev.IDNumber, After: ev}.By(by))
		return err
	})
	return ev, err
}

// shanghai is the agencies' time zone (calendar.Shanghai).
var shanghai = calendar.Shanghai

func lastMonth(events []coverage.Event) coverage.Month {
	var m coverage.Month
	for _, e := range events {
		m = max(m, e.Month)
	}
	return m
}

// pairEvents loads one (person, employer) pair's events in coverage order.
func pairEvents(ctx context.Context, q store.Querier, id, uscc string) ([]coverage.Event, error) {
	rows, err := q.Query(ctx, `SELECT event, month, recorded_on, monthly_base FROM enrollment_events
		WHERE id_number = ? AND uscc = ? ORDER BY month, recorded_on`, id, uscc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []coverage.Event
	for rows.Next() {
		var kind, month, rec string
		var base sql.NullInt64
		if err := rows.Scan(&kind, &month, &rec, &base); err != nil {
			return nil, err
		}
		k, err := coverage.ParseKind(kind)
		if err != nil {
			return nil, err
		}
		m, err := coverage.ParseMonth(month)
		if err != nil {
			return nil, err
		}
		out = append(out, coverage.Event{Kind: k, Month: m, RecordedOn: rec, Base: base.Int64, HasBase: base.Valid})
	}
	coverage.Sort(out)
	return out, rows.Err()
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
