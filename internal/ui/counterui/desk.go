package counterui

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/contrib"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/counter"
	"wiis/internal/counter/counterstore"
	"wiis/internal/coverage"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/ui/panels"
	"wiis/internal/web"
)

// desk is the teller's home: the one search box, the office's time-limit figures and the
// teller's own tickets of today.
func (h *handlers) desk(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var hits []enroll.Hit
	if q != "" {
		var err error
		if hits, err = h.scopedSearch(r, q); err != nil {
			return err
		}
		if len(hits) == 1 {
			http.Redirect(w, r, hitURL(h.shown(hits)[0]), http.StatusSeeOther)
			return nil
		}
	}
	fig, err := h.officeFigures(r.Context(), u, 30)
	if err != nil {
		return err
	}
	day := today()
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, shanghai)
	mine, err := counterstore.Tickets(r.Context(), h.s.DB, counterstore.Filter{OfficePrefix: auth.ScopePrefix(u.Region), Teller: u.Username, From: from, Limit: 50})
	if err != nil {
		return err
	}
	rows, err := h.ticketRows(r.Context(), mine)
	if err != nil {
		return err
	}
	var shown []hitRow
	for _, hit := range h.shown(hits) {
		shown = append(shown, hitRow{hit, hitURL(hit)})
	}
	h.s.Render(w, r, http.StatusOK, "counter_desk", map[string]any{"Q": q, "Searched": q != "", "Hits": shown, "Figures": fig, "Mine": rows})
	return nil
}

type hitRow struct {
	SearchHit
	URL string
}

// hitURL is the page of a hit, by its reference.
func hitURL(h SearchHit) string {
	if h.Kind == "employer" {
		return "/counter/employers/" + h.Ref
	}
	return "/counter/persons/" + h.Ref
}

// officeFigures are the time-limit figures of the caller's scope over the last days.
func (h *handlers) officeFigures(ctx context.Context, u *auth.User, days int) (counter.Figures, error) {
	now := clock()
	return counterstore.Figures(ctx, h.s.DB, auth.ScopePrefix(u.Region), now.AddDate(0, 0, -days), now.Add(time.Second), now)
}

// ticketRow is a ticket with its item's name for lists.
type ticketRow struct {
	counter.Ticket
	Item    counter.Item
	Masked  string // subject, masked when it is an ID number
	Overdue bool
}

func (h *handlers) ticketRows(ctx context.Context, ts []counter.Ticket) ([]ticketRow, error) {
	items, err := counterstore.Items(ctx, h.s.DB, false)
	if err != nil {
		return nil, err
	}
	byCode := map[string]counter.Item{}
	for _, it := range items {
		byCode[it.Code] = it
	}
	now := clock()
	out := make([]ticketRow, 0, len(ts))
	for _, t := range ts {
		m := t.Subject
		if len(m) == 18 && idcode.ValidateID(m) == nil {
			m = privacy.MaskID(m)
		}
		pending := t.State == counter.StatePending || t.State == counter.StateReturned
		due := time.Date(t.PromisedBy.Year(), t.PromisedBy.Month(), t.PromisedBy.Day(), 23, 59, 59, 0, shanghai)
		out = append(out, ticketRow{Ticket: t, Item: byCode[t.ItemCode], Masked: m, Overdue: pending && now.After(due)})
	}
	return out, nil
}

// itemsFor lists the active catalogue items of a subject kind that u's roles may start.
func itemsFor(ctx context.Context, q store.Querier, u *auth.User, kind string) ([]counter.Item, error) {
	items, err := counterstore.Items(ctx, q, true)
	if err != nil {
		return nil, err
	}
	var out []counter.Item
	for _, it := range items {
		if it.Subject == kind && mayHandle(u, it) {
			out = append(out, it)
		}
	}
	return out, nil
}

func mayHandle(u *auth.User, it counter.Item) bool {
	return slices.ContainsFunc(it.Roles, func(r string) bool { return u.Has(auth.Role(r)) })
}

// personPage is the person's whole picture. The full ID number and contact phone are shown
// here, and showing them is an audited action (security.md).
func (h *handlers) personPage(w http.ResponseWriter, r *http.Request) error {
	id := h.s.PersonParam(r, "id")
	p, err := h.personFor(r, id)
	if err != nil {
		return err
	}
	return h.renderPerson(w, r, http.StatusOK, p, nil, nil)
}

// renderPerson renders the person page for a person the caller may see (as personFor read
// it); form and errors are the phone form's input and its field errors after a refused change
// (nil otherwise).
func (h *handlers) renderPerson(w http.ResponseWriter, r *http.Request, status int, p enroll.Person, form, errs map[string]string) error {
	ctx := r.Context()
	u := web.CurrentUser(r)
	id := p.IDNumber
	audited := h.auditView(r, id)
	if form == nil {
		form = map[string]string{"phone": p.Phone}
	}
	hist, err := enroll.PersonHistory(ctx, h.s.DB, id, thisMonth())
	if err != nil {
		return err
	}
	shown, err := panels.Load(ctx, h.s.DB, panels.Person, id, u, h.s.RefLinks)
	if err != nil {
		return err
	}
	items, err := itemsFor(ctx, h.s.DB, u, counter.ForPerson)
	if err != nil {
		return err
	}
	d := map[string]any{"ID": id, "Name": p.Name, "Phone": p.Phone, "History": hist, "Panels": shown, "Items": items,
		"Form": form, "Errors": errs, "MayEditContact": PermContact.Allows(u)}
	if b, err := idcode.BirthDate(id); err == nil {
		d["Birth"] = b.Format("2006-01-02")
	}
	if sx, err := idcode.SexOf(id); err == nil {
		d["Male"] = sx == idcode.Male
	}
	if err := audited(); err != nil {
		return err
	}
	h.s.Render(w, r, status, "counter_person", d)
	return nil
}

