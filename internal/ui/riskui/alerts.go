package riskui

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/privacy"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/ui/alertblock"
	"wiis/internal/web"
)

// listData is what the alert list shows.
type listData struct {
	Alerts             []listRow
	Rules              []struct{ Code, Name string }
	Statuses, Outcomes []string
	Rule, Status       string
	Assignee           string
	Page, Pages, Total int
	PrevURL, NextURL   string
	AsOf               string
	Notice             string
	NoticeArgs         []any
	Errors             map[string]string
}

// listRow is an alert as the list shows it: a list holds no whole personal number
// (security.md), so the subject and the detail are masked (alertblock.MaskSubject,
// privacy.MaskText); the alert's own page has them whole.
type listRow struct {
	riskstore.Stored
	SubjectShown string
	DetailShown  string
}

// statuses lists the workflow states for the filter; "" (not closed) comes first.
var statuses = []string{riskstore.StatusOpen, riskstore.StatusAssigned, riskstore.StatusInvestigating, riskstore.StatusClosed}

var outcomes = []string{riskstore.OutcomeConfirmed, riskstore.OutcomeCorrected, riskstore.OutcomeFalseAlarm}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, listData{})
}

func (h *handlers) renderList(w http.ResponseWriter, r *http.Request, status int, d listData) error {
	q := r.URL.Query()
	d.Rule, d.Status, d.Assignee = q.Get("rule"), q.Get("status"), strings.TrimSpace(q.Get("assignee"))
	if d.Status != "" && riskstore.StatusName(d.Status) == "" {
		d.Status = ""
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	f := riskstore.Filter{Rule: d.Rule, Status: d.Status, Assignee: d.Assignee, Limit: pageSize, Offset: (d.Page - 1) * pageSize}
	total, err := riskstore.Count(r.Context(), h.db, f)
	if err != nil {
		return appErr(err)
	}
	list, err := riskstore.List(r.Context(), h.db, f)
	if err != nil {
		return appErr(err)
	}
	for _, a := range list {
		d.Alerts = append(d.Alerts, listRow{Stored: a, SubjectShown: alertblock.MaskSubject(a.Rule, a.Subject),
			DetailShown: privacy.MaskText(a.Detail)})
	}
	d.Total, d.Pages = total, max(1, (total+pageSize-1)/pageSize)
	page := func(p int) string {
		v := url.Values{}
		for k, val := range map[string]string{"rule": d.Rule, "status": d.Status, "assignee": d.Assignee} {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("page", strconv.Itoa(p))
		return "/risk?" + v.Encode()
	}
	if d.Page > 1 {
		d.PrevURL = page(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextURL = page(d.Page + 1)
	}
	d.Rules, d.Statuses, d.Outcomes = risk.Rules, statuses, outcomes
	if d.AsOf == "" {
		d.AsOf = riskstore.CurrentMonth(h.now()).String()
	}
	if d.Notice == "" && q.Get("scanned") != "" {
		n, _ := strconv.Atoi(q.Get("scanned"))
		nw, _ := strconv.Atoi(q.Get("new"))
		d.Notice, d.NoticeArgs = "risk.scan_done", []any{n, nw}
	}
	h.s.Render(w, r, status, "risk_alerts", d)
	return nil
}

// scan runs the scan now for the month asked and stores its alerts (riskstore.ScanAndStore).
func (h *handlers) scan(w http.ResponseWriter, r *http.Request) error {
	asOfText := strings.TrimSpace(r.PostFormValue("as_of"))
	asOf, err := parseMonth(asOfText)
	if err != nil {
		return h.renderList(w, r, http.StatusUnprocessableEntity, listData{AsOf: asOfText,
			Errors: map[string]string{"as_of": web.T(web.Lang(r), "risk.bad_month")}})
	}
	alerts, sum, err := riskstore.ScanAndStore(r.Context(), h.db, asOf, web.ActorOf(r), h.now())
	if err != nil {
		return appErr(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/risk?scanned=%d&new=%d", len(alerts), sum.New), http.StatusSeeOther)
	return nil
}

// alertData is what the alert page shows.
type alertData struct {
	A             riskstore.Stored
	RuleName      string
	Evidence      []evidenceRow
	Files         []riskstore.Attachment
	Investigators []*auth.User
	Outcomes      []string
	MaxMiB        int
	Notice        string
	Error         string
	Errors        map[string]string
	Form          map[string]string
}

// evidenceRow is one evidence row as label/value pairs in a stable order.
type evidenceRow struct {
	Table string
	Cells [][2]string
}

func evidenceRows(ev []risk.Evidence) []evidenceRow {
	out := make([]evidenceRow, len(ev))
	for i, e := range ev {
		out[i].Table = e.Table
		keys := make([]string, 0, len(e.Row))
		for k := range e.Row {
			keys = append(keys, k)
		}
		sortStrings(keys)
		for _, k := range keys {
			out[i].Cells = append(out[i].Cells, [2]string{k, e.Row[k]})
		}
	}
	return out
}

func (h *handlers) alert(w http.ResponseWriter, r *http.Request) error {
	d := alertData{}
	if n := r.URL.Query().Get("done"); doneNotices[n] {
		d.Notice = "risk.done_" + n
	}
	return h.renderAlert(w, r, http.StatusOK, d)
}

// doneNotices are the notices an action redirects with (?done=…).
var doneNotices = map[string]bool{"assign": true, "investigate": true, "note": true, "attach": true, "close": true}

func (h *handlers) renderAlert(w http.ResponseWriter, r *http.Request, status int, d alertData) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if d.A, err = riskstore.Get(ctx, h.db, id); err != nil {
		return appErr(err)
	}
	if d.Files, err = riskstore.Attachments(ctx, h.db, id); err != nil {
		return err
	}
	users, err := h.s.Auth.ListUsers(ctx, web.CurrentUser(r).Region)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Has(auth.RiskInvestigator) && !u.Disabled {
			d.Investigators = append(d.Investigators, u)
		}
	}
	d.RuleName, d.Evidence, d.Outcomes, d.MaxMiB = risk.RuleName(d.A.Rule), evidenceRows(d.A.Evidence), outcomes, riskstore.MaxAttachment>>20
	if d.Form == nil {
		d.Form = map[string]string{"assignee": d.A.Assignee}
	}
	h.s.Render(w, r, status, "risk_alert", d)
	return nil
}

// change runs one workflow step in a transaction with its audit record, then redirects back
// to the alert; a refused step (invalid, conflict) shows the alert again with the reason.
func (h *handlers) change(w http.ResponseWriter, r *http.Request, done, action string, form map[string]string,
	step func(tx *store.Tx, id, version int64) (after any, err error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	err = h.db.InTx(r.Context(), func(tx *store.Tx) error {
		before, err := riskstore.Get(r.Context(), tx, id)
		if err != nil {
			return err
		}
		after, err := step(tx, id, version)
		if err != nil {
			return err
		}
		_, err = audit.Append(r.Context(), tx, audit.Record{Action: action, Entity: "risk_alert", EntityID: strconv.FormatInt(id, 10),
			Before: map[string]any{"status": before.Status, "assignee": before.Assignee, "version": before.Version},
			After:  after}.By(web.ActorOf(r)))
		return err
	})
	if err != nil {
		e := appErr(err)
		switch apperr.CodeOf(e) {
		case apperr.Invalid, apperr.Conflict:
			ae := apperr.As(e)
			status := http.StatusUnprocessableEntity
			if ae.Code == apperr.Conflict {
				status = http.StatusConflict
			}
			return h.renderAlert(w, r, status, alertData{Error: web.T(web.Lang(r), ae.Message, ae.Args...), Form: form})
		}
		return e
	}
	http.Redirect(w, r, fmt.Sprintf("/risk/alerts/%d?done=%s", id, done), http.StatusSeeOther)
	return nil
}

func (h *handlers) assign(w http.ResponseWriter, r *http.Request) error {
	assignee := strings.TrimSpace(r.PostFormValue("assignee"))
	return h.change(w, r, "assign", "risk.alert.assign", map[string]string{"assignee": assignee},
		func(tx *store.Tx, id, version int64) (any, error) {
			u, err := h.s.Auth.UserByName(r.Context(), assignee)
			if err != nil || !u.Has(auth.RiskInvestigator) || !web.CurrentUser(r).Sees(u.Region) {
				return nil, apperr.Invalidf("assignee", "risk.bad_assignee")
			}
			err = riskstore.Assign(r.Context(), tx, id, version, assignee, h.now())
			return map[string]any{"status": riskstore.StatusAssigned, "assignee": assignee}, err
		})
}

func (h *handlers) investigate(w http.ResponseWriter, r *http.Request) error {
	return h.change(w, r, "investigate", "risk.alert.investigate", nil, func(tx *store.Tx, id, version int64) (any, error) {
		err := riskstore.StartInvestigation(r.Context(), tx, id, version, h.now())
		return map[string]any{"status": riskstore.StatusInvestigating}, err
	})
}

func (h *handlers) note(w http.ResponseWriter, r *http.Request) error {
	body := strings.TrimSpace(r.PostFormValue("body"))
	return h.change(w, r, "note", "risk.alert.note", map[string]string{"body": body}, func(tx *store.Tx, id, _ int64) (any, error) {
		if body == "" {
			return nil, apperr.Invalidf("body", "risk.note_empty")
		}
		nid, err := riskstore.AddNote(r.Context(), tx, id, web.CurrentUser(r).Username, body, h.now())
		return map[string]any{"note": nid, "body": body}, err
	})
}

func (h *handlers) close(w http.ResponseWriter, r *http.Request) error {
	outcome := r.PostFormValue("outcome")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	return h.change(w, r, "close", "risk.alert.close", map[string]string{"outcome": outcome, "reason": reason},
		func(tx *store.Tx, id, version int64) (any, error) {
			if riskstore.OutcomeName(outcome) == "" {
				return nil, apperr.Invalidf("outcome", "risk.bad_outcome")
			}
			if err := riskstore.Close(r.Context(), tx, id, version, outcome, h.now()); err != nil {
				return nil, err
			}
			if reason != "" {
				if _, err := riskstore.AddNote(r.Context(), tx, id, web.CurrentUser(r).Username, reason, h.now()); err != nil {
					return nil, err
				}
			}
			return map[string]any{"status": riskstore.StatusClosed, "outcome": outcome, "reason": reason}, nil
		})
}

// attach stores an uploaded file on the alert (size-capped, hashed) with its audit record.
func (h *handlers) attach(w http.ResponseWriter, r *http.Request) error {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		var e error = apperr.Invalidf("file", "risk.file_missing")
		if strings.Contains(err.Error(), "too large") {
			e = apperr.Invalidf("file", "risk.file_too_large", riskstore.MaxAttachment>>20)
		}
		return h.change(w, r, "attach", "risk.alert.attach", nil, func(*store.Tx, int64, int64) (any, error) { return nil, e })
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, riskstore.MaxAttachment+1))
	if err != nil {
		return err
	}
	ctype := hdr.Header.Get("Content-Type")
	if _, _, err := mime.ParseMediaType(ctype); err != nil {
		ctype = ""
	}
	return h.change(w, r, "attach", "risk.alert.attach", nil, func(tx *store.Tx, id, _ int64) (any, error) {
		if len(data) > riskstore.MaxAttachment {
			return nil, apperr.Invalidf("file", "risk.file_too_large", riskstore.MaxAttachment>>20)
		}
		a, err := riskstore.AddAttachment(r.Context(), tx, id, hdr.Filename, ctype, data, web.CurrentUser(r).Username, h.now())
		return map[string]any{"attachment": a.ID, "filename": a.Filename, "size": a.Size, "sha256": a.SHA256}, err
	})
}

// download sends an attachment; it is served as a download, never rendered inline.
func (h *handlers) download(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := pathID(r, "file")
	if err != nil {
		return err
	}
	a, data, err := riskstore.AttachmentData(r.Context(), h.db, id, fid)
	if err != nil {
		return appErr(err)
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Filename}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
	return nil
}
