package riskui

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"wiis/internal/audit"
	"wiis/internal/coverage"
	"wiis/internal/interchange"
	"wiis/internal/money"
	"wiis/internal/privacy"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/ui/alertblock"
	"wiis/internal/web"
)

// expansionData is what the expansion page shows.
type expansionData struct {
	Targets    []targetView
	Persons    int
	EstMonthly money.Amount
	On         string
}

// targetView is a target with its persons masked for the page (the Excel file, for the
// inspectorate, carries the full numbers and is audited).
type targetView struct {
	riskstore.Target
	Shown []personShown
}

type personShown struct {
	Name, ID string
	Months   int
}

func (h *handlers) targets(r *http.Request) ([]riskstore.Target, string, error) {
	on := h.now().Format("2006-01-02")
	ts, err := riskstore.ExpansionTargets(r.Context(), h.db, on)
	return ts, on, err
}

func (h *handlers) expansion(w http.ResponseWriter, r *http.Request) error {
	ts, on, err := h.targets(r)
	if err != nil {
		return err
	}
	d := expansionData{Persons: riskstore.ExpansionPersons(ts), On: on}
	for _, t := range ts {
		d.EstMonthly += t.EstMonthly
		v := targetView{Target: t}
		for _, p := range t.Persons {
			v.Shown = append(v.Shown, personShown{Name: p.Name, ID: privacy.MaskID(p.IDNumber), Months: len(p.Months)})
		}
		d.Targets = append(d.Targets, v)
	}
	h.s.Render(w, r, http.StatusOK, "risk_expansion", d)
	return nil
}

// expansionLayout is the sheet sent to the labour inspectorate: one row per employer and
// person (the persons concerned are the point of the list).
var expansionLayout = &interchange.Layout{Name: "expansion_targets", Columns: []interchange.Column{
	{Name: "uscc"}, {Name: "employer_name"}, {Name: "region"}, {Name: "registered_with_us"},
	{Name: "id_number"}, {Name: "person_name"}, {Name: "uncovered_months"}, {Name: "last_month"},
	{Name: "rate"}, {Name: "base_floor"}, {Name: "employer_persons"}, {Name: "est_monthly_contribution"},
	{Name: "alert_id"}, {Name: "alert_status"},
}}

// expansionXLSX exports the list as an Excel workbook, audited with its row count (security.md:
// exports of personal data are audited with their row counts).
func (h *handlers) expansionXLSX(w http.ResponseWriter, r *http.Request) error {
	ts, on, err := h.targets(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	xw, err := interchange.NewXLSXWriter(&buf, expansionLayout)
	if err != nil {
		return err
	}
	rows := 0
	for _, t := range ts {
		enrolled := "no"
		if t.Enrolled {
			enrolled = "yes"
		}
		est := ""
		if t.EstMonthly > 0 {
			est = t.EstMonthly.String()
		}
		floor := ""
		if t.BaseFloor > 0 {
			floor = t.BaseFloor.String()
		}
		for _, p := range t.Persons {
			err := xw.Write(interchange.Row{t.USCC, t.Name, t.Region, enrolled, p.IDNumber, p.Name,
				strings.Join(p.Months, " "), t.LastMonth, t.Rate, floor, fmt.Sprint(len(t.Persons)), est,
				fmt.Sprint(t.AlertID), t.Status})
			if err != nil {
				return err
			}
			rows++
		}
	}
	if err := xw.Close(); err != nil {
		return err
	}
	err = h.db.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := audit.Append(r.Context(), tx, audit.Record{Action: "risk.expansion.export", Entity: "risk_expansion",
			EntityID: on, After: map[string]int{"rows": rows, "employers": len(ts)}}.By(web.ActorOf(r)))
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="expansion_targets_%s.xlsx"`, on))
	w.Write(buf.Bytes())
	return nil
}

// OpenAlert is an open alert as the API shows it to other modules' pages. It is a list
// answer, so it holds no whole personal number (security.md): subject is masked
// (alertblock.MaskSubject) and detail has its ID numbers masked; when the subject is a
// person, subject_ref is the person's reference, which the person routes take.
type OpenAlert struct {
	ID         int64  `json:"id"`
	Rule       string `json:"rule"`
	RuleName   string `json:"rule_name"`
	Subject    string `json:"subject"`
	SubjectRef string `json:"subject_ref,omitempty"`
	Status     string `json:"status"`
	Assignee   string `json:"assignee,omitempty"`
	Detail     string `json:"detail"`
}

// openAlertsJSON answers the open alerts of the keys asked (riskstore.OpenAlertsFor), for the
// keys within the caller's region scope only (keysInScope). A key may be a person's reference
// (a list answer's *_ref) as well as an ID number, claim number or credit code.
func (h *handlers) openAlertsJSON(w http.ResponseWriter, r *http.Request) error {
	asked := r.URL.Query()["key"]
	for i, k := range asked {
		if id, ok := h.db.PersonOf(k); ok {
			asked[i] = id
		}
	}
	keys, err := keysInScope(r.Context(), h.db, web.CurrentUser(r), asked)
	if err != nil {
		return err
	}
	list, err := riskstore.OpenAlertsFor(r.Context(), h.db, keys...)
	if err != nil {
		return err
	}
	out := []OpenAlert{}
	for _, a := range list {
		o := OpenAlert{ID: a.ID, Rule: a.Rule, RuleName: risk.RuleName(a.Rule), Subject: alertblock.MaskSubject(a.Rule, a.Subject),
			Status: a.Status, Assignee: a.Assignee, Detail: privacy.MaskText(a.Detail)}
		if alertblock.PersonSubject(a.Rule) {
			o.SubjectRef = h.s.PersonRef(a.Subject)
		}
		out = append(out, o)
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func parseMonth(s string) (coverage.Month, error) { return coverage.ParseMonth(s) }

func sortStrings(s []string) { sort.Strings(s) }