// employerView is everything the employer page and the portal show of one employer.
type employerView struct {
	Employer   enroll.Employer
	Month      string
	Rate       contribstore.RateInfo
	RateErr    string
	RateSource string // base | float
	RateFrom   string
	Covered    []coveredRow
	Assessment contrib.Assessment
	Statement  []contribstore.StatementLine
	Arrears    money.Amount
	LateFees   money.Amount
	Floats     []contribstore.FloatProposal
	History    enroll.History
	Events     []eventRow // the latest events, ID numbers masked
}

type eventRow struct {
	enroll.Event
	Masked string
}

type coveredRow struct {
	enroll.Coverage
	Masked string
}

// loadEmployer gathers an employer's picture for a month; a missing rate policy is shown,
// not fatal, since the details and history are still worth seeing.
func (h *handlers) loadEmployer(r *http.Request, emp enroll.Employer, month string) (employerView, error) {
	ctx := r.Context()
	v := employerView{Employer: emp, Month: month}
	ri, err := contribstore.EmployerRate(ctx, h.s.DB, emp.USCC, month+"-01")
	switch {
	case err == nil:
		v.Rate = ri
		v.RateSource, v.RateFrom, _ = strings.Cut(ri.Source, ":")
		a, covered, _, err := contribstore.Assess(ctx, h.s.DB, emp.USCC, month)
		if err != nil {
			return v, err
		}
		v.Assessment = a
		for _, c := range covered {
			v.Covered = append(v.Covered, coveredRow{c, privacy.MaskID(c.IDNumber)})
		}
		m, _ := coverage.ParseMonth(month)
		st, err := contribstore.Statement(ctx, h.s.DB, emp.USCC, (m - 11).String(), month, clock().In(shanghai))
		if err != nil {
			return v, err
		}
		slices.Reverse(st)
		v.Statement = st
		for _, l := range st {
			v.Arrears += l.Reconciliation.Arrears
			v.LateFees += l.Reconciliation.LateFee
		}
	case apperr.CodeOf(err) == apperr.Invalid:
		v.RateErr = web.T(web.Lang(r), apperr.As(err).Message, apperr.As(err).Args...)
	default:
		return v, err
	}
	if v.Floats, err = contribstore.FloatProposals(ctx, h.s.DB, contribstore.FloatFilter{USCC: emp.USCC, Limit: 10}); err != nil {
		return v, err
	}
	if v.History, err = enroll.EmployerHistory(ctx, h.s.DB, emp.USCC, month); err != nil {
		return v, err
	}
	for i, ev := range v.History.Events {
		if i == 200 {
			break
		}
		v.Events = append(v.Events, eventRow{ev, privacy.MaskID(ev.IDNumber)})
	}
	return v, nil
}

func monthParam(r *http.Request) (string, error) {
	m := r.URL.Query().Get("month")
	if m == "" {
		return thisMonth(), nil
	}
	if _, err := coverage.ParseMonth(m); err != nil {
		return "", apperr.Invalidf("month", "cu.counter.bad_month")
	}
	return m, nil
}

// employerPage is the employer's whole picture for the teller; the contact phone is masked
// (the full number is an audited reveal).
func (h *handlers) employerPage(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.employerFor(r, strings.ToUpper(r.PathValue("uscc")))
	if err != nil {
		return err
	}
	return h.renderEmployer(w, r, http.StatusOK, emp, employerExtras{})
}

// employerExtras is what the contact routes add to the employer page: the revealed phone, or
// the contact form's input and field errors after a refused change.
type employerExtras struct {
	Revealed     bool
	Form, Errors map[string]string
}

func (h *handlers) renderEmployer(w http.ResponseWriter, r *http.Request, status int, emp enroll.Employer, x employerExtras) error {
	month, err := monthParam(r)
	if err != nil {
		return err
	}
	v, err := h.loadEmployer(r, emp, month)
	if err != nil {
		return err
	}
	u := web.CurrentUser(r)
	shown, err := panels.Load(r.Context(), h.s.DB, panels.Employer, emp.USCC, u, h.s.RefLinks)
	if err != nil {
		return err
	}
	items, err := itemsFor(r.Context(), h.s.DB, u, counter.ForEmployer)
	if err != nil {
		return err
	}
	if x.Form == nil {
		x.Form = map[string]string{"contact_name": emp.ContactName}
	}
	h.s.Render(w, r, status, "counter_employer", map[string]any{"V": v, "Panels": shown, "Items": items,
		"Revealed": x.Revealed, "Form": x.Form, "Errors": x.Errors,
		"MayEditContact": PermContact.Allows(u), "MayReveal": PermRevealPhone.Allows(u)})
	return nil
}
