package counterui

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/calendar"
	"wiis/internal/enroll"
	"wiis/internal/store"
	"wiis/internal/web"
)

// shanghai is the agencies' time zone (calendar.Shanghai).
var shanghai = calendar.Shanghai

func today() time.Time  { return clock().In(shanghai) }
func thisMonth() string { return today().Format("2006-01") }

// outsider reports whether u acts only for themselves (employer portal, worker self-service),
// not as agency staff with a region scope.
func outsider(u *auth.User) bool {
	return !slices.ContainsFunc(u.Roles, func(r auth.Role) bool { return r != auth.Employer && r != auth.Worker })
}

// employerFor returns the employer the caller may see: staff within their region scope, an
// employer user only its own. Anything else does not exist for the caller. Codes: not_found.
func (h *handlers) employerFor(r *http.Request, uscc string) (enroll.Employer, error) {
	u := web.CurrentUser(r)
	if outsider(u) && (u.EmployerUSCC == "" || u.EmployerUSCC != uscc) {
		return enroll.Employer{}, apperr.NotFoundf("cu.counter.employer_not_found")
	}
	emp, err := enroll.GetEmployer(r.Context(), h.s.DB, uscc)
	if apperr.CodeOf(err) == apperr.NotFound {
		return emp, apperr.NotFoundf("cu.counter.employer_not_found")
	}
	if err != nil {
		return emp, err
	}
	if !outsider(u) && !u.Sees(emp.Region) {
		return emp, apperr.NotFoundf("cu.counter.employer_not_found")
	}
	return emp, nil
}

// personFor returns the name of a person the caller may see: a worker only themselves; staff
// a person insured by (or claiming against) an employer within their scope — persons have no
// region of their own, they belong to the regions of their employers. Codes: not_found.
func (h *handlers) personFor(r *http.Request, id string) (string, error) {
	u := web.CurrentUser(r)
	if outsider(u) && (u.PersonIDNumber == "" || u.PersonIDNumber != id) {
		return "", apperr.NotFoundf("cu.counter.person_not_found")
	}
	name, err := personName(r.Context(), h.s.DB, id)
	if err != nil {
		return "", err
	}
	if outsider(u) {
		return name, nil
	}
	regions, err := personRegions(r.Context(), h.s.DB, id)
	if err != nil {
		return "", err
	}
	if auth.ScopePrefix(u.Region) == "" || slices.ContainsFunc(regions, u.Sees) {
		return name, nil
	}
	return "", apperr.NotFoundf("cu.counter.person_not_found")
}

func personName(ctx context.Context, q store.Querier, id string) (string, error) {
	var name string
	err := q.QueryRow(ctx, `SELECT name FROM persons WHERE id_number = ?`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.NotFoundf("cu.counter.person_not_found")
	}
	return name, err
}

// personRegions lists the regions of the employers a person was insured by or claimed against.
func personRegions(ctx context.Context, q store.Querier, id string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT m.region FROM enrollment_events e JOIN employers m ON m.uscc = e.uscc WHERE e.id_number = ?
		UNION SELECT m.region FROM claims c JOIN employers m ON m.uscc = c.uscc WHERE c.id_number = ?`, id, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var reg string
		if err := rows.Scan(&reg); err != nil {
			return nil, err
		}
		out = append(out, reg)
	}
	return out, rows.Err()
}

// scopedSearch runs the one search box and keeps the hits within the caller's scope.
func (h *handlers) scopedSearch(r *http.Request, q string) ([]enroll.Hit, error) {
	hits, err := enroll.Search(r.Context(), h.s.DB, q, 20)
	if err != nil {
		return nil, err
	}
	u := web.CurrentUser(r)
	out := []enroll.Hit{}
	for _, hit := range hits {
		if hit.Kind == "employer" {
			if u.Sees(hit.Extra) {
				out = append(out, hit)
			}
			continue
		}
		regions, err := personRegions(r.Context(), h.s.DB, hit.Key)
		if err != nil {
			return nil, err
		}
		if auth.ScopePrefix(u.Region) == "" || slices.ContainsFunc(regions, u.Sees) {
			out = append(out, hit)
		}
	}
	return out, nil
}

// auditView records that the caller was shown a person's full record and ID number
// (security.md: showing the full value is an audited action).
func (h *handlers) auditView(r *http.Request, id string) error {
	return h.s.DB.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := audit.Append(r.Context(), tx, audit.Record{Action: "person.view", Entity: "person", EntityID: id}.By(web.ActorOf(r)))
		return err
	})
}
