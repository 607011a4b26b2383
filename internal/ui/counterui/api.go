package counterui

import (
	"net/http"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/counter"
	"wiis/internal/counter/counterstore"
	"wiis/internal/coverage"
	"wiis/internal/enroll"
	"wiis/internal/money"
	"wiis/internal/privacy"
	"wiis/internal/web"
)

// EnrollmentRequest is one enrollment event an employer (or a teller) declares by API.
type EnrollmentRequest struct {
	IDNumber    string        `json:"id_number"`
	Name        string        `json:"name,omitempty"` // required when the person is new
	Event       string        `json:"event"`          // add | remove | base
	Month       string        `json:"month"`          // YYYY-MM
	MonthlyBase *money.Amount `json:"monthly_base,omitempty"`
	Category    string        `json:"category,omitempty"`
}

// PersonRecord is a person's whole picture as the API gives it.
type PersonRecord struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
	// Phone is the contact phone in full: reading the whole record is an audited action.
	Phone    string           `json:"phone,omitempty"`
	History  enroll.History   `json:"history"`
	Claims   []ClaimRecord    `json:"claims"`
	Payments []PaymentRecord  `json:"payments"`
	Tickets  []counter.Ticket `json:"tickets"`
}

// ClaimRecord is one claim of a person.
type ClaimRecord struct {
	ClaimNo  string `json:"claim_no"`
	USCC     string `json:"uscc"`
	InjuryAt string `json:"injury_at"`
	Applied  string `json:"applied_on,omitempty"`
}

// PaymentRecord is one benefit payment (the bank account masked).
type PaymentRecord struct {
	Item    string       `json:"item"`
	Month   string       `json:"month"`
	Amount  money.Amount `json:"amount"`
	Account string       `json:"bank_account,omitempty"`
}

// Statement is an employer's statement over a span of months.
type Statement struct {
	USCC     string                       `json:"uscc"`
	From     string                       `json:"from"`
	To       string                       `json:"to"`
	Lines    []contribstore.StatementLine `json:"lines"`
	Arrears  money.Amount                 `json:"arrears"`
	LateFees money.Amount                 `json:"late_fees"`
}

// EnrollmentList is an employer's enrollment history as the API lists it: each person's ID
// number masked (security.md: lists mask ID numbers), with the person's reference for GET
// /api/v1/persons/{ref}, the audited read of the whole record.
type EnrollmentList struct {
	Events   []ListedEvent    `json:"events"`
	Coverage []ListedCoverage `json:"coverage"`
}

// ListedEvent is an enrollment event in a list: id_number masked, person_ref added.
type ListedEvent struct {
	enroll.Event
	PersonRef string `json:"person_ref"`
}

// ListedCoverage is a coverage period in a list: id_number masked, person_ref added.
type ListedCoverage struct {
	enroll.Coverage
	PersonRef string `json:"person_ref"`
}

// SearchResult is the answer of the one search box.
type SearchResult struct {
	Hits []SearchHit `json:"hits"`
}

// SearchHit is one hit as the desk and the API show it. A person's ID number is masked, as in
// every list (security.md); Ref is what to ask for next: the person's reference for GET
// /api/v1/persons/{ref} (the audited read that shows the number) or the employer's credit
// code for the employer routes.
type SearchHit struct {
	Kind  string `json:"kind"` // person | employer
	Key   string `json:"key"`  // the credit code, or the ID number masked
	Ref   string `json:"ref"`
	Name  string `json:"name"`
	Extra string `json:"extra,omitempty"` // an employer's region
	// Phone is the contact phone masked (138****1234).
	Phone string `json:"phone,omitempty"`
}

