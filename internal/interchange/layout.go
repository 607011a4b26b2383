// Package interchange reads, validates, writes and imports the CSV and Excel files wiis
// exchanges with other departments and legacy systems (spec/interchange.md). The layouts are
// data (Layouts), so reader, writer, importer and exporter agree on every column; a row is
// validated into canonical values, and every problem is a RowError printed as
// `file:line: column: reason`.
package interchange

import (
	"context"
	"fmt"
	"strings"

	"wiis/internal/audit"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/money"
	"wiis/internal/seal"
	"wiis/internal/store"
)

// Kind is the type of a column: how a cell is validated and what value it becomes.
type Kind int

// Column kinds and the Go value a non-empty cell becomes in a Row (empty cells become nil).
const (
	Text     Kind = iota // string, trimmed
	IDNumber             // string, a valid GB 11643 resident ID
	USCC                 // string, a valid GB 32100 credit code
	Region               // string, a GB/T 2260 code
	Industry             // string, a GB/T 4754-2017 code
	Date                 // string YYYY-MM-DD
	Month                // string YYYY-MM
	DateTime             // string YYYY-MM-DDTHH:MM, local time
	Money                // int64 fen from yuan with at most two decimals, not negative
	Bool                 // int64 0 or 1 from `true`/`false` (booleans are INTEGER 0/1 in the store)
	Int                  // int64 within [Min, Max]
	Enum                 // string, one of Column.Enum
	Rate                 // string, an exact decimal fraction (money.ParseRate), as written
)

// Column is one column of a layout. The column name is also the database column name.
type Column struct {
	Name     string
	Kind     Kind
	Required bool
	Enum     []string // allowed values of an Enum column
	Min, Max int64    // range of an Int column
	Secret   bool     // stored sealed whole (bank accounts): see storable
}

// Layout is one interchange file: its name (the file stem, the XLSX sheet and the table),
// its columns in the canonical order, and its natural key.
type Layout struct {
	Name    string
	Columns []Column
	Key     []string
	// Check applies rules across columns of a row whose cells are individually valid; it
	// returns the column to blame and the reason, or "" when the row is fine.
	Check func(r Row) (column, reason string)
	// Apply, when set, stores one valid row itself instead of the bulk insert and update of
	// the generic importer: for files whose rows carry side effects (a ledger posting). It
	// reports whether the row was new (false: already stored, unchanged); an *apperr.Error
	// that is not internal rejects the row, blaming its field; any other error stops the import.
	Apply func(ctx context.Context, db *store.DB, by audit.Actor, r Row) (stored bool, err error)

	keyIdx, valIdx []int
	colIdx         map[string]int
}

// storable returns the values of r as they are written: secret columns marked so the storage
// layer seals them (ID numbers it recognises itself).
func (l *Layout) storable(r Row) []any {
	out := append([]any(nil), r...)
	for i, c := range l.Columns {
		if s, ok := out[i].(string); ok && c.Secret {
			out[i] = seal.Secret(s)
		}
	}
	return out
}

// Row holds one row's values in the layout's column order, as described by Kind.
type Row []any

// File is the layout's CSV file name.
func (l *Layout) File() string { return l.Name + ".csv" }

// Index returns the position of the named column, or -1.
func (l *Layout) Index(name string) int {
	if i, ok := l.colIdx[name]; ok {
		return i
	}
	return -1
}

// KeyIndex and ValueIndex list the positions of the key columns and of the other columns.
func (l *Layout) KeyIndex() []int { return l.keyIdx }

// ValueIndex lists the positions of the non-key columns; see KeyIndex.
func (l *Layout) ValueIndex() []int { return l.valIdx }

// ColumnNames returns the column names in canonical order.
func (l *Layout) ColumnNames() []string {
	out := make([]string, len(l.Columns))
	for i, c := range l.Columns {
		out[i] = c.Name
	}
	return out
}

var (
	statuses   = []string{"active", "cancelled", "revoked"}
	events     = []string{"add", "remove", "base"}
	categories = []string{"regular", "intern", "over_age", "part_time", "courier", "civil_servant", "new_form", "project"}
	longTerm   = []string{"disability_allowance", "nursing_care", "survivor_pension"}
	selfCare   = []string{"full", "most", "partial"}
	relations  = []string{"spouse", "child", "parent", "grandparent", "grandchild", "sibling"}
)

