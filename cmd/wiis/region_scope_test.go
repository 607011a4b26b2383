package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web"
	"wiis/internal/web/webtest"
)

// Regions of the scoping walk: the records live in city A, the caller works in city B.
const (
	cityA = "341500" // 六安 Lu'an, where the demo lives
	cityB = "320400" // 常州 Changzhou
)

// scopedRecord finds, for an API route whose path names a record, a record of city A in the
// demo data: the query returns the path value.
var scopedRecord = map[string]string{
	"/api/v1/persons/{id}": `SELECT e.id_number FROM enrollment_events e JOIN employers m ON m.uscc = e.uscc
		WHERE m.region LIKE '3415%' ORDER BY e.id_number LIMIT 1`,
	"/api/v1/employers/{uscc}/enrollments":  `SELECT uscc FROM employers WHERE region LIKE '3415%' AND uscc IN (SELECT uscc FROM enrollment_events) ORDER BY uscc LIMIT 1`,
	"/api/v1/employers/{uscc}/statement":    `SELECT uscc FROM employers WHERE region LIKE '3415%' AND uscc IN (SELECT uscc FROM enrollment_events) ORDER BY uscc LIMIT 1`,
	"/api/v1/employers/{uscc}/reveal/phone": `SELECT uscc FROM employers WHERE region LIKE '3415%' AND phone <> '' ORDER BY uscc LIMIT 1`,
	"/api/v1/determinations/{id}":           `SELECT MIN(id) FROM determination_cases WHERE region LIKE '3415%'`,
	"/api/v1/determinations/{id}/actions":   `SELECT MIN(id) FROM determination_cases WHERE region LIKE '3415%'`,
	"/api/v1/assessments/{id}":              `SELECT MIN(id) FROM assessment_cases WHERE region LIKE '3415%'`,
	"/api/v1/assessments/{id}/draws":        `SELECT MIN(id) FROM assessment_cases WHERE region LIKE '3415%' AND state <> 'received'`,
	"/api/v1/assessments/{id}/actions":      `SELECT MIN(id) FROM assessment_cases WHERE region LIKE '3415%'`,
	"/api/v1/proposals/{id}":                `SELECT MIN(id) FROM benefit_proposals WHERE region LIKE '3415%'`,
	"/api/v1/proposals/{id}/decision":       `SELECT MIN(id) FROM benefit_proposals WHERE region LIKE '3415%' AND state = 'proposed'`,
	"/api/v1/advances/{id}":                 `SELECT MIN(id) FROM advance_cases WHERE region LIKE '3415%'`,
	"/api/v1/advances/{id}/actions":         `SELECT MIN(id) FROM advance_cases WHERE region LIKE '3415%'`,
	"/api/v1/bills/{id}":                    `SELECT MIN(id) FROM medical_bills WHERE region LIKE '3415%'`,
	"/api/v1/projects/{code}":               `SELECT MIN(project_code) FROM projects WHERE region LIKE '3415%'`,
	"/api/v1/projects/{code}/accidents":     `SELECT MIN(project_code) FROM projects WHERE region LIKE '3415%'`,
	"/api/v1/projects/{code}/payments":      `SELECT MIN(project_code) FROM projects WHERE region LIKE '3415%'`,
	"/api/v1/projects/{code}/roster":        `SELECT MIN(project_code) FROM projects WHERE region LIKE '3415%'`,
	"/api/v1/projects/{code}/roster/leave":  `SELECT MIN(project_code) FROM projects WHERE region LIKE '3415%'`,
	"/api/v1/referrals/{id}/result":         `SELECT MIN(id) FROM inspection_referrals WHERE region LIKE '3415%'`,
	"/api/v1/fund/pooling/{id}":             `SELECT MIN(id) FROM pooling_runs WHERE province = '340000'`,
	"/api/v1/payables/{id}":                 payableA,
	"/api/v1/payables/{id}/decide":          payableA,
	"/api/v1/payables/{id}/pay":             payableA,
	"/api/v1/payables/{id}/prepare":         payableA,
	"/api/v1/payables/{id}/reverse":         payableA,
	// Two path values come back as "a/b" and fill the wildcards in order.
	"/api/v1/employer-items/{proposal}/{seq}/paid":  employerItemA,
	"/api/v1/employer-items/{proposal}/{seq}/refer": employerItemA,
}

