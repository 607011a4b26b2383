package counterui

import (
	"context"
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
func (h *handlers) personFor(r *http.Request, id string) (enroll.Person, error) {
	u := web.CurrentUser(r)
	if outsider(u) && (u.PersonIDNumber == "" || u.PersonIDNumber != id) {
		return enroll.Person{}, apperr.NotFoundf("cu.counter.person_not_found")
	}
	p, err := person(r.Context(), h.s.DB, id)
	if err != nil {
		return enroll.Person{}, err
	}
	if outsider(u) {
		return p, nil
	}
	regions, err := personRegions(r.Context(), h.s.DB, id)
	if err != nil {
		return enroll.Person{}, err
	}
	if auth.ScopePrefix(u.Region) == "" || slices.ContainsFunc(regions, u.Sees) {
		return p, nil
	}
	return enroll.Person{}, apperr.NotFoundf("cu.counter.person_not_found")
}

// person reads a person (name and contact phone) with the counter's not-found message.
func person(ctx context.Context, q store.Querier, id string) (enroll.Person, error) {
	p, err := enroll.GetPerson(ctx, q, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		return p, apperr.NotFoundf("cu.counter.person_not_found")
	}
	return p, err
}

// personRegions lists the regions of the employers a person was insured by or claimed against.
func personRegions(ctx context.Context, q store.Querier, id string) ([]string, error) {
	m, err := personsRegions(ctx, q, []string{id})
	return m[id], err
}

// personsRegions is personRegions for several persons in one query (a page of search hits).
func personsRegions(ctx context.Context, q store.Querier, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	in := store.Placeholders(len(ids))
	args := make([]any, 0, 2*len(ids))
	for range 2 {
		for _, id := range ids {
			args = append(args, id)
		}
	}
	// The employer's region is looked up per distinct (person, employer) pair: joined
	// instead, PostgreSQL's plan for a list of twenty hashed every employer (4 ms a search at
	// a million persons).
	rows, err := q.Query(ctx, `SELECT x.id_number, COALESCE((SELECT m.region FROM employers m WHERE m.uscc = x.uscc), '')
		FROM (SELECT id_number, uscc FROM enrollment_events WHERE id_number IN (`+in+`)
			UNION SELECT id_number, uscc FROM claims WHERE id_number IN (`+in+`)) x`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, reg string
		if err := rows.Scan(&id, &reg); err != nil {
			return nil, err
		}
		if reg != "" && !slices.Contains(out[id], reg) {
			out[id] = append(out[id], reg)
		}
	}
	return out, rows.Err()
}

// scopedSearch runs the one search box and keeps the hits within the caller's scope.
func (h *handlers) scopedSearch(r *http.Request, q string) ([]enroll.Hit, error) {
	hits, err := enroll.Search(r.Context(), h.s.DB, q, 20)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, hit := range hits {
		if hit.Kind == "person" {
			ids = append(ids, hit.Key)
		}
	}
	regions, err := personsRegions(r.Context(), h.s.DB, ids)
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
		if auth.ScopePrefix(u.Region) == "" || slices.ContainsFunc(regions[hit.Key], u.Sees) {
			out = append(out, hit)
		}
	}
	return out, nil
}

// auditView records that the caller is shown a person's full record, ID number and contact
// phone (security.md: showing the full value is an audited action). The record is written while the
// page's own reads run (audit.Group batches it with other views); the returned wait must be
// called, and its error honoured, before anything of the record is written to the response,
// so nothing is shown whose record has not committed.
func (h *handlers) auditView(r *http.Request, id string) (wait func() error) {
	done := make(chan error, 1)
	go func() {
		done <- h.s.AuditReads.Append(r.Context(), audit.Record{Action: "person.view", Entity: "person", EntityID: id}.By(web.ActorOf(r)))
	}()
	// Waiting for the record's commit needs no CPU: the request's turn is lent meanwhile.
	return func() error {
		select {
		case err := <-done:
			return err
		default:
			return h.s.Await(r, func() error { return <-done })
		}
	}
}
