// Package panels is the extension point of the teller's "whole picture" pages (issue 9,
// item 2: "their whole picture on one screen (enrollment, cases, payments, alerts)"). The
// counter module draws the person and employer pages; any module adds a section to them by
// registering a Panel from its init — casework its cases, risk its alerts — without the
// counter knowing about it:
//
//	func init() {
//		panels.Register(panels.Panel{
//			Name: "casework.cases", Kind: panels.Person, Title: "casework.panel_title", Order: 30,
//			Roles: []auth.Role{auth.Teller, auth.DeterminationOfficer},
//			Load: func(ctx context.Context, q store.Querier, key string) (panels.Table, error) { ... },
//		})
//	}
//
// Title, column headers and Empty are message keys of the registering module's Messages; cell
// texts are data (or message keys when Cell.Key is set). A panel shows only to users holding
// one of its Roles (none: everyone who may open the page), so health data stays with the
// roles whose work needs it (security.md).
package panels

import (
	"context"
	"slices"
	"sort"
	"sync"

	"wiis/internal/auth"
	"wiis/internal/store"
)

// Kinds of page a panel belongs to.
const (
	Person   = "person"   // key: the resident ID number
	Employer = "employer" // key: the unified social credit code
)

// Cell is one table cell.
type Cell struct {
	Text string
	Href string // a link, if any
	Key  bool   // Text is a message key to translate
	Num  bool   // right-aligned figure
}

// Table is what a panel shows.
type Table struct {
	Columns []string // message keys
	Rows    [][]Cell
	Empty   string // message key shown when there are no rows
	Note    string // message key of a line under the table, optional
}

// Panel is one section of a person or employer page.
type Panel struct {
	Name  string // unique, "module.what"
	Kind  string // Person or Employer
	Title string // message key
	Order int    // smaller first
	Roles []auth.Role
	Load  func(ctx context.Context, q store.Querier, key string) (Table, error)
}

var (
	mu  sync.Mutex
	all []Panel
)

// Register adds a panel; call it from an init function. It panics on a duplicate name or a
// panel without a loader (programming errors found at start-up).
func Register(p Panel) {
	mu.Lock()
	defer mu.Unlock()
	if p.Load == nil || p.Name == "" || (p.Kind != Person && p.Kind != Employer) {
		panic("panels: panel " + p.Name + " needs a name, a kind and a loader")
	}
	for _, o := range all {
		if o.Name == p.Name {
			panic("panels: duplicate panel " + p.Name)
		}
	}
	all = append(all, p)
}

// For returns the panels of a kind of page that u may see, in order.
func For(kind string, u *auth.User) []Panel {
	mu.Lock()
	defer mu.Unlock()
	var out []Panel
	for _, p := range all {
		if p.Kind != kind {
			continue
		}
		if len(p.Roles) > 0 && !slices.ContainsFunc(p.Roles, u.Has) {
			continue
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// Shown is a loaded panel ready for a template.
type Shown struct {
	Name  string
	Title string
	Table Table
}

// Load runs the loaders of the panels u may see for one subject. link rewrites every cell's
// link (the server's RefLinks): loaders link to a person by ID number, and the page must carry
// the person's reference instead (security.md: no whole number in a list).
func Load(ctx context.Context, q store.Querier, kind, key string, u *auth.User, link func(string) string) ([]Shown, error) {
	var out []Shown
	for _, p := range For(kind, u) {
		t, err := p.Load(ctx, q, key)
		if err != nil {
			return nil, err
		}
		for _, row := range t.Rows {
			for i := range row {
				if row[i].Href != "" {
					row[i].Href = link(row[i].Href)
				}
			}
		}
		out = append(out, Shown{Name: p.Name, Title: p.Title, Table: t})
	}
	return out, nil
}
