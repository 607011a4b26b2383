package certui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/idcode"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/web"
)

// pageSize is the number of rows a list shows per page.
const pageSize = 50

var statuses = []string{payroll.StatusOverdue, payroll.StatusDue, payroll.StatusDueSoon, payroll.StatusCurrent}

// certRow is one beneficiary of the work list, with the number masked (the template links
// to the page and names the row by the person's reference: a list holds no whole ID number).
type certRow struct {
	payrollsvc.CertStatus
	Masked string
}

// scopeOf returns the region prefix the caller's list is for: the office asked for when it
// lies within the caller's scope, the whole scope otherwise.
func scopeOf(u *auth.User, office string) string {
	prefix := auth.ScopePrefix(u.Region)
	if office != "" && strings.HasPrefix(office, prefix) && allDigits(office) {
		return office
	}
	return prefix
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// list is the tellers' work list: counts by status, filters by status, office and name or
// ID number, and paging.
func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	q := r.URL.Query()
	status, office, find := q.Get("status"), strings.TrimSpace(q.Get("office")), strings.TrimSpace(q.Get("q"))
	if !slices.Contains(statuses, status) {
		status = ""
	}
	// A whole ID number searched for would come back in the list (the search box, the pager's
	// and the language links) and stay in the browser's history: the list answers it at the
	// address that carries the person's reference instead.
	if up := strings.ToUpper(find); len(up) == 18 && idcode.IDAt(up, 0) {
		if ref := h.s.PersonRef(up); ref != up {
			q.Set("q", ref)
			http.Redirect(w, r, "/cert?"+q.Encode(), http.StatusSeeOther)
			return nil
		}
	}
	match, shownQ := finder(h.s.DB, find)
	all, err := h.svc(r).CertificationList(r.Context(), payrollsvc.CertificationFilter{Region: scopeOf(u, office), On: today()})
	if err != nil {
		return err
	}
	counts := map[string]int{}
	offices := map[string]bool{}
	var rows []certRow
	for _, st := range all {
		counts[st.Status]++
		offices[st.Region] = true
		if status != "" && st.Status != status {
			continue
		}
		if !match(st) {
			continue
		}
		rows = append(rows, certRow{st, privacy.MaskID(st.IDNumber)})
	}
	page, pages := paging(r, len(rows))
	shown := rows[min((page-1)*pageSize, len(rows)):min(page*pageSize, len(rows))]
	var officeList []string
	for o := range offices {
		officeList = append(officeList, o)
	}
	slices.Sort(officeList)
	base := url.Values{"status": {status}, "office": {office}, "q": {find}}
	h.s.Render(w, r, http.StatusOK, "cert_list", map[string]any{
		"Rows": shown, "Total": len(rows), "All": len(all), "Counts": counts, "Statuses": statuses, "Status": status,
		"Office": office, "Offices": officeList, "Q": shownQ, "Page": page, "Pages": pages, "Query": base.Encode(),
		"Prev": page - 1, "Next": page + 1, "Today": today().Format(time.DateOnly)})
	return nil
}

// finder returns the work list's filter for the search term find and the term as the search
// box shows it again. The term is a name or part of an ID number; a person's reference (what
// a search for a whole ID number is answered at) finds that person and shows as the masked
// number, and a masked number (3415**********1234, what the box then holds) finds the
// persons it masks.
func finder(db *store.DB, find string) (match func(payrollsvc.CertStatus) bool, shown string) {
	if find == "" {
		return func(payrollsvc.CertStatus) bool { return true }, ""
	}
	if id, ok := db.PersonOf(find); ok {
		return func(st payrollsvc.CertStatus) bool { return st.IDNumber == id }, privacy.MaskID(id)
	}
	up := strings.ToUpper(find)
	if strings.Contains(find, "*") {
		return func(st payrollsvc.CertStatus) bool { return privacy.MaskID(st.IDNumber) == up }, find
	}
	return func(st payrollsvc.CertStatus) bool {
		return strings.Contains(st.Name, find) || strings.Contains(st.IDNumber, up)
	}, find
}

// paging reads ?page= and returns it (clamped) with the number of pages.
func paging(r *http.Request, n int) (page, pages int) {
	pages = max(1, (n+pageSize-1)/pageSize)
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	return min(max(page, 1), pages), pages
}

// notices is the printable list of the beneficiaries due soon in the caller's scope, with a
// letter to each (payroll.md: "notices to beneficiaries before they fall due").
func (h *handlers) notices(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	office := strings.TrimSpace(r.URL.Query().Get("office"))
	list, err := h.svc(r).CertificationList(r.Context(), payrollsvc.CertificationFilter{Region: scopeOf(u, office),
		Status: payroll.StatusDueSoon, On: today()})
	if err != nil {
		return err
	}
	rows := make([]certRow, 0, len(list))
	for _, st := range list {
		rows = append(rows, certRow{st, privacy.MaskID(st.IDNumber)})
	}
	h.s.Render(w, r, http.StatusOK, "cert_notices", map[string]any{"Rows": rows, "Office": office,
		"Today": today().Format(time.DateOnly)})
	return nil
}

// beneficiary checks that the caller may see the payee id: staff within their region scope
// (a payee belongs to the regions of their entitlements). Codes: not_found.
func (h *handlers) beneficiary(ctx context.Context, u *auth.User, id string) error {
	regions, err := payrollsvc.PersonRegions(ctx, h.s.DB, id)
	if err != nil {
		return err
	}
	if len(regions) == 0 || (auth.ScopePrefix(u.Region) != "" && !slices.ContainsFunc(regions, u.Sees)) {
		return apperr.NotFoundf("ce.err.person_not_found")
	}
	return nil
}

