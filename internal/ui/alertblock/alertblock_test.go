package alertblock

import (
	"strings"
	"testing"
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
