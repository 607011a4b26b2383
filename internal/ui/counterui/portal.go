package counterui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/counter"
	"wiis/internal/counter/counterstore"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/privacy"
	"wiis/internal/web"
)

// employerFiles are the person items an employer may file online for its worker: the injury
// determination application (条例第十七条: the employer applies) and the disability assessment
// application (第二十三条: the employer, the worker or a close relative applies).
var employerFiles = []string{"GS0202", "GS0301"}

// Online items for the worker's self-service.
const itemMedical = "GS0402"

// portalEmployer is the employer the signed-in employer user acts for. Codes: not_found.
func (h *handlers) portalEmployer(r *http.Request) (enroll.Employer, error) {
	u := web.CurrentUser(r)
	if u.EmployerUSCC == "" {
		return enroll.Employer{}, apperr.NotFoundf("cu.portal.not_linked")
	}
	return h.employerFor(r, u.EmployerUSCC)
}

// portalTickets are the employer's cases: tickets about the employer and those its users filed.
func (h *handlers) portalTickets(ctx context.Context, uscc, username string) ([]ticketRow, error) {
	a, err := counterstore.Tickets(ctx, h.s.DB, counterstore.Filter{Subject: uscc, Limit: 100})
	if err != nil {
		return nil, err
	}
	b, err := counterstore.Tickets(ctx, h.s.DB, counterstore.Filter{Teller: username, Limit: 100})
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var all []counter.Ticket
	for _, t := range append(a, b...) {
		if !seen[t.ID] {
			seen[t.ID] = true
			all = append(all, t)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].AcceptedAt.After(all[j].AcceptedAt) })
	return h.ticketRows(ctx, all)
}

// portalItems are the catalogue items an employer may file online.
func (h *handlers) portalItems(ctx context.Context) ([]counter.Item, error) {
	items, err := counterstore.Items(ctx, h.s.DB, true)
	if err != nil {
		return nil, err
	}
	var out []counter.Item
	for _, it := range items {
		if portalMay(it) {
			out = append(out, it)
		}
	}
	return out, nil
}

func portalMay(it counter.Item) bool {
	if !it.Online || !it.Active || it.Code == itemRegister || enrollKinds[it.Code] != "" {
		return false
	}
	return it.Subject == counter.ForEmployer || slices.Contains(employerFiles, it.Code)
}

// portalHome is the employer's overview: details, this month's assessment and arrears,
// floating-rate results and case progress.
func (h *handlers) portalHome(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.portalEmployer(r)
	if err != nil {
		return err
	}
	v, err := h.loadEmployer(r, emp, thisMonth())
	if err != nil {
		return err
	}
	ts, err := h.portalTickets(r.Context(), emp.USCC, web.CurrentUser(r).Username)
	if err != nil {
		return err
	}
	items, err := h.portalItems(r.Context())
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "portal_home", map[string]any{"V": v, "Tickets": ts, "Items": items})
	return nil
}

type enrollData struct {
	V          employerView
	Form       map[string]string
	Errors     map[string]string
	Done       *enroll.Event
	Categories any
	Events     []string
}

func (h *handlers) renderEnrollment(w http.ResponseWriter, r *http.Request, status int, emp enroll.Employer, d enrollData) error {
	v, err := h.loadEmployer(r, emp, thisMonth())
	if err != nil {
		return err
	}
	if len(v.Events) > 50 {
		v.Events = v.Events[:50]
	}
	d.V, d.Categories, d.Events = v, enroll.Categories, []string{"add", "remove", "base"}
	h.s.Render(w, r, status, "portal_enrollment", d)
	return nil
}

// portalEnrollment shows the employer's insured workers and the form for adds, removals and
// base declarations.
func (h *handlers) portalEnrollment(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.portalEmployer(r)
	if err != nil {
		return err
	}
	return h.renderEnrollment(w, r, http.StatusOK, emp, enrollData{Form: map[string]string{"event": "add", "month": thisMonth(), "category": "regular"}})
}

// eventItem maps an enrollment event to its catalogue item.
func eventItem(kind string) string {
	for code, k := range enrollKinds {
		if k == kind {
			return code
		}
	}
	return ""
}

