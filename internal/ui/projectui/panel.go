package projectui

import (
	"context"
	"fmt"
	"net/url"

	"wiis/internal/auth"
	"wiis/internal/project/projectstore"
	"wiis/internal/store"
	"wiis/internal/ui/panels"
)

// registerPanel adds the contractor's projects to the teller's employer page.
func registerPanel() {
	panels.Register(panels.Panel{Name: "project.employer_projects", Kind: panels.Employer, Title: "pj.panel", Order: 25,
		Roles: []auth.Role{auth.Teller},
		Load: func(ctx context.Context, q store.Querier, uscc string) (panels.Table, error) {
			t := panels.Table{Columns: []string{"pj.f.code", "pj.f.name", "pj.f.start_date", "pj.f.premium", "pj.f.paid_on", "pj.f.on_site", "pj.f.late"},
				Empty: "pj.panel_empty"}
			list, err := projectstore.List(ctx, q, projectstore.Filter{USCC: uscc, Limit: 50})
			if err != nil {
				return t, err
			}
			for _, s := range list {
				paid := panels.Cell{Text: s.PaidOn}
				if s.PaidOn == "" {
					paid = panels.Cell{Text: "pj.unpaid", Key: true}
				}
				t.Rows = append(t.Rows, []panels.Cell{{Text: s.Code, Href: "/projects/" + url.PathEscape(s.Code)}, {Text: s.Name},
					{Text: s.StartDate}, {Text: s.Premium.String(), Num: true}, paid,
					{Text: fmt.Sprint(s.OnSite), Num: true}, {Text: fmt.Sprintf("%d / %d", s.Late, s.Accidents), Num: true}})
			}
			return t, nil
		}})
}
