package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/idcode"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
	"wiis/internal/web/webtest"
)

// ownerLists are the GET routes whose path names not one person's record but an owner whose
// persons they list (an employer, a project, a month's payroll): the masking walk fills the
// path with a value of the demo region from the query and checks the list like any other.
var ownerLists = map[string]string{
	"/counter/employers/{uscc}":            employerWithWorkers,
	"/health/employers/{uscc}":             employerWithWorkers,
	"/prevention/employers/{uscc}":         employerWithWorkers,
	"/api/v1/employers/{uscc}/enrollments": employerWithWorkers,
	"/projects/{code}":                     `SELECT MIN(project_code) FROM projects WHERE region LIKE '3415%'`,
	"/api/v1/projects/{code}":              `SELECT MIN(project_code) FROM projects WHERE region LIKE '3415%'`,
	"/payroll/runs/{month}":                `SELECT MAX(month) FROM payroll_runs`,
	"/supervise/conferences/{id}":          `SELECT MIN(id) FROM case_conferences`,
	"/fund/reports/{kind}":                 `SELECT 'monthly'`,
}

const employerWithWorkers = `SELECT MIN(uscc) FROM employers WHERE region LIKE '3415%' AND uscc IN (SELECT uscc FROM enrollment_events)`

// recordPages are the GET routes with a path parameter that the masking walk leaves out, with
// the reason: one record's own page, a document, a file or an export, where the full number
// is the point and is shown to the one caller who opened it.
var recordPages = map[string]string{
	"/admin/catalogue/{code}":                        "a service item's settings, no person",
	"/admin/users/{username}":                        "one user account",
	"/api/v1/advances/{id}":                          caseRecord,
	"/api/v1/assessments/{id}":                       caseRecord,
	"/api/v1/assessments/{id}/draws":                 "one assessment's expert draws: experts, no insured person",
	"/api/v1/bills/{id}":                             caseRecord,
	"/api/v1/determinations/{id}":                    caseRecord,
	"/api/v1/employers/{uscc}/statement":             "one employer's contribution statement: amounts by month, no person",
	"/api/v1/fund/pooling/{id}":                      "one pooling run: cities' amounts, no person",
	"/api/v1/payables/{id}":                          caseRecord,
	"/api/v1/persons/{id}":                           personRecord,
	"/api/v1/proposals/{id}":                         caseRecord,
	"/archive/{id}":                                  "one archived document's record",
	"/archive/{id}/content":                          document,
	"/casework/advances/{id}":                        caseRecord,
	"/casework/assessments/{id}":                     caseRecord,
	"/casework/assessments/{id}/documents/{kind}":    document,
	"/casework/assessments/{id}/draws":               "one assessment's expert draws: experts, no insured person",
	"/casework/determinations/{id}":                  caseRecord,
	"/casework/determinations/{id}/documents/{kind}": document,
	"/casework/files/{id}":                           document,
	"/casework/proposals/{id}":                       caseRecord,
	"/cert/persons/{id}":                             personRecord,
	"/counter/persons/{id}":                          personRecord,
	"/counter/start/{code}":                          "the form to start one service item",
	"/counter/tickets/{id}":                          "one ticket's receipt (受理回执), printed for the person it names",
	"/counter/tickets/{id}/files/{file}":             document,
	"/data/export/{layout}":                          "an export: full values by design, audited with its row count (privacy.Audited)",
	"/data/imports/{id}":                             "one import's summary: counts, no rows",
	"/data/imports/{id}/report":                      "one import's error report for the file's own uploader: it names the rows they sent",
	"/fund/indicators/{key}":                         "one fund indicator: amounts, no person",
	"/fund/ledger/{id}":                              "one ledger entry: amounts, no person",
	"/fund/pooling/{id}":                             "one pooling run: cities' amounts, no person",
	"/fund/reports/{kind}/xlsx":                      "a fund report's workbook: amounts, no person",
	"/health/workers/{id}":                           personRecord,
	"/me/tickets/{id}":                               "the worker's own ticket",
	"/medical/bills/{id}":                            caseRecord,
	"/overpayments/{id}":                             caseRecord,
	"/overpayments/{id}/demands/{d}":                 document,
	"/payments/lumpsum/{id}":                         caseRecord,
	"/payroll/runs/{month}/bankfile":                 "the bank's payment file: full accounts by design, for the bank",
	"/policy/{region}":                               "one region's policy values, no person",
	"/portal/apply/{code}":                           "the employer's form to start one online item",
	"/portal/tickets/{id}":                           "the employer's own ticket",
	"/prevention/projects/{id}":                      "one prevention project: an employer's, no person",
	"/rehab/{id}":                                    caseRecord,
	"/risk/alerts/{id}":                              caseRecord,
	"/risk/alerts/{id}/attachments/{file}":           document,
	"/supervise/assessments/{id}":                    caseRecord,
	"/supervise/referrals/{id}":                      caseRecord,
}

