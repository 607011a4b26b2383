// Package risk holds the risk-control rules R01–R10 of spec/risk-rules.md (风险防控规则) as
// plain Go: values in, alerts out. It imports no database code; internal/risk/riskstore
// streams everything stored (ordered by person) into a Scanner and keeps the alerts for the
// investigators' workflow. Each rule is its own file (r01.go … r10.go) with its reading of the
// spec written next to it. Coverage and base come from internal/coverage, the one definition.
package risk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"wiis/internal/coverage"
	"wiis/internal/money"
)

// Rule codes with their Chinese names, in the order of risk-rules.md.
var Rules = []struct{ Code, Name string }{
	{"R01", "先工伤后参保"},
	{"R02", "参保单位与申报单位不一致"},
	{"R03", "死亡人员仍在保或仍领待遇"},
	{"R04", "当月参保当月回退"},
	{"R05", "增减员或缴费基数异常"},
	{"R06", "临近退休领取一次性医疗补助金"},
	{"R07", "未参保或少参保单位"},
	{"R08", "重复申报"},
	{"R09", "多人共用收款账户"},
	{"R10", "项目事故未按时快报"},
}

// RuleName returns the Chinese name of a rule code, or the code itself when unknown.
func RuleName(code string) string {
	for _, r := range Rules {
		if r.Code == code {
			return r.Name
		}
	}
	return code
}

// Evidence is one row that made an alert fire: the table it comes from (or a derived figure,
// such as R05's monthly headcount) and its columns as text.
type Evidence struct {
	Table string            `json:"table"`
	Row   map[string]string `json:"row"`
}

