package alertblock

import (
	"context"
	"strings"
	"testing"
	"time"

	"wiis/internal/auth"
	"wiis/internal/coverage"
	"wiis/internal/privacy"
	"wiis/internal/risk"
	"wiis/internal/risk/riskstore"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// TestInvestigatorGetsLinksOthersANotice checks the two shapes of the block and that an empty
// block draws nothing (the texts are checked on the pages, where the catalogue is loaded).
func TestInvestigatorGetsLinksOthersANotice(t *testing.T) {
	if got := (Block{}).HTML("zh"); got != "" {
		t.Fatalf("empty block: %q", got)
	}
	it := Item{ID: 7, Rule: "R03", RuleName: "死亡后仍领待遇", Subject: "3415**********1234", Status: "open"}
	other := string(Block{Items: []Item{it}}.HTML("en"))
	if !strings.Contains(other, `data-open-alerts="1"`) || strings.Contains(other, "<a ") {
		t.Errorf("notice: %s", other)
	}
	it.Href, it.Detail = "/risk/alerts/7", "<script>x</script>"
	inv := string(Block{Items: []Item{it}, Investigator: true}.HTML("zh"))
	if !strings.Contains(inv, `href="/risk/alerts/7"`) || strings.Contains(inv, "<script>") {
		t.Errorf("investigator: %s", inv)
	}
}

// TestTheBlockHoldsNoWholePersonalNumber checks that the block, a list of alerts, masks the ID
// numbers and bank accounts of its subjects and details for the investigator too
// (security.md), while a credit code stays whole for them.
func TestTheBlockHoldsNoWholePersonalNumber(t *testing.T) {
	const (
		dead  = "341502195001011230" // valid ID numbers
		payee = "341502199001011116"
		firm  = "91341500MA2TEST01X"
		acct  = "6217000010012345678"
	)
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	m, _ := coverage.ParseMonth("2024-06")
	if _, err := riskstore.Save(ctx, db, m, []risk.Alert{
		{Rule: "R03", Subject: dead, Detail: "2024-03 死亡，2024-05 仍领待遇"},
		{Rule: "R07", Subject: firm, Detail: "2024-05 代扣 " + payee + " 个人所得税但未为其参保"},
		{Rule: "R09", Subject: acct, Detail: "2 人共用"},
	}, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, role := range []auth.Role{auth.RiskInvestigator, auth.DeterminationOfficer} {
		b, err := Load(ctx, db, &auth.User{Username: "u", Roles: []auth.Role{role}}, dead, firm, acct, "")
		if err != nil || len(b.Items) != 3 {
			t.Fatalf("%s: %d items, %v", role, len(b.Items), err)
		}
		page := string(b.HTML("zh"))
		for _, whole := range []string{dead, payee, acct} {
			if strings.Contains(page, whole) {
				t.Errorf("%s: the block shows %s whole:\n%s", role, whole, page)
			}
		}
		if !strings.Contains(page, privacy.MaskID(dead)) || !strings.Contains(page, privacy.MaskBank(acct)) {
			t.Errorf("%s: subjects not shown masked:\n%s", role, page)
		}
		if role == auth.RiskInvestigator && (!strings.Contains(page, firm) || !strings.Contains(page, "代扣 "+privacy.MaskID(payee))) {
			t.Errorf("investigator: the credit code or the masked detail is missing:\n%s", page)
		}
	}
}

// TestMaskSubjectByRule checks the subject masking rule by rule.
func TestMaskSubjectByRule(t *testing.T) {
	for _, c := range []struct{ rule, subject, want string }{
		{"R03", "341502195001011230", "3415**********1230"},
		{"R09", "6217000010012345678", "6217***********5678"},
		{"R07", "91341500MA2TEST01X", "91341500MA2TEST01X"},
		{"R01", "GS2024-0001", "GS2024-0001"},
	} {
		if got := MaskSubject(c.rule, c.subject); got != c.want {
			t.Errorf("MaskSubject(%s, %s) = %s, want %s", c.rule, c.subject, got, c.want)
		}
	}
}