// Reasons of recordPages.
const (
	personRecord = "one person's whole record: the full number is shown to the staff member who opened it, and the view is audited"
	caseRecord   = "one case's own page, for the staff member working it: the documents it produces carry the full number"
	document     = "a document or file of one case (a decision, a notice, a scan): printed with the full number, as the law's forms require"
)

// searchTerms are the query strings the walk sends to a search route besides none: a name's
// first character and a whole ID number of the demo (%[1]s and %[2]s), both of which find
// persons.
var searchTerms = map[string][]string{
	"/counter":         {"?q=%[1]s", "?q=%[2]s"},
	"/api/v1/search":   {"?q=%[1]s", "?q=%[2]s"},
	"/projects":        {"?q=%[1]s"},
	"/api/v1/projects": {"?q=%[1]s"},
	"/archive":         {"?q=%[1]s"},
}

// TestPersonalNumbersMaskedInListsAndAuditedOnRecords walks security.md's rule on the demo
// data, on both engines (one demo seeding for both walks): ID numbers are masked in lists
// (3415**********123X), and showing the full value is an audited action.
func TestPersonalNumbersMaskedInListsAndAuditedOnRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("demo seeding skipped in -short")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := demo.Run(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		h := webtest.New(t, db)
		callers := demoCallers(t, h)
		t.Run("lists", func(t *testing.T) { listsMaskIDNumbers(t, h, callers) })
		t.Run("records", func(t *testing.T) { recordViewsAreAudited(t, h, callers) })
	})
}

// listsMaskIDNumbers is issue 10's "masking in every list": every GET page and API answer
// that lists records, called by every role allowed it, may hold no whole ID number, in its
// text, its links or its attributes. A route with a path parameter must be in ownerLists
// (walked) or recordPages (left out, with a reason).
func listsMaskIDNumbers(t *testing.T, h *webtest.Harness, callers map[auth.Role]*webtest.Client) {
	ctx, db := context.Background(), h.DB
	var name, id string
	if err := db.QueryRow(ctx, `SELECT p.name, p.id_number FROM persons p JOIN enrollment_events e ON e.id_number = p.id_number
		JOIN employers m ON m.uscc = e.uscc WHERE m.region LIKE '3415%' ORDER BY p.name LIMIT 1`).Scan(&name, &id); err != nil {
		t.Fatal(err)
	}
	first := string([]rune(name)[:1])
	walked, masked := 0, 0
	for _, rt := range h.S.Routes() {
		pattern := strings.ReplaceAll(rt.Pattern, "{$}", "")
		if rt.Method != http.MethodGet || strings.HasPrefix(pattern, "/static/") {
			continue
		}
		paths := []string{pattern}
		if strings.Contains(pattern, "{") {
			if _, ok := recordPages[pattern]; ok {
				continue
			}
			q, ok := ownerLists[pattern]
			if !ok {
				t.Errorf("GET %s has a path parameter: add it to ownerLists or, with a reason, to recordPages", pattern)
				continue
			}
			var v sql.NullString
			if err := db.QueryRow(ctx, q).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
				t.Fatalf("%s: %v", pattern, err)
			}
			if !v.Valid || v.String == "" {
				t.Errorf("GET %s: the demo has nothing to list", pattern)
				continue
			}
			paths[0] = fillPath(pattern, v.String)
		}
		for _, s := range searchTerms[pattern] {
			paths = append(paths, pattern+fmt.Sprintf(s, url.QueryEscape(first), id))
		}
		for _, role := range rolesOf(rt) {
			for _, p := range paths {
				walked++
				rec := callers[role].Do("GET", p, nil, false)
				if rec.Code >= 500 {
					t.Errorf("GET %s as %s: %d", p, role, rec.Code)
				}
				if found := wholeIDs(rec.Body.String()); len(found) > 0 {
					t.Errorf("GET %s as %s: %d whole ID numbers, e.g. …%s…", p, role, len(found), found[0])
				}
				if maskedID.MatchString(rec.Body.String()) {
					masked++
				}
			}
		}
	}
	// The walk must see persons, masked, or it proves nothing (a list that failed or came back
	// empty holds no number either).
	if walked < 100 || masked < 20 {
		t.Fatalf("only %d route and role calls walked, %d of them listing a masked person", walked, masked)
	}
	t.Logf("%d route and role calls hold no whole ID number; %d of them list persons masked", walked, masked)
}

// demoCallers signs in, for each role, the demo's user of that role (so the employer and the
// worker see their own employer's and their own records), or the harness user where the demo
// has none.
func demoCallers(t *testing.T, h *webtest.Harness) map[auth.Role]*webtest.Client {
	out := map[auth.Role]*webtest.Client{}
	for _, r := range auth.AllRoles() {
		u, err := h.S.Auth.UserByName(context.Background(), string(r))
		if err != nil || u == nil {
			out[r] = h.As(r)
			continue
		}
		out[r] = h.AsUser(u)
	}
	return out
}

// maskedID is an ID number as lists show it (privacy.MaskID).
var maskedID = regexp.MustCompile(`[1-9][0-9]{3}\*{10}[0-9]{3}[0-9X]`)

