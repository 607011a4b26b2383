package certui

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/money"
	"wiis/internal/payrollsvc"
	"wiis/internal/privacy"
	"wiis/internal/web"
)

// receivableRow is a receivable in a list, with the payee masked and named.
type receivableRow struct {
	payrollsvc.Receivable
	Masked, Name string
}

// mayPayee reports whether the caller's scope covers the payee of a receivable: the regions
// of their entitlements, or the receivable's fund unit.
func (h *handlers) mayPayee(ctx context.Context, u *auth.User, rec *payrollsvc.Receivable) (bool, error) {
	if auth.ScopePrefix(u.Region) == "" || u.Sees(rec.Unit) {
		return true, nil
	}
	regions, err := payrollsvc.PersonRegions(ctx, h.s.DB, rec.IDNumber)
	return slices.ContainsFunc(regions, u.Sees), err
}

// receivables lists the open receivables in the caller's scope and the write-offs waiting
// for a second person.
func (h *handlers) receivables(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	ctx := r.Context()
	svc := h.svc(r)
	open, err := svc.OpenReceivables(ctx)
	if err != nil {
		return err
	}
	var rows []receivableRow
	var total money.Amount
	for i := range open {
		ok, err := h.mayPayee(ctx, u, &open[i])
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		name, err := payeeName(ctx, h.s.DB, open[i].IDNumber)
		if err != nil {
			return err
		}
		rows = append(rows, receivableRow{open[i], privacy.MaskID(open[i].IDNumber), name})
		total += open[i].Balance
	}
	pending, err := svc.WriteOffs(ctx, 0)
	if err != nil {
		return err
	}
	visible := map[string]bool{}
	for _, x := range rows {
		visible[x.IDNumber] = true
	}
	var wos []writeOffRow
	for _, wo := range pending {
		if visible[wo.IDNumber] {
			wos = append(wos, writeOffRow{wo, privacy.MaskID(wo.IDNumber), wo.ProposedBy == u.Username})
		}
	}
	page, pages := paging(r, len(rows))
	shown := rows[min((page-1)*pageSize, len(rows)):min(page*pageSize, len(rows))]
	h.s.Render(w, r, http.StatusOK, "overpay_list", map[string]any{"Rows": shown, "Total": len(rows), "Balance": total,
		"WriteOffs": wos, "Page": page, "Pages": pages, "Prev": page - 1, "Next": page + 1})
	return nil
}

// writeOffRow is a write-off with the payee masked and whether the caller proposed it.
type writeOffRow struct {
	payrollsvc.WriteOff
	Masked string
	Mine   bool
}

// receivableView is what the receivable page shows.
type receivableView struct {
	Rec         *payrollsvc.Receivable
	Name        string
	Masked      string
	Death       string
	SetOff      money.Amount
	Repaid      money.Amount
	Demands     []payrollsvc.Demand
	WriteOffs   []writeOffRow
	CanAct      bool
	CanDecide   bool
	Form        map[string]string
	Errors      map[string]string
	Flash       string
	DefaultDue  string
	DefaultDate string
}

// load reads the receivable of the path's {id} within the caller's scope. Codes: not_found.
func (h *handlers) load(r *http.Request) (*payrollsvc.Receivable, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, apperr.NotFoundf("ce.err.not_found")
	}
	rec, err := h.svc(r).ReceivableByID(r.Context(), id)
	if err != nil {
		return nil, classify(err)
	}
	ok, err := h.mayPayee(r.Context(), web.CurrentUser(r), rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.NotFoundf("ce.err.not_found")
	}
	return rec, nil
}

// receivable is one person's receivable: the amounts, every movement (established months by
// cause, set-offs, repayments, write-offs), the demands and write-offs, and the forms.
func (h *handlers) receivable(w http.ResponseWriter, r *http.Request) error {
	v := &receivableView{Form: map[string]string{}, Flash: r.URL.Query().Get("done")}
	return h.renderReceivable(w, r, http.StatusOK, v)
}

