package fundweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/web"
)

// Account is an account code with its name, for the entry form and the trial balance.
type Account struct{ Code, Name string }

func accounts() []Account {
	out := []Account{{fund.Bank, fund.AccountName(fund.Bank)}}
	for _, c := range fund.IncomeCategories {
		out = append(out, Account{"income:" + c.Code, "收入·" + c.Name})
	}
	for _, c := range fund.ExpenseCategories {
		out = append(out, Account{"expense:" + c.Code, "支出·" + c.Name})
	}
	return out
}

type ledgerData struct {
	Postings []ledger.Stored
	Filter   ledger.Filter
	Unit     string
	Accounts []Account
	CanWrite bool
	Form     map[string]string
	Errors   map[string]string
	Notice   string
	Statuses []string
}

func canWrite(r *http.Request) bool { return web.CurrentUser(r).Has(auth.FundOfficer) }

func (h *handlers) renderLedger(w http.ResponseWriter, r *http.Request, status int, d ledgerData) error {
	unit, err := region(r, "unit")
	if err != nil {
		return err
	}
	d.Unit = unit
	d.Filter = ledger.Filter{UnitPrefix: fund.UnitPrefix(unit), Status: r.FormValue("status"), From: r.FormValue("from"), To: r.FormValue("to")}
	switch d.Filter.Status {
	case "", "pending", "posted", "rejected":
	default:
		return apperr.Invalidf("status", "fund.err.status")
	}
	if d.Postings, err = ledger.List(r.Context(), h.db, d.Filter); err != nil {
		return err
	}
	d.Accounts, d.CanWrite, d.Statuses = accounts(), canWrite(r), []string{"pending", "posted", "rejected"}
	if d.Form == nil {
		d.Form = map[string]string{"unit": unit, "date": time.Now().Format("2006-01-02"), "debit": fund.Bank, "credit": "income:interest"}
	}
	h.render(w, r, "fund_ledger", d, status)
	return nil
}

func (h *handlers) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderLedger(w, r, http.StatusOK, ledgerData{})
}

// ledgerPropose stores a manual entry (interest, subsidies, transfers) awaiting another
// officer's approval; the form comes back with the input and the error on invalid input.
func (h *handlers) ledgerPropose(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	form := map[string]string{}
	for _, k := range []string{"unit", "date", "memo", "debit", "credit", "amount"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	err := func() error {
		if len(form["unit"]) != 6 || !web.CurrentUser(r).Sees(form["unit"]) {
			return apperr.Invalidf("unit", "fund.err.region")
		}
		amount, err := formAmount(r, "amount")
		if err != nil {
			return err
		}
		if form["debit"] == form["credit"] {
			return apperr.Invalidf("credit", "fund.err.same_account")
		}
		p := fund.Posting{Unit: form["unit"], Date: form["date"], Memo: form["memo"], Lines: []fund.Line{
			{Account: form["debit"], Debit: amount}, {Account: form["credit"], Credit: amount}}}
		if !fund.ValidAccount(form["debit"]) {
			return apperr.Invalidf("debit", "fund.err.account")
		}
		if !fund.ValidAccount(form["credit"]) {
			return apperr.Invalidf("credit", "fund.err.account")
		}
		id, err := ledger.Propose(r.Context(), h.db, web.ActorOf(r), p)
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/fund/ledger/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}()
	if err == nil {
		return nil
	}
	fe, err := formError(r, err)
	if err != nil {
		return err
	}
	return h.renderLedger(w, r, http.StatusUnprocessableEntity, ledgerData{Form: form, Errors: fe})
}

type postingData struct {
	P        ledger.Stored
	Names    map[string]string
	CanWrite bool
	Own      bool
	Today    string
	Errors   map[string]string
	Notice   string
}

// scopedPosting loads the posting of the path's id; another region's postings do not exist
// for the user. Errors: invalid, not_found.
func (h *handlers) scopedPosting(r *http.Request) (ledger.Stored, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return ledger.Stored{}, apperr.Invalidf("id", "fund.err.id")
	}
	p, err := ledger.Get(r.Context(), h.db, id)
	if err != nil {
		return p, err
	}
	if !web.CurrentUser(r).Sees(p.Unit) {
		return p, apperr.NotFoundf("fund.err.not_found")
	}
	return p, nil
}