// portalEnrollmentSubmit records one event through enroll.Service and files the matching
// catalogue item online (done at once), so the change is in the employer's case list and the
// office's figures. An online declaration stands for the item's materials (网上申报).
func (h *handlers) portalEnrollmentSubmit(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.portalEmployer(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("_", "cu.counter.bad_form")
	}
	form := map[string]string{}
	for _, k := range []string{"event", "id_number", "name", "month", "monthly_base", "category"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	d := enrollData{Form: form}
	code := eventItem(form["event"])
	if code == "" {
		d.Errors = map[string]string{"event": web.T(web.Lang(r), "cu.portal.bad_event")}
		return h.renderEnrollment(w, r, http.StatusUnprocessableEntity, emp, d)
	}
	ev, err := h.recordEvent(r.Context(), web.ActorOf(r), emp.USCC, form["event"], form)
	if err == nil {
		err = h.fileOnline(r, code, emp.USCC, emp.Region, nil)
	}
	if err != nil {
		fe, err := fieldErrors(r, err)
		if err != nil {
			return err
		}
		d.Errors = fe
		return h.renderEnrollment(w, r, http.StatusUnprocessableEntity, emp, d)
	}
	d.Done, d.Form = &ev, map[string]string{"event": form["event"], "month": form["month"], "category": "regular"}
	return h.renderEnrollment(w, r, http.StatusOK, emp, d)
}

// fileOnline opens an online ticket; nil materials means the item's own list (declared online).
func (h *handlers) fileOnline(r *http.Request, code, subject, office string, mats []string) error {
	_, err := h.openOnline(r, code, subject, office, mats)
	return err
}

func (h *handlers) openOnline(r *http.Request, code, subject, office string, mats []string) (counter.Ticket, error) {
	if mats == nil {
		it, err := counterstore.Item(r.Context(), h.s.DB, code)
		if err != nil {
			return counter.Ticket{}, err
		}
		mats = it.Materials
	}
	return counterstore.OpenOnline(r.Context(), h.s.DB, web.ActorOf(r), code, subject, office, mats, clock())
}

// portalBills is the employer's statement: a year of assessments, payments, arrears and late
// fees, and its floating-rate results with the figures behind them.
func (h *handlers) portalBills(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.portalEmployer(r)
	if err != nil {
		return err
	}
	month, err := monthParam(r)
	if err != nil {
		return err
	}
	v, err := h.loadEmployer(r, emp, month)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "portal_bills", map[string]any{"V": v})
	return nil
}

type applyData struct {
	Item      counter.Item
	Person    bool // the item is about a worker: ask for the ID number
	Form      map[string]string
	Materials map[string]bool
	Errors    map[string]string
	Action    string
	Back      string
}

func (h *handlers) portalItem(r *http.Request) (counter.Item, error) {
	it, err := counterstore.Item(r.Context(), h.s.DB, r.PathValue("code"))
	if err != nil {
		return it, err
	}
	if !portalMay(it) {
		return it, apperr.NotFoundf("cu.portal.not_online")
	}
	return it, nil
}

// portalApply is the online form of an item (accident report, injury application, ...).
func (h *handlers) portalApply(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.portalEmployer(r); err != nil {
		return err
	}
	it, err := h.portalItem(r)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "portal_apply", applyData{Item: it, Person: it.Subject == counter.ForPerson, Form: map[string]string{},
		Materials: map[string]bool{}, Action: "/portal/apply/" + it.Code, Back: "/portal"})
	return nil
}

