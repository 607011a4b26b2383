package supui

import (
	"context"
	"strconv"

	"wiis/internal/auth"
	"wiis/internal/store"
	"wiis/internal/ui/panels"
)

// registerPanels adds to the teller's person page the case conferences and the archive
// documents of the person's cases, and to the employer page the employer's inspection
// referrals, so the whole picture shows what supervision did (issue 9's extension point).
// Only the roles that work on them see them.
func registerPanels() {
	panels.Register(panels.Panel{Name: "supervise.referrals", Kind: panels.Employer, Title: "sup.panel.referrals", Order: 60,
		Roles: []auth.Role{auth.Teller, auth.DeterminationOfficer, auth.AssessmentSecretary, auth.BenefitsReviewer, auth.RiskInvestigator},
		Load: func(ctx context.Context, q store.Querier, uscc string) (panels.Table, error) {
			t := panels.Table{Columns: []string{"sup.col.ref_no", "sup.col.referred_on", "sup.col.state", "sup.col.result"}, Empty: "sup.none"}
			rows, err := q.Query(ctx, `SELECT id, referral_no, referred_on, state, outcome FROM inspection_referrals WHERE uscc = ?
				ORDER BY referred_on DESC, id DESC LIMIT 20`, uscc)
			if err != nil {
				return t, err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var no, on, state, outcome string
				if err := rows.Scan(&id, &no, &on, &state, &outcome); err != nil {
					return t, err
				}
				res := panels.Cell{}
				if outcome != "" {
					res = panels.Cell{Text: "sup.outcome." + outcome, Key: true}
				}
				t.Rows = append(t.Rows, []panels.Cell{{Text: no, Href: "/supervise/referrals/" + strconv.FormatInt(id, 10)}, {Text: on},
					{Text: "sup.ref.state." + state, Key: true}, res})
			}
			return t, rows.Err()
		}})
	panels.Register(panels.Panel{Name: "supervise.conferences", Kind: panels.Person, Title: "sup.panel.conferences", Order: 61,
		Roles: []auth.Role{auth.Teller, auth.DeterminationOfficer, auth.AssessmentSecretary, auth.BenefitsReviewer},
		Load: func(ctx context.Context, q store.Querier, id string) (panels.Table, error) {
			t := panels.Table{Columns: []string{"sup.col.case", "sup.conf.convened_on", "sup.col.state", "sup.conf.conclusion"}, Empty: "sup.none"}
			rows, err := q.Query(ctx, `SELECT id, case_no, convened_on, state, conclusion FROM case_conferences WHERE worker_id = ?
				ORDER BY convened_on DESC, id DESC LIMIT 20`, id)
			if err != nil {
				return t, err
			}
			defer rows.Close()
			for rows.Next() {
				var cid int64
				var no, on, state, concl string
				if err := rows.Scan(&cid, &no, &on, &state, &concl); err != nil {
					return t, err
				}
				t.Rows = append(t.Rows, []panels.Cell{{Text: no, Href: "/supervise/conferences/" + strconv.FormatInt(cid, 10)}, {Text: on},
					{Text: "sup.conf.state." + state, Key: true}, {Text: concl}})
			}
			return t, rows.Err()
		}})
	panels.Register(panels.Panel{Name: "supervise.archive", Kind: panels.Person, Title: "sup.panel.archive", Order: 62,
		Roles: []auth.Role{auth.DeterminationOfficer, auth.AssessmentSecretary, auth.BenefitsReviewer, auth.MedicalAuditor},
		Load: func(ctx context.Context, q store.Querier, id string) (panels.Table, error) {
			t := panels.Table{Columns: []string{"sup.col.title", "sup.col.case", "sup.arc.category", "sup.arc.filed_on"}, Empty: "sup.none"}
			rows, err := q.Query(ctx, `SELECT id, title, case_no, category, filed_on FROM archive_documents WHERE worker_id = ? AND disposed_on IS NULL
				ORDER BY filed_on DESC, id DESC LIMIT 30`, id)
			if err != nil {
				return t, err
			}
			defer rows.Close()
			for rows.Next() {
				var did int64
				var title, no, cat, on string
				if err := rows.Scan(&did, &title, &no, &cat, &on); err != nil {
					return t, err
				}
				t.Rows = append(t.Rows, []panels.Cell{{Text: title, Href: "/archive/" + strconv.FormatInt(did, 10)}, {Text: no},
					{Text: "sup.cat." + cat, Key: true}, {Text: on}})
			}
			return t, rows.Err()
		}})
}