// Layouts lists every interchange file in import order: a file comes after the files its
// rows refer to (employers before enrollment events), so one folder imports in one pass.
var Layouts = []*Layout{
	{Name: "employers", Key: []string{"uscc"}, Columns: []Column{
		{Name: "uscc", Kind: USCC, Required: true},
		{Name: "name", Kind: Text, Required: true},
		{Name: "region", Kind: Region, Required: true},
		{Name: "industry_code", Kind: Industry, Required: true},
		{Name: "status", Kind: Enum, Required: true, Enum: statuses},
		{Name: "registered_on", Kind: Date},
	}},
	{Name: "persons", Key: []string{"id_number"}, Columns: []Column{
		{Name: "id_number", Kind: IDNumber, Required: true},
		{Name: "name", Kind: Text, Required: true},
	}},
	{Name: "enrollment_events", Key: []string{"id_number", "uscc", "event", "month", "recorded_on"},
		Check: checkEnrollmentEvent, Columns: []Column{
			{Name: "id_number", Kind: IDNumber, Required: true},
			{Name: "uscc", Kind: USCC, Required: true},
			{Name: "event", Kind: Enum, Required: true, Enum: events},
			{Name: "month", Kind: Month, Required: true},
			{Name: "recorded_on", Kind: Date, Required: true},
			{Name: "monthly_base", Kind: Money},
			{Name: "category", Kind: Enum, Enum: categories},
		}},
	{Name: "projects", Key: []string{"project_code"}, Check: checkProject, Columns: []Column{
		{Name: "project_code", Kind: Text, Required: true},
		{Name: "uscc", Kind: USCC, Required: true},
		{Name: "name", Kind: Text, Required: true},
		{Name: "region", Kind: Region, Required: true},
		{Name: "contract_value", Kind: Money, Required: true},
		{Name: "start_date", Kind: Date, Required: true},
		{Name: "end_date", Kind: Date, Required: true},
		{Name: "rate", Kind: Rate, Required: true},
	}},
	{Name: "claims", Key: []string{"claim_no"}, Columns: []Column{
		{Name: "claim_no", Kind: Text, Required: true},
		{Name: "id_number", Kind: IDNumber, Required: true},
		{Name: "uscc", Kind: USCC, Required: true},
		{Name: "injury_at", Kind: DateTime, Required: true},
		{Name: "applied_on", Kind: Date},
		{Name: "project_code", Kind: Text},
		{Name: "reported_at", Kind: DateTime},
	}},
	{Name: "deaths", Key: []string{"id_number"}, Columns: []Column{
		{Name: "id_number", Kind: IDNumber, Required: true},
		{Name: "death_date", Kind: Date, Required: true},
	}},
	{Name: "market_registry", Key: []string{"uscc"}, Columns: []Column{
		{Name: "uscc", Kind: USCC, Required: true},
		{Name: "name", Kind: Text, Required: true},
		{Name: "region", Kind: Region, Required: true},
		{Name: "status", Kind: Enum, Required: true, Enum: statuses},
		{Name: "registered_on", Kind: Date},
	}},
	{Name: "tax_withholding", Key: []string{"uscc", "id_number", "month"}, Columns: []Column{
		{Name: "uscc", Kind: USCC, Required: true},
		{Name: "id_number", Kind: IDNumber, Required: true},
		{Name: "month", Kind: Month, Required: true},
	}},
	// Our addition to the spec's list (docs/interchange.md): what the tax authority collected,
	// one row per collection. Each row posts to the fund ledger, so it is applied row by row.
	{Name: "contributions_collected", Key: []string{"uscc", "month", "collected_on"}, Apply: applyCollection, Columns: []Column{
		{Name: "uscc", Kind: USCC, Required: true},
		{Name: "month", Kind: Month, Required: true},
		{Name: "amount", Kind: Money, Required: true},
		{Name: "collected_on", Kind: Date, Required: true},
	}},
	{Name: "payments", Key: []string{"id_number", "item", "month"}, Columns: []Column{
		{Name: "id_number", Kind: IDNumber, Required: true},
		{Name: "item", Kind: Text, Required: true},
		{Name: "month", Kind: Month, Required: true},
		{Name: "amount", Kind: Money, Required: true},
		{Name: "bank_account", Kind: Text, Secret: true},
	}},
	{Name: "beneficiaries", Key: []string{"id_number", "item", "worker_id_number"}, Check: checkBeneficiary, Columns: []Column{
		{Name: "id_number", Kind: IDNumber, Required: true},
		{Name: "name", Kind: Text, Required: true},
		{Name: "item", Kind: Enum, Required: true, Enum: longTerm},
		{Name: "grade", Kind: Int, Min: 1, Max: 4},
		{Name: "self_care", Kind: Enum, Enum: selfCare},
		{Name: "relation", Kind: Enum, Enum: relations},
		{Name: "orphan_or_lone", Kind: Bool},
		{Name: "monthly_amount", Kind: Money, Required: true},
		{Name: "start_month", Kind: Month, Required: true},
		{Name: "end_month", Kind: Month},
		{Name: "bank_account", Kind: Text, Secret: true},
		{Name: "worker_id_number", Kind: IDNumber, Required: true},
	}},
}