func (h *handlers) renderReceivable(w http.ResponseWriter, r *http.Request, status int, v *receivableView) error {
	u := web.CurrentUser(r)
	ctx := r.Context()
	rec, err := h.load(r)
	if err != nil {
		return err
	}
	v.Rec, v.Masked = rec, privacy.MaskID(rec.IDNumber)
	if v.Name, err = payeeName(ctx, h.s.DB, rec.IDNumber); err != nil {
		return err
	}
	if err := h.s.DB.QueryRow(ctx, `SELECT death_date FROM deaths WHERE id_number = ?`, rec.IDNumber).Scan(&v.Death); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	for _, e := range rec.Entries {
		switch e.Kind {
		case payrollsvc.EntrySetOff:
			v.SetOff += e.Amount
		case payrollsvc.EntryRepaid:
			v.Repaid += e.Amount
		}
	}
	svc := h.svc(r)
	if v.Demands, err = svc.Demands(ctx, rec.ID); err != nil {
		return err
	}
	wos, err := svc.WriteOffs(ctx, rec.ID)
	if err != nil {
		return err
	}
	for _, wo := range wos {
		v.WriteOffs = append(v.WriteOffs, writeOffRow{wo, v.Masked, wo.ProposedBy == u.Username})
	}
	v.CanAct, v.CanDecide = PermOverpay.Allows(u), PermWriteOffs.Allows(u)
	v.DefaultDue = today().AddDate(0, 0, 30).Format(time.DateOnly)
	v.DefaultDate = today().Format(time.DateOnly)
	h.s.Render(w, r, status, "overpay_page", v)
	return nil
}

