package caseui

import (
	"net/http"
	"strconv"

	"wiis/internal/auth"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/web"
)

// deadlines shows the counts by handler, team or office and the open steps, filtered, for
// the user's region.
func (h *handlers) deadlines(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	by := caseservice.Group(q.Get("by"))
	if by != caseservice.ByTeam && by != caseservice.ByOffice {
		by = caseservice.ByHandler
	}
	f := caseservice.Filter{Region: web.CurrentUser(r).Region, Team: q.Get("team"), Handler: q.Get("handler")}
	if q.Get("office") != "" && web.CurrentUser(r).Sees(q.Get("office")) {
		f.Region = q.Get("office")
	}
	on := h.today()
	svc := h.cases(r)
	counts, err := svc.DeadlineCounts(r.Context(), f, on, by)
	if err != nil {
		return err
	}
	items, err := svc.Deadlines(r.Context(), f, on)
	if err != nil {
		return err
	}
	status := casework.Status(q.Get("status"))
	var shown []caseservice.DeadlineItem
	var total caseservice.DeadlineCount
	for _, it := range items {
		switch it.Status {
		case casework.StatusOverdue:
			total.Overdue++
		case casework.StatusDueSoon:
			total.DueSoon++
		default:
			total.Due++
		}
		if status == "" || it.Status == status {
			shown = append(shown, it)
		}
	}
	h.s.Render(w, r, http.StatusOK, "case_deadlines", map[string]any{"By": string(by), "Counts": counts, "Items": shown,
		"Total": total, "Filter": f, "Status": string(status), "On": on, "Statuses": statuses})
	return nil
}

// homePanel is the deadlines panel on the home page of the casework roles: the user's own
// open steps and the office's, by status.
func (h *handlers) homePanel(r *http.Request) (*web.PanelTable, error) {
	u := web.CurrentUser(r)
	lang := web.Lang(r)
	on := h.today()
	svc := h.cases(r)
	row := func(label string, f caseservice.Filter) ([]string, error) {
		counts, err := svc.DeadlineCounts(r.Context(), f, on, caseservice.ByOffice)
		if err != nil {
			return nil, err
		}
		var c caseservice.DeadlineCount
		for _, x := range counts {
			c.Due, c.DueSoon, c.Overdue = c.Due+x.Due, c.DueSoon+x.DueSoon, c.Overdue+x.Overdue
		}
		return []string{label, strconv.Itoa(c.Overdue), strconv.Itoa(c.DueSoon), strconv.Itoa(c.Due)}, nil
	}
	mine, err := row(web.T(lang, "case.deadlines.mine"), caseservice.Filter{Region: u.Region, Handler: u.Username})
	if err != nil {
		return nil, err
	}
	office, err := row(web.T(lang, "case.deadlines.office_all")+" "+u.Region, caseservice.Filter{Region: u.Region})
	if err != nil {
		return nil, err
	}
	return &web.PanelTable{Title: web.T(lang, "case.deadlines.title"), Href: "/casework/deadlines",
		Columns: []string{"", web.T(lang, "case.status.overdue"), web.T(lang, "case.status.due_soon"), web.T(lang, "case.status.due")},
		Rows:    [][]string{mine, office}}, nil
}

// homePanel is the deadlines panel of the casework roles' home page.
func (h *handlers) homePanelDef() web.HomePanel {
	return web.HomePanel{Roles: []auth.Role{auth.DeterminationOfficer, auth.AssessmentSecretary, auth.BenefitsReviewer},
		Load: h.homePanel}
}
