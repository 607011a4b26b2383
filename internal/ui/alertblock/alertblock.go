// Package alertblock is the small block that shows, on the pages where the work is done (a
// determination, an assessment, a benefit proposal, a payroll run), the open risk alerts of
// the person, employer or claim concerned (issue 7 item 5). A risk investigator sees each
// alert with a link to it; every other role sees a plain notice naming the rules, so the
// alert reaches whoever handles the case without the evidence leaving the investigators.
//
// A page handler loads the block with Load and puts it in its data; the page template draws
// it with {{.Data.Alerts.HTML .Lang}} (nothing when there is no open alert).
package alertblock

import (
	"bytes"
	"context"
	"html/template"
	"strconv"

	"wiis/internal/auth"
	"wiis/internal/privacy"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/web"
)

func init() {
	web.Register(web.Module{Name: "alertblock", Messages: messages})
}

var messages = web.Messages{
	"alertblock.title":   {Zh: "未关闭的风险预警", En: "Open risk alerts"},
	"alertblock.notice":  {Zh: "此人员、单位或认定有 %d 条未关闭的风险预警，请在办理前联系稽核人员。", En: "%d open risk alert(s) concern this person, employer or claim: consult the risk investigators before acting."},
	"alertblock.rule":    {Zh: "规则", En: "Rule"},
	"alertblock.subject": {Zh: "对象", En: "Subject"},
	"alertblock.status":  {Zh: "状态", En: "Status"},
	"alertblock.detail":  {Zh: "说明", En: "Detail"},
	"alertblock.open":    {Zh: "查看预警", En: "Open the alert"},
}

// Item is one open alert as the block shows it: a list, so no personal number stands whole
// in it (security.md); the alert's own page, one click away for the investigator, has them.
type Item struct {
	ID       int64
	Rule     string
	RuleName string
	Subject  string // masked: see MaskSubject; every subject for roles other than the risk investigator
	Status   string
	Detail   string // ID numbers masked; empty for roles other than the risk investigator
	Href     string // the alert page, for the risk investigator only
}

// MaskSubject is an alert's subject as a list shows it (security.md: personal numbers are
// masked in lists): the ID number of R03, R06 and R08 and the bank account of R09 are
// masked; a claim number or a credit code stays, with any ID number inside it masked. The
// risk pages and the open-alert API use it too, so every list masks alike.
func MaskSubject(rule, subject string) string {
	switch {
	case PersonSubject(rule):
		return privacy.MaskID(subject)
	case rule == "R09":
		return privacy.MaskBank(subject)
	}
	return privacy.MaskText(subject)
}

// PersonSubject reports whether rule's subject is a person's ID number (R03, R06, R08), which a
// link or an API answer names by the person's reference.
func PersonSubject(rule string) bool {
	switch rule {
	case "R03", "R06", "R08":
		return true
	}
	return false
}

// Block is the open alerts of one page's subjects, as the current user may see them.
type Block struct {
	Items        []Item
	Investigator bool
}

// Load reads the open alerts whose subject is one of keys (ID numbers, claim numbers, credit
// codes; blanks and repeats are ignored) with riskstore.OpenAlertsFor, shaped for u.
func Load(ctx context.Context, q store.Querier, u *auth.User, keys ...string) (Block, error) {
	seen := map[string]bool{}
	var ks []string
	for _, k := range keys {
		if k != "" && !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	list, err := riskstore.OpenAlertsFor(ctx, q, ks...)
	if err != nil {
		return Block{}, err
	}
	b := Block{Investigator: u != nil && u.Has(auth.RiskInvestigator)}
	for _, a := range list {
		it := Item{ID: a.ID, Rule: a.Rule, RuleName: risk.RuleName(a.Rule), Status: a.Status}
		if b.Investigator {
			it.Subject, it.Detail = MaskSubject(a.Rule, a.Subject), privacy.MaskText(a.Detail)
			it.Href = "/risk/alerts/" + strconv.FormatInt(a.ID, 10)
		} else {
			it.Subject = privacy.MaskID(a.Subject)
		}
		b.Items = append(b.Items, it)
	}
	return b, nil
}

// noticeKey is a variable so vet does not read the message key as a format.
var noticeKey = "alertblock.notice"

var tmpl = template.Must(template.New("alertblock").Parse(`<section class="risk-alerts" role="alert" data-open-alerts="{{len .B.Items}}">
<h2>{{.Title}}</h2>
{{if .B.Investigator}}<table><thead><tr><th>{{.Rule}}</th><th>{{.Subject}}</th><th>{{.Status}}</th><th>{{.Detail}}</th><th></th></tr></thead><tbody>
{{range .B.Items}}<tr><td>{{.Rule}} {{.RuleName}}</td><td>{{.Subject}}</td><td>{{.Status}}</td><td>{{.Detail}}</td><td><a href="{{.Href}}">{{$.Open}} #{{.ID}}</a></td></tr>
{{end}}</tbody></table>{{else}}<p>{{.Notice}}</p>
<ul>{{range .B.Items}}<li>{{.Rule}} {{.RuleName}} · {{.Subject}}</li>{{end}}</ul>{{end}}
</section>`))

// HTML draws the block in lang; nothing when there is no open alert.
func (b Block) HTML(lang string) template.HTML {
	if len(b.Items) == 0 {
		return ""
	}
	var buf bytes.Buffer
	err := tmpl.Execute(&buf, map[string]any{"B": b, "Title": web.T(lang, "alertblock.title"),
		"Notice": web.T(lang, noticeKey, len(b.Items)), "Rule": web.T(lang, "alertblock.rule"),
		"Subject": web.T(lang, "alertblock.subject"), "Status": web.T(lang, "alertblock.status"),
		"Detail": web.T(lang, "alertblock.detail"), "Open": web.T(lang, "alertblock.open")})
	if err != nil {
		return template.HTML(template.HTMLEscapeString(web.T(lang, noticeKey, len(b.Items))))
	}
	return template.HTML(buf.String())
}
