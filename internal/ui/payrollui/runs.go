package payrollui

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/money"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/ui/alertblock"
	"wiis/internal/web"
)

// runsData is what the list of runs shows.
type runsData struct {
	Runs   []runRow
	Month  string
	Errors map[string]string
}

func (h *handlers) runs(w http.ResponseWriter, r *http.Request) error {
	return h.renderRuns(w, r, http.StatusOK, runsData{})
}

func (h *handlers) renderRuns(w http.ResponseWriter, r *http.Request, status int, d runsData) error {
	var err error
	if d.Runs, err = listRuns(r.Context(), h.db); err != nil {
		return err
	}
	if d.Month == "" {
		d.Month = riskstore.CurrentMonth(h.now()).String()
	}
	h.s.Render(w, r, status, "payroll_runs", d)
	return nil
}

// compute runs the payroll of a month as the signed-in officer (payrollsvc.Run: idempotent
// and resumable; a month already computed is shown as it is).
func (h *handlers) compute(w http.ResponseWriter, r *http.Request) error {
	text := strings.TrimSpace(r.PostFormValue("month"))
	m, err := payroll.ParseMonth(text)
	if err != nil {
		return h.renderRuns(w, r, http.StatusUnprocessableEntity, runsData{Month: text,
			Errors: map[string]string{"month": web.T(web.Lang(r), "payroll.bad_month")}})
	}
	if _, err := h.svc(r).Run(r.Context(), m, web.CurrentUser(r).Username); err != nil {
		return appErr(err)
	}
	http.Redirect(w, r, "/payroll/runs/"+m.String(), http.StatusSeeOther)
	return nil
}

// runData is what the run page shows.
type runData struct {
	Run        *payrollsvc.Summary
	Lines      []lineRow
	Page       int
	PrevURL    string
	NextURL    string
	Held       []heldRow
	Suspended  []suspendedRow
	SetOffs    []setOffRow
	SetOff     money.Amount // kept back from the run's lines for overpayments, all units
	Failed     []failedRow
	CanApprove bool
	Preparer   bool
	Notice     string
	Error      string
	Alerts     alertblock.Block
}

// heldRow is a held line with the ID number masked.
type heldRow struct {
	payrollsvc.HeldLine
	Shown string
}

// notices are the messages an action redirects with (?done=…).
var notices = map[string]string{"approve": "payroll.done_approve", "export": "payroll.done_export", "reconcile": "payroll.done_reconcile"}

func (h *handlers) run(w http.ResponseWriter, r *http.Request) error {
	d := runData{Notice: notices[r.URL.Query().Get("done")]}
	return h.renderRun(w, r, http.StatusOK, d)
}

func (h *handlers) renderRun(w http.ResponseWriter, r *http.Request, status int, d runData) error {
	m, err := pathMonth(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	svc := h.svc(r)
	if d.Run, err = svc.GetRun(ctx, m); err != nil {
		return appErr(err)
	}
	d.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	d.Page = max(d.Page, 1)
	if d.Lines, err = runLines(ctx, h.db, m, (d.Page-1)*linesPerPage); err != nil {
		return err
	}
	base := "/payroll/runs/" + m.String() + "?page="
	if d.Page > 1 {
		d.PrevURL = base + strconv.Itoa(d.Page-1)
	}
	if int64(d.Page*linesPerPage) < d.Run.Lines {
		d.NextURL = base + strconv.Itoa(d.Page+1)
	}
	held, err := svc.Held(ctx, m)
	if err != nil {
		return err
	}
	for _, x := range held {
		d.Held = append(d.Held, heldRow{HeldLine: x, Shown: maskID(x.IDNumber)})
	}
	if d.Suspended, err = suspended(ctx, h.db, m); err != nil {
		return err
	}
	if d.SetOffs, err = setOffs(ctx, h.db, m); err != nil {
		return err
	}
	for _, u := range d.Run.Units {
		d.SetOff += u.SetOff
	}
	if d.Failed, err = failedLines(ctx, h.db, m); err != nil {
		return err
	}
	if d.Alerts, err = runAlerts(ctx, h.db, web.CurrentUser(r), m, held); err != nil {
		return err
	}
	me := web.CurrentUser(r).Username
	d.Preparer = d.Run.PreparedBy == me
	d.CanApprove = d.Run.State == payrollsvc.StateComputed && !d.Preparer
	h.s.Render(w, r, status, "payroll_run", d)
	return nil
}

// step runs one transition of the batch; a refused one (four-eyes, stale version, wrong
// state, bad return file) shows the run again with the reason.
func (h *handlers) step(w http.ResponseWriter, r *http.Request, done string, fn func(m payroll.Month, svc *payrollsvc.Service) error) error {
	m, err := pathMonth(r)
	if err != nil {
		return err
	}
	if err := fn(m, h.svc(r)); err != nil {
		e := appErr(err)
		ae := apperr.As(e)
		switch ae.Code {
		case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
			return h.renderRun(w, r, web.HTTPStatus(e), runData{Error: web.T(web.Lang(r), ae.Message, ae.Args...)})
		}
		return e
	}
	http.Redirect(w, r, "/payroll/runs/"+m.String()+"?done="+done, http.StatusSeeOther)
	return nil
}

// checkVersion refuses a form made from a run that has changed since (optimistic
// versioning); payrollsvc checks again inside its transaction.
func checkVersion(r *http.Request, svc *payrollsvc.Service, m payroll.Month) error {
	run, err := svc.GetRun(r.Context(), m)
	if err != nil {
		return err
	}
	if v, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64); v != run.Version {
		return fmt.Errorf("version %d is stale: %w", v, payrollsvc.ErrConflict)
	}
	return nil
}