// Alert is one (rule, subject) that fires, with a human-readable Chinese detail holding the
// key figures and every evidence row.
type Alert struct {
	Rule     string     `json:"rule"`
	Subject  string     `json:"subject"`
	Detail   string     `json:"detail"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Fingerprint identifies the alert's evidence independently of row order, so a closed false
// alarm is raised again only when its evidence changes (risk-rules.md: remembered false
// alarms).
func (a Alert) Fingerprint() string {
	lines := make([]string, len(a.Evidence))
	for i, e := range a.Evidence {
		b, _ := json.Marshal(e) // map keys are sorted by encoding/json: canonical
		lines[i] = string(b)
	}
	sort.Strings(lines)
	h := sha256.New()
	h.Write([]byte(a.Rule + "\x00" + a.Subject + "\x00"))
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Claim is a row of claims (interchange.md).
type Claim struct {
	No, ID, Uscc, InjuryAt, AppliedOn, ProjectCode, ReportedAt string
}

// InjuryDate returns the date part (YYYY-MM-DD) of the injury time.
func (c Claim) InjuryDate() string {
	if len(c.InjuryAt) >= 10 {
		return c.InjuryAt[:10]
	}
	return c.InjuryAt
}

func (c Claim) evidence() Evidence {
	return Evidence{Table: "claims", Row: map[string]string{
		"claim_no": c.No, "id_number": c.ID, "uscc": c.Uscc, "injury_at": c.InjuryAt,
		"applied_on": c.AppliedOn, "project_code": c.ProjectCode, "reported_at": c.ReportedAt,
	}}
}

// Death is a row of deaths.
type Death struct{ ID, Date string }

func (d Death) evidence() Evidence {
	return Evidence{Table: "deaths", Row: map[string]string{"id_number": d.ID, "death_date": d.Date}}
}

// Payment is a row of payments (money in fen).
type Payment struct {
	ID, Item string
	Month    coverage.Month
	Amount   int64
	Account  string
}

func (p Payment) evidence() Evidence {
	return Evidence{Table: "payments", Row: map[string]string{
		"id_number": p.ID, "item": p.Item, "month": p.Month.String(),
		"amount": money.Amount(p.Amount).String(), "bank_account": p.Account,
	}}
}

// Tax is a row of tax_withholding: uscc withheld income tax for the person in Month.
type Tax struct {
	Uscc  string
	Month coverage.Month
}

// Beneficiary is the part of a beneficiaries row R09 needs.
type Beneficiary struct{ ID, Item, Worker, Account string }

// Employment is one (person, employer) pair's enrollment events, sorted by coverage.Sort.
type Employment struct {
	Uscc    string
	Events  []coverage.Event
	periods []coverage.Period
}

func eventEvidence(id, uscc string, e coverage.Event) Evidence {
	row := map[string]string{"id_number": id, "uscc": uscc, "event": e.Kind.String(),
		"month": e.Month.String(), "recorded_on": e.RecordedOn}
	if e.HasBase {
		row["monthly_base"] = money.Amount(e.Base).String()
	}
	return Evidence{Table: "enrollment_events", Row: row}
}

// Person is everything stored about one person that the per-person rules read. The scanner
// may keep nothing of it after Scanner.Person returns, so the caller can reuse the slices.
type Person struct {
	ID          string
	Employments []Employment // sorted by uscc
	Claims      []Claim
	Death       *Death
	Payments    []Payment
	Tax         []Tax // sorted by uscc, month
}

func (p *Person) employment(uscc string) *Employment {
	for i := range p.Employments {
		if p.Employments[i].Uscc == uscc {
			return &p.Employments[i]
		}
	}
	return nil
}

// finding is one reason a (rule, subject) fires; a subject may have several.
type finding struct {
	rule, subject, detail string
	evidence              []Evidence
}

type collector struct {
	byKey map[string]*collected
}

type collected struct {
	Alert
	details []string
}

func (c *collector) add(f finding) {
	k := f.rule + "\x00" + f.subject
	a := c.byKey[k]
	if a == nil {
		a = &collected{Alert: Alert{Rule: f.rule, Subject: f.subject}}
		c.byKey[k] = a
	}
	a.details = append(a.details, f.detail)
	a.Evidence = append(a.Evidence, f.evidence...)
}

// sortEvidence orders evidence rows by their printed form, printing each row once.
func sortEvidence(ev []Evidence) {
	keys := make([]string, len(ev))
	for i, e := range ev {
		keys[i] = fmt.Sprint(e)
	}
	idx := make([]int, len(ev))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return keys[idx[i]] < keys[idx[j]] })
	sorted := make([]Evidence, len(ev))
	for i, k := range idx {
		sorted[i] = ev[k]
	}
	copy(ev, sorted)
}

// maxDetails bounds the detail text; the evidence keeps every row.
const maxDetails = 3

func (c *collector) alerts() []Alert {
	out := make([]Alert, 0, len(c.byKey))
	for _, a := range c.byKey {
		// Details and evidence are sorted so an alert reads the same whatever order persons
		// were fed in (the store streams them in the order of their sealed ID numbers, which
		// differs between databases and after a key rotation).
		d := a.details
		sort.Strings(d)
		sortEvidence(a.Evidence)
		text := strings.Join(d[:min(len(d), maxDetails)], "；")
		if len(d) > maxDetails {
			text += fmt.Sprintf("；等共%d处", len(d))
		}
		a.Detail = text
		out = append(out, a.Alert)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].Subject < out[j].Subject
	})
	return out
}

// Scanner runs every rule over the persons fed to it, then over the aggregates (R05, R09).
type Scanner struct {
	asOf   coverage.Month
	active map[string]bool // market registry: uscc → status active (R07)
	out    collector
	heads  headcounts               // R05
	paid   map[string][]Payment     // R09: bank account → payments
	benef  map[string][]Beneficiary // R09: person → entitlements
}

// NewScanner starts a scan for the as-of month: the last month evaluated (open coverage runs
// to it; later months are not yet known). active holds the unified credit codes that the
// market registry lists as active (R07).
func NewScanner(asOf coverage.Month, active map[string]bool) *Scanner {
	return &Scanner{
		asOf: asOf, active: active,
		out:   collector{byKey: map[string]*collected{}},
		heads: newHeadcounts(asOf),
		paid:  map[string][]Payment{},
		benef: map[string][]Beneficiary{},
	}
}

// Person runs the per-person rules for p and adds p to the aggregates. Every person with any
// stored row must be fed exactly once.
func (s *Scanner) Person(p *Person) {
	for i := range p.Employments {
		e := &p.Employments[i]
		e.periods = coverage.Periods(e.Events, s.asOf)
	}
	claims := p.Claims[:0:0]
	for _, c := range p.Claims {
		if m, err := coverage.MonthOf(c.InjuryAt); err == nil && m <= s.asOf {
			claims = append(claims, c)
		}
	}
	pays := p.Payments[:0:0]
	for _, pay := range p.Payments {
		if pay.Month <= s.asOf {
			pays = append(pays, pay)
		}
	}
	for _, c := range claims {
		s.r01(p, c)
		s.r02(p, c)
		s.r10(c)
	}
	s.r03(p, pays)
	s.r04(p)
	s.heads.add(p)
	s.r06(p, pays)
	s.r07(p)
	s.r08(p, claims)
	for _, pay := range pays {
		if pay.Account != "" {
			s.paid[pay.Account] = append(s.paid[pay.Account], pay)
		}
	}
}

// Beneficiaries gives the long-term entitlements R09 compares payees against.
func (s *Scanner) Beneficiaries(bs []Beneficiary) {
	for _, b := range bs {
		s.benef[b.ID] = append(s.benef[b.ID], b)
	}
}

// Finish runs the aggregate rules and returns every alert, one per (rule, subject), sorted by
// rule then subject.
func (s *Scanner) Finish() []Alert {
	s.r05()
	s.r09()
	return s.out.alerts()
}