// Lookup returns the layout with the given name ("employers") or file name ("employers.csv").
func Lookup(name string) (*Layout, bool) {
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".csv"), ".xlsx")
	for _, l := range Layouts {
		if l.Name == name {
			return l, true
		}
	}
	return nil, false
}

func init() {
	for _, l := range Layouts {
		l.colIdx = map[string]int{}
		for i, c := range l.Columns {
			l.colIdx[c.Name] = i
		}
		isKey := map[int]bool{}
		for _, k := range l.Key {
			i, ok := l.colIdx[k]
			if !ok {
				panic(fmt.Sprintf("interchange: layout %s: key %s is not a column", l.Name, k))
			}
			l.keyIdx = append(l.keyIdx, i)
			isKey[i] = true
		}
		for i := range l.Columns {
			if !isKey[i] {
				l.valIdx = append(l.valIdx, i)
			}
		}
	}
}

// checkEnrollmentEvent: an add starts coverage, so it needs its category and base; a base
// change needs the new base (contributions.md). A remove carries neither.
func checkEnrollmentEvent(r Row) (string, string) {
	ev := r[2].(string)
	if ev == "add" && r[6] == nil {
		return "category", "增员须填写人员类别 required on add"
	}
	if (ev == "add" || ev == "base") && r[5] == nil {
		return "monthly_base", "增员和基数调整须填写缴费基数 required on " + ev
	}
	return "", ""
}

func checkProject(r Row) (string, string) {
	if r[6].(string) < r[5].(string) {
		return "end_date", "竣工日期早于开工日期 before start_date"
	}
	return "", ""
}

// checkBeneficiary applies payroll.md: allowances carry a grade 1–4, nursing care a self-care
// level, survivor pensions a relation; an end month is not before the start month.
func checkBeneficiary(r Row) (string, string) {
	switch r[2].(string) {
	case "disability_allowance":
		if r[3] == nil {
			return "grade", "伤残津贴须填写伤残等级 required for disability_allowance"
		}
	case "nursing_care":
		if r[4] == nil {
			return "self_care", "护理费须填写生活自理障碍等级 required for nursing_care"
		}
	case "survivor_pension":
		if r[5] == nil {
			return "relation", "供养亲属抚恤金须填写亲属关系 required for survivor_pension"
		}
	}
	if r[9] != nil && r[9].(string) < r[8].(string) {
		return "end_month", "终止月早于起始月 before start_month"
	}
	return "", ""
}

// applyCollection records a collection through contribstore, which posts it to the ledger.
func applyCollection(ctx context.Context, db *store.DB, by audit.Actor, r Row) (bool, error) {
	return contribstore.ImportCollection(ctx, db, by, r[0].(string), r[1].(string), money.Amount(r[2].(int64)), r[3].(string))
}