// payableA is a lump sum of a city A proposal waiting for payment.
const payableA = `SELECT MIN(b.id) FROM benefit_payables b JOIN benefit_proposals p ON p.id = b.proposal_id WHERE p.region LIKE '3415%'`

// employerItemA is an employer-paid item of a city A proposal, as "proposal/seq".
const employerItemA = `SELECT MIN(CAST(p.id AS TEXT) || '/' || CAST(i.seq AS TEXT)) FROM benefit_proposals p
	JOIN benefit_proposal_items i ON i.proposal_id = p.id WHERE p.region LIKE '3415%' AND i.payer = 'employer' AND p.state = 'approved'`

// notRegional lists the API routes with a path parameter that name no record of a region,
// with the reason the walk leaves them out.
var notRegional = map[string]string{
	"/api/v1/tokens/{id}": "a user's own API token: scoped to its owner (a token id of another user is 404), not to a region",
}

// listQuery is the query string the list walk sends to a list route, filled with a city A
// key (%s), so a search or look-up asks for city A's record by name.
var listQuery = map[string]string{
	"/api/v1/search":           "?q=%s",
	"/api/v1/risk/open-alerts": "?key=%s",
}

// notListed lists the API list routes the list walk leaves out, with the reason.
var notListed = map[string]string{
	"/api/v1/me":        "the caller's own account",
	"/api/v1/tokens":    "the caller's own API tokens",
	"/api/openapi.json": "the API description, no data",
	"/api/v1/boom":      "test route",
	"/api/v1/version":   "no data",
}

var pathWildcard = regexp.MustCompile(`\{[^}]*\}`)

// fillPath fills a route pattern's wildcards, in order, with the values of "a/b" (the last
// value fills any further ones).
func fillPath(pattern, values string) string {
	vals := strings.Split(values, "/")
	n := 0
	return pathWildcard.ReplaceAllStringFunc(pattern, func(string) string {
		v := vals[min(n, len(vals)-1)]
		n++
		return v
	})
}

// TestNoAPIRouteReadsAnotherCitysRecord is issue 10 item 1's region walk: for every
// registered /api/ route whose path names a record, the demo's Lu'an record is fetched by a
// user of each allowed role scoped to Changzhou, who must get 403 or 404; the same GET by the
// Lu'an staff user of that role proves the record is there (200). A route with a path parameter in neither table fails the test.
func TestNoAPIRouteReadsAnotherCitysRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("demo seeding skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Run(ctx, db); err != nil {
			t.Fatal(err)
		}
		h := webtest.New(t, db)
		others := map[auth.Role]*auth.User{}
		other := func(r auth.Role) *auth.User {
			if u := others[r]; u != nil {
				return u
			}
			u, err := h.S.Auth.CreateUser(ctx, audit.Actor{Username: "test"}, auth.NewUser{Username: "cz_" + string(r),
				DisplayName: "常州" + r.Info().Zh, Password: webtest.Password, Roles: []auth.Role{r}, Region: cityB})
			if err != nil {
				t.Fatal(err)
			}
			others[r] = u
			return u
		}
		var markers []string // city A identifiers no city B answer may hold
		walked := 0
		for _, rt := range h.S.Routes() {
			if !strings.HasPrefix(rt.Pattern, "/api/") || !strings.Contains(rt.Pattern, "{") {
				continue
			}
			if _, ok := notRegional[rt.Pattern]; ok {
				continue
			}
			q, ok := scopedRecord[rt.Pattern]
			if !ok {
				t.Errorf("%s %s names a record: add it to scopedRecord or, with a reason, to notRegional", rt.Method, rt.Pattern)
				continue
			}
			var key sql.NullString
			if err := db.QueryRow(ctx, q).Scan(&key); err != nil && !errors.Is(err, sql.ErrNoRows) {
				t.Fatalf("%s: %v", rt.Pattern, err)
			}
			if !key.Valid || key.String == "" {
				t.Errorf("%s %s: the demo has no %s record to try", rt.Method, rt.Pattern, cityA)
				continue
			}
			if len(key.String) >= 8 && !slices.Contains(markers, key.String) {
				markers = append(markers, key.String)
			}
			path := fillPath(rt.Pattern, key.String)
			for _, role := range rolesOf(rt) {
				walked++
				var body func() *strings.Reader
				if rt.Method != http.MethodGet {
					body = func() *strings.Reader { return strings.NewReader(`{}`) }
				}
				call := func(c *webtest.Client) (int, string) {
					var r *strings.Reader
					if body != nil {
						r = body()
					} else {
						r = strings.NewReader("")
					}
					rec := c.Do(rt.Method, path, r, true, "Content-Type", "application/json", "Accept", "application/json")
					return rec.Code, rec.Body.String()
				}
				code, out := call(h.AsUser(other(role)))
				if testing.Verbose() {
					t.Logf("%s %s as %s of %s: %d", rt.Method, path, role, cityB, code)
				}
				if code != http.StatusForbidden && code != http.StatusNotFound {
					t.Errorf("%s %s as %s of %s: %d, want 403 or 404\n%.300s", rt.Method, path, role, cityB, code, out)
				}
				if rt.Method == http.MethodGet && role != auth.Employer && role != auth.Worker {
					if code, out := call(h.As(role)); code != http.StatusOK {
						t.Errorf("control: %s %s as %s of %s: %d, want 200\n%.300s", rt.Method, path, role, cityA, code, out)
					}
				}
			}
		}
		if walked == 0 {
			t.Fatal("no API route walked")
		}
		t.Logf("%d route and role calls from %s refused", walked, cityB)
		listWalk(t, h, db, other, markers)
	})
}