// wholeIDs returns each whole ID number in body with a little of its context.
func wholeIDs(body string) []string {
	var out []string
	for i := 0; i+18 <= len(body); i++ {
		if idcode.IDAt(body, i) {
			out = append(out, body[max(0, i-60):min(len(body), i+30)])
			i += 17
		}
	}
	return out
}

// recordValues fills the path of the record pages the view walk opens (two path values come
// back as "a/b"); every page of recordPages that shows a person's data is here.
var recordValues = map[string]string{
	"/api/v1/advances/{id}":                          `SELECT MIN(id) FROM advance_cases WHERE region LIKE '3415%'`,
	"/api/v1/assessments/{id}":                       `SELECT MIN(id) FROM assessment_cases WHERE region LIKE '3415%'`,
	"/api/v1/bills/{id}":                             `SELECT MIN(id) FROM medical_bills WHERE region LIKE '3415%'`,
	"/api/v1/determinations/{id}":                    `SELECT MIN(id) FROM determination_cases WHERE region LIKE '3415%'`,
	"/api/v1/payables/{id}":                          payableA,
	"/api/v1/persons/{id}":                           scopedRecord["/api/v1/persons/{id}"],
	"/api/v1/proposals/{id}":                         `SELECT MIN(id) FROM benefit_proposals WHERE region LIKE '3415%'`,
	"/casework/advances/{id}":                        `SELECT MIN(id) FROM advance_cases WHERE region LIKE '3415%'`,
	"/casework/assessments/{id}":                     `SELECT MIN(id) FROM assessment_cases WHERE region LIKE '3415%'`,
	"/casework/assessments/{id}/documents/{kind}":    `SELECT MIN(id) || '/assessment_conclusion' FROM assessment_cases WHERE region LIKE '3415%' AND state = 'concluded'`,
	"/casework/determinations/{id}":                  `SELECT MIN(id) FROM determination_cases WHERE region LIKE '3415%'`,
	"/casework/determinations/{id}/documents/{kind}": `SELECT MIN(id) || '/acceptance' FROM determination_cases WHERE region LIKE '3415%' AND state NOT IN ('received', 'awaiting_materials', 'refused')`,
	"/casework/proposals/{id}":                       `SELECT MIN(id) FROM benefit_proposals WHERE region LIKE '3415%'`,
	"/cert/persons/{id}":                             `SELECT MIN(id_number) FROM payroll_entitlements`,
	"/counter/persons/{id}":                          scopedRecord["/api/v1/persons/{id}"],
	"/health/workers/{id}":                           `SELECT MIN(id_number) FROM health_exams`,
	"/medical/bills/{id}":                            `SELECT MIN(id) FROM medical_bills WHERE region LIKE '3415%'`,
	"/overpayments/{id}":                             `SELECT MIN(id) FROM payroll_receivables`,
	"/payments/lumpsum/{id}":                         payableA,
	"/rehab/{id}":                                    `SELECT MIN(id) FROM rehab_cases`,
	"/risk/alerts/{id}":                              `SELECT MIN(id) FROM risk_alerts`,
	"/supervise/assessments/{id}":                    `SELECT MIN(id) FROM institution_assessments`,
	"/supervise/referrals/{id}":                      `SELECT MIN(id) FROM inspection_referrals WHERE region LIKE '3415%'`,
}

// recordViewsAreAudited is the other half of the rule: a single record's page may show a
// whole ID number, but showing it is an audited action. Each record page of recordValues is
// opened by each role allowed it; an answer holding a whole ID number must have added an
// audit record of the view (Route.Views, or the person page's own).
func recordViewsAreAudited(t *testing.T, h *webtest.Harness, callers map[auth.Role]*webtest.Client) {
	ctx, db := context.Background(), h.DB
	audited := func() (n int) {
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE '%.view'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	shown := 0
	for _, rt := range h.S.Routes() {
		q, ok := recordValues[rt.Pattern]
		if !ok || rt.Method != http.MethodGet {
			continue
		}
		if _, ok := recordPages[rt.Pattern]; !ok {
			t.Errorf("%s is in recordValues but not in recordPages", rt.Pattern)
		}
		var v sql.NullString
		if err := db.QueryRow(ctx, q).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatalf("%s: %v", rt.Pattern, err)
		}
		if !v.Valid || v.String == "" {
			t.Errorf("GET %s: the demo has no record to open", rt.Pattern)
			continue
		}
		path := fillPath(rt.Pattern, v.String)
		for _, role := range rolesOf(rt) {
			before := audited()
			rec := callers[role].Do("GET", path, nil, false)
			if rec.Code >= 500 {
				t.Errorf("GET %s as %s: %d", path, role, rec.Code)
			}
			if len(wholeIDs(rec.Body.String())) == 0 {
				continue
			}
			shown++
			if audited() == before {
				t.Errorf("GET %s as %s (%d) shows a whole ID number and wrote no view record: set its Route.Views", path, role, rec.Code)
			}
		}
	}
	if shown == 0 {
		t.Fatal("no record page showed a number: the walk tested nothing")
	}
	t.Logf("%d record views showed a whole ID number", shown)
}