func (h *handlers) renderPosting(w http.ResponseWriter, r *http.Request, status int, d postingData) error {
	p, err := h.scopedPosting(r)
	if err != nil {
		return err
	}
	d.P, d.CanWrite, d.Today = p, canWrite(r), time.Now().Format("2006-01-02")
	d.Own = p.PreparedBy == web.CurrentUser(r).Username
	d.Names = map[string]string{}
	for _, l := range p.Lines {
		d.Names[l.Account] = fund.AccountName(l.Account)
	}
	h.render(w, r, "fund_posting", d, status)
	return nil
}

func (h *handlers) postingPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderPosting(w, r, http.StatusOK, postingData{})
}

func (h *handlers) postingDecide(w http.ResponseWriter, r *http.Request) error {
	p, err := h.scopedPosting(r)
	if err != nil {
		return err
	}
	decision := r.PostFormValue("decision")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if decision != "approve" && decision != "reject" {
		err = apperr.Invalidf("decision", "fund.err.decision")
	} else {
		err = ledger.Decide(r.Context(), h.db, web.ActorOf(r), p.ID, version, decision == "approve")
	}
	if err != nil {
		fe, err := formError(r, err)
		if err != nil {
			return err
		}
		return h.renderPosting(w, r, http.StatusUnprocessableEntity, postingData{Errors: fe})
	}
	return h.renderPosting(w, r, http.StatusOK, postingData{Notice: "fund.notice.decided"})
}

func (h *handlers) postingReverse(w http.ResponseWriter, r *http.Request) error {
	p, err := h.scopedPosting(r)
	if err != nil {
		return err
	}
	memo := strings.TrimSpace(r.PostFormValue("memo"))
	var rid int64
	if memo == "" {
		err = apperr.Invalidf("memo", "fund.err.memo")
	} else {
		rid, err = ledger.Reverse(r.Context(), h.db, web.ActorOf(r), p.ID, r.PostFormValue("date"), memo)
	}
	if err != nil {
		fe, err := formError(r, err)
		if err != nil {
			return err
		}
		return h.renderPosting(w, r, http.StatusUnprocessableEntity, postingData{Errors: fe})
	}
	http.Redirect(w, r, "/fund/ledger/"+strconv.FormatInt(rid, 10), http.StatusSeeOther)
	return nil
}

// TrialBalance is the trial balance of a region and period with its totals, which agree
// whenever every posting balanced.
type TrialBalance struct {
	Region   string         `json:"region"`
	From     string         `json:"from"`
	To       string         `json:"to"`
	Rows     []fund.Balance `json:"rows"`
	Debit    string         `json:"debit"`
	Credit   string         `json:"credit"`
	Balanced bool           `json:"balanced"`
}

func (h *handlers) trial(r *http.Request) (TrialBalance, error) {
	reg, err := region(r, "region")
	if err != nil {
		return TrialBalance{}, err
	}
	tb := TrialBalance{Region: reg, From: r.FormValue("from"), To: r.FormValue("to")}
	if tb.From == "" {
		tb.From = "0000-01-01"
	}
	if tb.To == "" {
		tb.To = "9999-12-31"
	}
	if tb.Rows, err = ledger.TrialBalance(r.Context(), h.db, fund.UnitPrefix(reg), tb.From, tb.To); err != nil {
		return tb, err
	}
	d, c := fund.Totals(tb.Rows)
	tb.Debit, tb.Credit, tb.Balanced = d.Grouped(), c.Grouped(), d == c
	return tb, nil
}

func (h *handlers) apiTrial(w http.ResponseWriter, r *http.Request) error {
	tb, err := h.trial(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, tb)
}

type trialData struct {
	TB    TrialBalance
	Names map[string]string
}

func (h *handlers) trialPage(w http.ResponseWriter, r *http.Request) error {
	tb, err := h.trial(r)
	if err != nil {
		return err
	}
	d := trialData{TB: tb, Names: map[string]string{}}
	for _, a := range accounts() {
		d.Names[a.Code] = a.Name
	}
	h.render(w, r, "fund_trial", d)
	return nil
}