// personView is what the beneficiary's certification page shows.
type personView struct {
	ID, Name   string
	Status     *payrollsvc.CertStatus
	History    []payrollsvc.Certification
	CanCertify bool
	Form       map[string]string
	Errors     map[string]string
	Lifted     string
	Channels   []string
}

// person is a beneficiary's certification page: position, history and, for tellers, the
// form to certify at the counter or record a home visit. The full ID number is shown, which
// is audited (security.md).
func (h *handlers) person(w http.ResponseWriter, r *http.Request) error {
	v := &personView{Form: map[string]string{"channel": payroll.ChannelCounter, "certified_on": today().Format(time.DateOnly)},
		Lifted: r.URL.Query().Get("lifted")}
	return h.renderPerson(w, r, http.StatusOK, v)
}

func (h *handlers) renderPerson(w http.ResponseWriter, r *http.Request, status int, v *personView) error {
	u := web.CurrentUser(r)
	v.ID = h.s.PersonParam(r, "id")
	ctx := r.Context()
	if err := h.beneficiary(ctx, u, v.ID); err != nil {
		return err
	}
	err := h.s.Await(r, func() error { // the record's commit: the request's turn is lent meanwhile
		return h.s.AuditReads.Append(ctx, audit.Record{Action: "person.view", Entity: "person", EntityID: v.ID}.By(web.ActorOf(r)))
	})
	if err != nil {
		return err
	}
	if v.Name, err = payeeName(ctx, h.s.DB, v.ID); err != nil {
		return err
	}
	if v.Status, err = payrollsvc.PersonCertification(ctx, h.s.DB, v.ID, today()); err != nil {
		return err
	}
	if v.History, err = h.svc(r).Certifications(ctx, v.ID); err != nil {
		return err
	}
	v.CanCertify = PermCertify.Allows(u)
	v.Channels = []string{payroll.ChannelCounter, payroll.ChannelHomeVisit}
	h.s.Render(w, r, status, "cert_person", v)
	return nil
}

// certify records a certification at the counter or by home visit; it lifts a suspension
// for missed certification, and the next run pays the suspended months back.
func (h *handlers) certify(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	id := h.s.PersonParam(r, "id")
	if err := h.beneficiary(r.Context(), u, id); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("", "ce.err.form")
	}
	f := map[string]string{}
	for _, k := range []string{"channel", "evidence", "certified_on"} {
		f[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	v := &personView{Form: f}
	if f["channel"] != payroll.ChannelCounter && f["channel"] != payroll.ChannelHomeVisit {
		v.Errors = map[string]string{"channel": web.T(web.Lang(r), "ce.err.channel")}
		return h.renderPerson(w, r, http.StatusUnprocessableEntity, v)
	}
	if d, err := time.Parse(time.DateOnly, f["certified_on"]); err == nil && d.After(today()) {
		v.Errors = map[string]string{"certified_on": web.T(web.Lang(r), "ce.err.future")}
		return h.renderPerson(w, r, http.StatusUnprocessableEntity, v)
	}
	_, lifted, err := h.svc(r).Certify(r.Context(), payrollsvc.Certification{IDNumber: id, CertifiedOn: f["certified_on"],
		Channel: f["channel"], Evidence: f["evidence"], Office: u.Region, RecordedBy: u.Username})
	if err != nil {
		errs, err := web.FieldErrors(r, classify(err))
		if err != nil {
			return err
		}
		v.Errors = errs
		return h.renderPerson(w, r, http.StatusUnprocessableEntity, v)
	}
	// To the reference's address: the number would land in the browser's history.
	http.Redirect(w, r, "/cert/persons/"+url.PathEscape(h.s.PersonRef(id))+"?lifted="+strconv.Itoa(lifted), http.StatusSeeOther)
	return nil
}

// payeeName is the name of a payee on their entitlements (or the imported beneficiaries).
func payeeName(ctx context.Context, q store.Querier, id string) (string, error) {
	var name string
	err := q.QueryRow(ctx, `SELECT name FROM payroll_entitlements WHERE id_number = ? UNION ALL
		SELECT name FROM beneficiaries WHERE id_number = ? LIMIT 1`, id, id).Scan(&name)
	if err != nil && !errors.Is(err, errNoRows) {
		return "", err
	}
	return name, nil
}

// withheldRow is one withheld line with the payee masked.
type withheldRow struct {
	payrollsvc.Withheld
	Masked        string
	ByCertificate bool
}

// withheld lists the payroll's withheld lines of a month with their reasons; those withheld
// for missed certification link to the page that certifies and lifts them.
func (h *handlers) withheld(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	ms := r.URL.Query().Get("month")
	month, err := payroll.ParseMonth(ms)
	if err != nil {
		t := today()
		month = payroll.MonthOf(t.Year(), t.Month())
	}
	list, err := h.svc(r).WithheldIn(r.Context(), month)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var rows []withheldRow
	for _, x := range list {
		ok, known := seen[x.IDNumber]
		if !known {
			ok = h.beneficiary(r.Context(), u, x.IDNumber) == nil
			seen[x.IDNumber] = ok
		}
		if ok {
			rows = append(rows, withheldRow{x, privacy.MaskID(x.IDNumber), x.Cause == payrollsvc.CauseCertification})
		}
	}
	page, pages := paging(r, len(rows))
	shown := rows[min((page-1)*pageSize, len(rows)):min(page*pageSize, len(rows))]
	h.s.Render(w, r, http.StatusOK, "cert_withheld", map[string]any{"Month": month.String(), "Rows": shown, "Total": len(rows),
		"Page": page, "Pages": pages, "Prev": page - 1, "Next": page + 1})
	return nil
}
