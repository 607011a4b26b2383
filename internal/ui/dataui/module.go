// Package dataui is the data exchange page (issue 4, item 6; spec/interchange.md and
// security.md): every interchange layout exported as CSV or XLSX from the browser — audited
// with its row count and limited to the caller's region scope — and a folder's files uploaded
// for import through interchange.ImportDir, with the `file:line: column: reason` report shown
// on the page, kept, and downloadable.
//
// Who (our choice): exports — system administrator (data migration and exchange with other
// departments), fund officer (reconciling collections with the tax bureau's files) and risk
// investigator (comparing our data with tax, market and civil-affairs data); imports — the
// system administrator only, because an import writes straight into the register past the
// per-record services, which is data administration, not casework. Tellers enter records one
// by one at the counter and get no bulk export of personal data.
//
// Limits: an upload is at most MaxUpload bytes in all and runs in the request (a city's
// monthly files fit; the 1,000,000-row files of a migration go through `wiis import` on the
// server, which streams without limit). The stored report keeps at most maxReport bytes of
// problem lines (the count is exact).
package dataui

import (
	"embed"
	"io/fs"

	"wiis/internal/auth"
	"wiis/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// MaxUpload caps the total size of one upload (64 MiB).
const MaxUpload = 64 << 20

// maxReport caps the problem lines kept with an import (2 MiB).
const maxReport = 2 << 20

// Permissions of the data exchange module.
var (
	PermExport   = auth.NewPerm("data.export", auth.SysAdmin, auth.FundOfficer, auth.RiskInvestigator)
	PermImport   = auth.NewPerm("data.import", auth.SysAdmin)
	PermExchange = auth.NewPerm("data.exchange", auth.SysAdmin, auth.FundOfficer, auth.RiskInvestigator)
)

type handlers struct{ s *web.Server }

func init() {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	web.Register(web.Module{Name: "data", Templates: sub, Messages: messages, Install: func(s *web.Server) {
		h := &handlers{s: s}
		for _, rt := range []web.Route{
			{Method: "GET", Pattern: "/data", Perm: PermExchange, Handler: h.page, Nav: "dx.nav"},
			{Method: "GET", Pattern: "/data/export/{layout}", Perm: PermExport, Handler: h.export},
			{Method: "POST", Pattern: "/data/import", Perm: PermImport, Handler: h.upload, MaxBody: MaxUpload},
			{Method: "GET", Pattern: "/data/imports/{id}", Perm: PermImport, Handler: h.importPage},
			{Method: "GET", Pattern: "/data/imports/{id}/report", Perm: PermImport, Handler: h.reportFile},
		} {
			s.Handle(rt)
		}
	}})
}