// approve approves a computed run as the signed-in officer, who must not have prepared it.
func (h *handlers) approve(w http.ResponseWriter, r *http.Request) error {
	return h.step(w, r, "approve", func(m payroll.Month, svc *payrollsvc.Service) error {
		if err := checkVersion(r, svc, m); err != nil {
			return err
		}
		return svc.Approve(r.Context(), m, web.CurrentUser(r).Username)
	})
}

// export marks an approved run exported to the bank; the file is then downloaded from
// bankfile (a download cannot also show the page).
func (h *handlers) export(w http.ResponseWriter, r *http.Request) error {
	return h.step(w, r, "export", func(m payroll.Month, svc *payrollsvc.Service) error {
		if err := checkVersion(r, svc, m); err != nil {
			return err
		}
		_, err := svc.Export(r.Context(), m, web.CurrentUser(r).Username, io.Discard)
		return err
	})
}

// bankFile sends the bank file of an exported run; the download of personal data is audited
// with its row count (security.md).
func (h *handlers) bankFile(w http.ResponseWriter, r *http.Request) error {
	m, err := pathMonth(r)
	if err != nil {
		return err
	}
	svc := h.svc(r)
	run, err := svc.GetRun(r.Context(), m)
	if err != nil {
		return appErr(err)
	}
	if run.State != payrollsvc.StateExported && run.State != payrollsvc.StateReconciled {
		return apperr.Conflictf("state", "payroll.not_exported")
	}
	var buf bytes.Buffer
	n, err := svc.WriteBankFile(r.Context(), m, &buf)
	if err != nil {
		return err
	}
	err = h.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := audit.Append(r.Context(), tx, audit.Record{Action: "payroll.bankfile.download", Entity: "payroll_run",
			EntityID: m.String(), After: map[string]int64{"rows": n}}.By(web.ActorOf(r)))
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="payments_%s.csv"`, m))
	w.Write(buf.Bytes())
	return nil
}

// reconcile reads the bank's return file (uploaded, or pasted) for an exported run.
func (h *handlers) reconcile(w http.ResponseWriter, r *http.Request) error {
	return h.step(w, r, "reconcile", func(m payroll.Month, svc *payrollsvc.Service) error {
		data, err := upload(r, "file", "text")
		if err != nil {
			return err
		}
		_, err = svc.Reconcile(r.Context(), m, web.CurrentUser(r).Username, bytes.NewReader(data))
		return err
	})
}

// upload returns the uploaded file of field, else the pasted text of textField.
// Errors: ErrInvalid when neither is given.
func upload(r *http.Request, field, textField string) ([]byte, error) {
	if f, _, err := r.FormFile(field); err == nil {
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %v: %w", field, err, payrollsvc.ErrInvalid)
		}
		if len(bytes.TrimSpace(b)) > 0 {
			return b, nil
		}
	}
	if t := strings.TrimSpace(r.PostFormValue(textField)); t != "" {
		return []byte(t), nil
	}
	return nil, fmt.Errorf("%s: upload a file or paste its text: %w", field, payrollsvc.ErrInvalid)
}