// portalApplySubmit files the item online; a person item must be about a worker the employer
// has insured. The employer lands on the receipt with the promised date.
func (h *handlers) portalApplySubmit(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.portalEmployer(r)
	if err != nil {
		return err
	}
	it, err := h.portalItem(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("_", "cu.counter.bad_form")
	}
	d := applyData{Item: it, Person: it.Subject == counter.ForPerson, Form: map[string]string{"id_number": strings.ToUpper(strings.TrimSpace(r.PostFormValue("id_number")))},
		Materials: map[string]bool{}, Action: "/portal/apply/" + it.Code, Back: "/portal"}
	mats := r.PostForm["materials"]
	for _, m := range mats {
		d.Materials[m] = true
	}
	subject := emp.USCC
	if d.Person {
		subject = d.Form["id_number"]
		err = h.checkOwnWorker(r.Context(), emp.USCC, subject)
	}
	var t counter.Ticket
	if err == nil {
		t, err = h.openOnline(r, it.Code, subject, emp.Region, mats)
	}
	if err != nil {
		fe, err := fieldErrors(r, err)
		if err != nil {
			return err
		}
		d.Errors = fe
		h.s.Render(w, r, http.StatusUnprocessableEntity, "portal_apply", d)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/portal/tickets/%d", t.ID), http.StatusSeeOther)
	return nil
}

// checkOwnWorker: an employer files for a worker it has insured at some time. Codes: invalid.
func (h *handlers) checkOwnWorker(ctx context.Context, uscc, id string) error {
	if err := idcode.ValidateID(id); err != nil {
		return apperr.Invalidf("id_number", "%s", err.Error())
	}
	var n int
	if err := h.s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM enrollment_events WHERE uscc = ? AND id_number = ?`, uscc, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalidf("id_number", "cu.portal.not_your_worker")
	}
	return nil
}

// portalReceipt shows the receipt of one of the employer's tickets.
func (h *handlers) portalReceipt(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.portalEmployer(r)
	if err != nil {
		return err
	}
	d, err := h.loadReceipt(r)
	if err != nil {
		return err
	}
	if d.T.Subject != emp.USCC && d.T.Teller != web.CurrentUser(r).Username {
		return apperr.NotFoundf("cu.counter.ticket_not_found")
	}
	d.Back = "/portal"
	h.s.Render(w, r, http.StatusOK, "counter_receipt", d)
	return nil
}

// selfPerson is the worker the signed-in user is. Codes: not_found.
func (h *handlers) selfPerson(r *http.Request) (string, string, error) {
	u := web.CurrentUser(r)
	if u.PersonIDNumber == "" {
		return "", "", apperr.NotFoundf("cu.self.not_linked")
	}
	p, err := h.personFor(r, u.PersonIDNumber)
	return u.PersonIDNumber, p.Name, err
}

// selfHome is the worker's overview: enrollment history, case progress and claims.
func (h *handlers) selfHome(w http.ResponseWriter, r *http.Request) error {
	id, name, err := h.selfPerson(r)
	if err != nil {
		return err
	}
	hist, err := enroll.PersonHistory(r.Context(), h.s.DB, id, thisMonth())
	if err != nil {
		return err
	}
	ts, err := counterstore.Tickets(r.Context(), h.s.DB, counterstore.Filter{Subject: id, Limit: 50})
	if err != nil {
		return err
	}
	rows, err := h.ticketRows(r.Context(), ts)
	if err != nil {
		return err
	}
	claims, err := claimsTable(r.Context(), h.s.DB, `c.id_number = ?`, id)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "self_home", map[string]any{"Masked": privacy.MaskID(id), "Name": name, "History": hist, "Tickets": rows, "Claims": claims.Rows})
	return nil
}

// yearTotal sums a worker's payments of one year.
type yearTotal struct {
	Year  string
	Total money.Amount
}

// selfPayments lists the worker's benefit payments with a total per year.
func (h *handlers) selfPayments(w http.ResponseWriter, r *http.Request) error {
	id, name, err := h.selfPerson(r)
	if err != nil {
		return err
	}
	ps, err := loadPayments(r.Context(), h.s.DB, id)
	if err != nil {
		return err
	}
	var years []yearTotal
	for _, p := range ps {
		y := p.Month[:4]
		if len(years) == 0 || years[len(years)-1].Year != y {
			years = append(years, yearTotal{Year: y})
		}
		years[len(years)-1].Total += p.Amount
	}
	h.s.Render(w, r, http.StatusOK, "self_payments", map[string]any{"Name": name, "Payments": ps, "Years": years})
	return nil
}

// selfMedical is the form for filing for medical treatment (就医备案, GS0402).
func (h *handlers) selfMedical(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := h.selfPerson(r); err != nil {
		return err
	}
	it, err := counterstore.Item(r.Context(), h.s.DB, itemMedical)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "portal_apply", applyData{Item: it, Form: map[string]string{}, Materials: map[string]bool{}, Action: "/me/medical", Back: "/me"})
	return nil
}

// selfMedicalSubmit files GS0402 online for the worker.
func (h *handlers) selfMedicalSubmit(w http.ResponseWriter, r *http.Request) error {
	id, _, err := h.selfPerson(r)
	if err != nil {
		return err
	}
	it, err := counterstore.Item(r.Context(), h.s.DB, itemMedical)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("_", "cu.counter.bad_form")
	}
	mats := r.PostForm["materials"]
	d := applyData{Item: it, Form: map[string]string{}, Materials: map[string]bool{}, Action: "/me/medical", Back: "/me"}
	for _, m := range mats {
		d.Materials[m] = true
	}
	t, err := h.openOnline(r, itemMedical, id, web.CurrentUser(r).Region, mats)
	if err != nil {
		fe, err := fieldErrors(r, err)
		if err != nil {
			return err
		}
		d.Errors = fe
		h.s.Render(w, r, http.StatusUnprocessableEntity, "portal_apply", d)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/me/tickets/%d", t.ID), http.StatusSeeOther)
	return nil
}

// selfReceipt shows the receipt of one of the worker's own tickets.
func (h *handlers) selfReceipt(w http.ResponseWriter, r *http.Request) error {
	id, _, err := h.selfPerson(r)
	if err != nil {
		return err
	}
	d, err := h.loadReceipt(r)
	if err != nil {
		return err
	}
	if d.T.Subject != id {
		return apperr.NotFoundf("cu.counter.ticket_not_found")
	}
	d.Back = "/me"
	h.s.Render(w, r, http.StatusOK, "counter_receipt", d)
	return nil
}