// rolesOf returns the roles a route allows. Employers and workers see only their own records,
// so the Lu'an control call is made for staff roles only.
func rolesOf(rt web.Route) []auth.Role {
	var out []auth.Role
	for _, r := range auth.AllRoles() {
		if rt.Perm.AllowsRole(r) {
			out = append(out, r)
		}
	}
	return out
}

// listWalk is the second half of the region walk: every GET list or look-up route of the API
// is called by each allowed staff role of city B, asking (through listQuery) for city A's
// records by their keys, and no answer may hold one of them. The keys are the walk's city A
// records plus a case number and the subject of an open risk alert.
func listWalk(t *testing.T, h *webtest.Harness, db *store.DB, other func(auth.Role) *auth.User, markers []string) {
	ctx := context.Background()
	for _, q := range []string{
		`SELECT MIN(case_no) FROM determination_cases WHERE region LIKE '3415%'`,
		`SELECT MIN(case_no) FROM assessment_cases WHERE region LIKE '3415%'`,
		`SELECT MIN(subject) FROM risk_alerts WHERE status <> 'closed' AND subject IN (SELECT uscc FROM employers WHERE region LIKE '3415%')`,
		`SELECT MIN(subject) FROM risk_alerts WHERE status <> 'closed' AND subject IN (SELECT e.id_number FROM enrollment_events e
			JOIN employers m ON m.uscc = e.uscc WHERE m.region LIKE '3415%')`,
	} {
		var k sql.NullString
		if err := db.QueryRow(ctx, q).Scan(&k); err != nil {
			t.Fatal(err)
		}
		if k.Valid && k.String != "" {
			markers = append(markers, k.String)
		} else {
			t.Errorf("the demo has no record for %s", q)
		}
	}
	for _, rt := range h.S.Routes() {
		if rt.Method != http.MethodGet || !strings.HasPrefix(rt.Pattern, "/api/") || strings.Contains(rt.Pattern, "{") {
			continue
		}
		if _, ok := notListed[rt.Pattern]; ok {
			continue
		}
		for _, role := range rolesOf(rt) {
			if role == auth.Employer || role == auth.Worker {
				continue
			}
			c := h.AsUser(other(role))
			for _, m := range markers {
				path := rt.Pattern
				if lq, ok := listQuery[rt.Pattern]; ok {
					path += fmt.Sprintf(lq, m)
				}
				rec := c.Do("GET", path, nil, false, "Accept", "application/json")
				if rec.Code >= 500 {
					t.Errorf("GET %s as %s of %s: %d", path, role, cityB, rec.Code)
				}
				for _, other := range markers {
					if strings.Contains(rec.Body.String(), other) {
						t.Errorf("GET %s as %s of %s: the answer holds %s's %s", path, role, cityB, cityA, other)
					}
				}
				if _, ok := listQuery[rt.Pattern]; !ok {
					break // the same list for every marker
				}
			}
		}
	}
}