func (h *handlers) installAPI() {
	for _, rt := range []web.Route{
		{Method: "GET", Pattern: "/api/v1/employers/{uscc}/enrollments", Perm: PermAPIEnrollRead, Handler: h.apiEnrollments,
			API: &web.APIDoc{Summary: "单位参保记录 / An employer's enrollment events and coverage",
				Description: "Query month=YYYY-MM (default this month) for coverage. Staff within their region; an employer user only its own employer. ID numbers are masked; person_ref names the person for GET /api/v1/persons/{ref}.",
				Response:    EnrollmentList{}}},
		{Method: "POST", Pattern: "/api/v1/employers/{uscc}/enrollments", Perm: PermAPIEnrollWrite, Handler: h.apiEnroll,
			API: &web.APIDoc{Summary: "申报增员、减员、基数 / Declare an add, removal or base change",
				Description: "Validated by the enrollment service; 422 names the field, 409 when coverage does not allow the event.",
				Request:     EnrollmentRequest{}, Response: enroll.Event{}, Status: http.StatusCreated}},
		{Method: "GET", Pattern: "/api/v1/persons/{id}", Perm: PermAPIPerson, Handler: h.apiPerson,
			API: &web.APIDoc{Summary: "人员全貌 / A person's enrollment, claims, payments and tickets",
				Description: "id is the person's reference from a list (a search hit's ref, a list's person_ref) or the ID number. Staff see persons insured within their region; a worker only themselves. Reading the full record (with the full ID number and contact phone) is audited.",
				Response:    PersonRecord{}}},
		{Method: "POST", Pattern: "/api/v1/employers/{uscc}/reveal/phone", Perm: PermRevealPhone, Handler: h.apiEmployerRevealPhone,
			API: &web.APIDoc{Summary: "显示单位联系人完整电话（审计） / Reveal the employer contact's phone (audited)",
				Description: "Staff within their region. The reveal is written to the audit log (never the number) before the answer.",
				Response:    web.Revealed{}}},
		{Method: "GET", Pattern: "/api/v1/employers/{uscc}/statement", Perm: PermAPIStatement, Handler: h.apiStatement,
			API: &web.APIDoc{Summary: "单位对账单 / An employer's statement (due, paid, arrears, late fees)",
				Description: "Query from, to (YYYY-MM; default the last twelve months).", Response: Statement{}}},
		{Method: "GET", Pattern: "/api/v1/search", Perm: PermAPISearch, Handler: h.apiSearch,
			API: &web.APIDoc{Summary: "按身份证号、信用代码或名称查找 / Find persons and employers", Description: "Query q: the beginning of a name, a whole ID number, a credit code or its beginning, or part of an employer's name. Hits outside the caller's region are left out; a person's ID number is masked, and ref names the person for GET /api/v1/persons/{ref}.",
				Response: SearchResult{}}},
	} {
		h.s.Handle(rt)
	}
}

func (h *handlers) apiEnrollments(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.employerFor(r, strings.ToUpper(r.PathValue("uscc")))
	if err != nil {
		return err
	}
	month, err := monthParam(r)
	if err != nil {
		return err
	}
	hist, err := enroll.EmployerHistory(r.Context(), h.s.DB, emp.USCC, month)
	if err != nil {
		return err
	}
	out := EnrollmentList{Events: make([]ListedEvent, 0, len(hist.Events)), Coverage: make([]ListedCoverage, 0, len(hist.Coverage))}
	for _, ev := range hist.Events {
		ref := h.s.PersonRef(ev.IDNumber)
		ev.IDNumber = privacy.MaskID(ev.IDNumber)
		out.Events = append(out.Events, ListedEvent{ev, ref})
	}
	for _, c := range hist.Coverage {
		ref := h.s.PersonRef(c.IDNumber)
		c.IDNumber = privacy.MaskID(c.IDNumber)
		out.Coverage = append(out.Coverage, ListedCoverage{c, ref})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *handlers) apiEnroll(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.employerFor(r, strings.ToUpper(r.PathValue("uscc")))
	if err != nil {
		return err
	}
	var req EnrollmentRequest
	if err := web.DecodeJSON(r, &req); err != nil {
		return err
	}
	ev, err := h.enroll.Record(r.Context(), web.ActorOf(r), enroll.Person{IDNumber: strings.ToUpper(req.IDNumber), Name: req.Name},
		enroll.Event{USCC: emp.USCC, Event: req.Event, Month: req.Month, MonthlyBase: req.MonthlyBase, Category: req.Category})
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, ev)
}