// act runs one form of the receivable page: the form's version must still be the
// receivable's (someone else acting first gets the conflict message and the page again).
func (h *handlers) act(w http.ResponseWriter, r *http.Request, fields []string, do func(rec *payrollsvc.Receivable, f map[string]string) (string, error)) error {
	rec, err := h.load(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("", "ce.err.form")
	}
	f := map[string]string{}
	for _, k := range append(fields, "version") {
		f[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	v := &receivableView{Form: f}
	if f["version"] != strconv.FormatInt(rec.Version, 10) {
		v.Errors = map[string]string{"_": web.T(web.Lang(r), "ce.err.stale")}
		return h.renderReceivable(w, r, http.StatusConflict, v)
	}
	next, err := do(rec, f)
	if err != nil {
		err = classify(err)
		status := web.HTTPStatus(err)
		if apperr.CodeOf(err) == apperr.Internal {
			return err
		}
		e := apperr.As(err)
		field := e.Field
		if field == "" || e.Code != apperr.Invalid {
			field = "_"
		}
		v.Errors = map[string]string{field: web.T(web.Lang(r), e.Message, e.Args...)}
		return h.renderReceivable(w, r, status, v)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// demand issues a demand for the balance to the payee or, after a death, the estate, and
// opens the printable letter.
func (h *handlers) demand(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, []string{"name", "due_on"}, func(rec *payrollsvc.Receivable, f map[string]string) (string, error) {
		if f["name"] == "" {
			return "", apperr.Invalidf("name", "ce.err.name")
		}
		d, err := h.svc(r).IssueDemand(r.Context(), rec.ID, f["name"], f["due_on"], web.CurrentUser(r).Username)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/overpayments/%d/demands/%d", rec.ID, d.ID), nil
	})
}

// repayment records money repaid (posted to the fund ledger by the service).
func (h *handlers) repayment(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, []string{"amount", "date", "ref"}, func(rec *payrollsvc.Receivable, f map[string]string) (string, error) {
		a, err := money.Parse(f["amount"])
		if err != nil {
			return "", apperr.Invalidf("amount", "ce.err.amount")
		}
		if err := h.svc(r).RecordRepayment(r.Context(), rec.ID, a, f["date"], f["ref"], web.CurrentUser(r).Username); err != nil {
			return "", err
		}
		return fmt.Sprintf("/overpayments/%d?done=repaid", rec.ID), nil
	})
}

// proposeWriteOff proposes a write-off, which waits for a second person.
func (h *handlers) proposeWriteOff(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, []string{"wo_amount", "reason"}, func(rec *payrollsvc.Receivable, f map[string]string) (string, error) {
		a, err := money.Parse(f["wo_amount"])
		if err != nil {
			return "", apperr.Invalidf("wo_amount", "ce.err.amount")
		}
		if _, err := h.svc(r).ProposeWriteOff(r.Context(), rec.ID, a, f["reason"], web.CurrentUser(r).Username); err != nil {
			if strings.Contains(err.Error(), "amount:") && errors.Is(err, payrollsvc.ErrInvalid) {
				return "", apperr.Invalidf("wo_amount", "ce.err.amount")
			}
			return "", err
		}
		return fmt.Sprintf("/overpayments/%d?done=proposed", rec.ID), nil
	})
}

// decideWriteOff approves or rejects a pending write-off as a second person. The form
// carries the write-off's version: a decision on a write-off changed meanwhile gets the
// conflict message; the proposer is refused (four-eyes).
func (h *handlers) decideWriteOff(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	woID, err := strconv.ParseInt(r.PathValue("w"), 10, 64)
	if err != nil {
		return apperr.NotFoundf("ce.err.not_found")
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("", "ce.err.form")
	}
	svc := h.svc(r)
	recID, _ := strconv.ParseInt(r.PostForm.Get("receivable"), 10, 64)
	rec, err := svc.ReceivableByID(r.Context(), recID)
	if err != nil {
		return classify(err)
	}
	if ok, err := h.mayPayee(r.Context(), u, rec); err != nil || !ok {
		if err != nil {
			return err
		}
		return apperr.NotFoundf("ce.err.not_found")
	}
	wos, err := svc.WriteOffs(r.Context(), rec.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(wos, func(x payrollsvc.WriteOff) bool { return x.ID == woID })
	if i < 0 {
		return apperr.NotFoundf("ce.err.not_found")
	}
	r.SetPathValue("id", strconv.FormatInt(rec.ID, 10))
	v := &receivableView{Form: map[string]string{}}
	if r.PostForm.Get("version") != strconv.FormatInt(wos[i].Version, 10) || wos[i].Status != "pending" {
		v.Errors = map[string]string{"_": web.T(web.Lang(r), "ce.err.stale")}
		return h.renderReceivable(w, r, http.StatusConflict, v)
	}
	approve := r.PostForm.Get("decision") == "approve"
	if err := svc.DecideWriteOff(r.Context(), woID, approve, u.Username); err != nil {
		err = classify(err)
		if apperr.CodeOf(err) == apperr.Internal {
			return err
		}
		e := apperr.As(err)
		v.Errors = map[string]string{"_": web.T(web.Lang(r), e.Message, e.Args...)}
		return h.renderReceivable(w, r, web.HTTPStatus(err), v)
	}
	done := "rejected"
	if approve {
		done = "approved"
	}
	http.Redirect(w, r, fmt.Sprintf("/overpayments/%d?done=%s", rec.ID, done), http.StatusSeeOther)
	return nil
}

// letter is the printable demand letter (追回通知书) to the payee or the estate.
func (h *handlers) letter(w http.ResponseWriter, r *http.Request) error {
	rec, err := h.load(r)
	if err != nil {
		return err
	}
	ds, err := h.svc(r).Demands(r.Context(), rec.ID)
	if err != nil {
		return err
	}
	did, _ := strconv.ParseInt(r.PathValue("d"), 10, 64)
	i := slices.IndexFunc(ds, func(d payrollsvc.Demand) bool { return d.ID == did })
	if i < 0 {
		return apperr.NotFoundf("ce.err.not_found")
	}
	name, err := payeeName(r.Context(), h.s.DB, rec.IDNumber)
	if err != nil {
		return err
	}
	var est []payrollsvc.Entry
	for _, e := range rec.Entries {
		if e.Kind == payrollsvc.EntryEstablished {
			est = append(est, e)
		}
	}
	h.s.Render(w, r, http.StatusOK, "overpay_letter", map[string]any{"Rec": rec, "Demand": ds[i], "Payee": name,
		"Masked": privacy.MaskID(rec.IDNumber), "Months": est, "Issued": strings.SplitN(ds[i].IssuedAt, "T", 2)[0]})
	return nil
}
