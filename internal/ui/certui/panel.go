package certui

import (
	"context"
	"database/sql"
	"errors"

	"wiis/internal/auth"
	"wiis/internal/payrollsvc"
	"wiis/internal/store"
	"wiis/internal/ui/panels"
)

var errNoRows = sql.ErrNoRows

// registerPanel adds the certification section to the person page: the position (status,
// due date, end of grace, suspended) and the last certification, linking to the history.
func registerPanel() {
	panels.Register(panels.Panel{Name: "cert.status", Kind: panels.Person, Title: "ce.panel.title", Order: 45,
		Roles: []auth.Role{auth.Teller, auth.BenefitsReviewer, auth.PaymentOfficer}, Load: certPanel})
}

func certPanel(ctx context.Context, q store.Querier, id string) (panels.Table, error) {
	t := panels.Table{Columns: []string{"ce.f.status", "ce.f.due", "ce.f.grace_ends", "ce.f.last", "ce.f.channel", "ce.f.evidence", "ce.f.suspended"},
		Empty: "ce.panel.empty"}
	st, err := payrollsvc.PersonCertification(ctx, q, id, today())
	if err != nil || st == nil {
		return t, err
	}
	var on, channel, evidence string
	err = q.QueryRow(ctx, `SELECT certified_on, channel, evidence FROM payroll_certifications WHERE id_number = ? AND revoked_at IS NULL
		ORDER BY certified_on DESC, id DESC LIMIT 1`, id).Scan(&on, &channel, &evidence)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return t, err
	}
	susp := "ce.no"
	if st.Suspended {
		susp = "ce.yes"
	}
	ch := []panels.Cell{{Text: "—"}}
	if channel != "" {
		ch = []panels.Cell{{Text: "ce.channel." + channel, Key: true}}
	}
	row := []panels.Cell{{Text: "ce.status." + st.Status, Key: true, Href: "/cert/persons/" + id}, {Text: st.Due}, {Text: st.GraceEnds},
		{Text: or(on, "—")}, ch[0], {Text: or(evidence, "—")}, {Text: susp, Key: true}}
	t.Rows = append(t.Rows, row)
	t.Note = "ce.panel.note"
	return t, nil
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