// shown turns search hits into what a list may show.
func (h *handlers) shown(hits []enroll.Hit) []SearchHit {
	out := make([]SearchHit, 0, len(hits))
	for _, x := range hits {
		s := SearchHit{Kind: x.Kind, Key: x.Key, Ref: x.Key, Name: x.Name, Extra: x.Extra, Phone: x.Phone}
		if x.Kind == "person" {
			s.Key, s.Ref = privacy.MaskID(x.Key), h.s.PersonRef(x.Key)
		}
		out = append(out, s)
	}
	return out
}

func (h *handlers) apiPerson(w http.ResponseWriter, r *http.Request) error {
	id := h.s.PersonParam(r, "id")
	person, err := h.personFor(r, id)
	if err != nil {
		return err
	}
	ctx := r.Context()
	audited := h.auditView(r, id)
	p := PersonRecord{IDNumber: id, Name: person.Name, Phone: person.Phone, Claims: []ClaimRecord{}, Payments: []PaymentRecord{}}
	if p.History, err = enroll.PersonHistory(ctx, h.s.DB, id, thisMonth()); err != nil {
		return err
	}
	rows, err := h.s.DB.Query(ctx, `SELECT claim_no, uscc, injury_at, COALESCE(applied_on, '') FROM claims WHERE id_number = ? ORDER BY injury_at DESC`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c ClaimRecord
		if err := rows.Scan(&c.ClaimNo, &c.USCC, &c.InjuryAt, &c.Applied); err != nil {
			rows.Close()
			return err
		}
		p.Claims = append(p.Claims, c)
	}
	rows.Close()
	ps, err := loadPayments(ctx, h.s.DB, id)
	if err != nil {
		return err
	}
	for _, x := range ps {
		p.Payments = append(p.Payments, PaymentRecord{x.Item, x.Month, x.Amount, x.Account})
	}
	if p.Tickets, err = counterstore.Tickets(ctx, h.s.DB, counterstore.Filter{Subject: id, Limit: 200}); err != nil {
		return err
	}
	if p.Tickets == nil {
		p.Tickets = []counter.Ticket{}
	}
	if err := audited(); err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, p)
}

func (h *handlers) apiStatement(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.employerFor(r, strings.ToUpper(r.PathValue("uscc")))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	to, from := q.Get("to"), q.Get("from")
	if to == "" {
		to = thisMonth()
	}
	tm, err := coverage.ParseMonth(to)
	if err != nil {
		return apperr.Invalidf("to", "cu.counter.bad_month")
	}
	if from == "" {
		from = (tm - 11).String()
	}
	fm, err := coverage.ParseMonth(from)
	if err != nil {
		return apperr.Invalidf("from", "cu.counter.bad_month")
	}
	if fm > tm || tm-fm > 59 {
		return apperr.Invalidf("from", "cu.counter.bad_span")
	}
	lines, err := contribstore.Statement(r.Context(), h.s.DB, emp.USCC, from, to, clock().In(shanghai))
	if err != nil {
		return err
	}
	st := Statement{USCC: emp.USCC, From: from, To: to, Lines: lines}
	if st.Lines == nil {
		st.Lines = []contribstore.StatementLine{}
	}
	for _, l := range lines {
		st.Arrears += l.Reconciliation.Arrears
		st.LateFees += l.Reconciliation.LateFee
	}
	return web.WriteJSON(w, http.StatusOK, st)
}

func (h *handlers) apiSearch(w http.ResponseWriter, r *http.Request) error {
	hits, err := h.scopedSearch(r, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, SearchResult{Hits: h.shown(hits)})
}
