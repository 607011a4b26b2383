package prevui

import (
	"testing"

	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
)

// TestEveryDomainCodeHasTextInBothLanguages: the templates build keys from codes, so each
// code of the domain lists needs its message.
func TestEveryDomainCodeHasTextInBothLanguages(t *testing.T) {
	m := messages()
	check := func(key string) {
		if msg, ok := m[key]; !ok || msg.Zh == "" || msg.En == "" {
			t.Errorf("no message %s", key)
		}
	}
	for prefix, codes := range map[string][]prevention.Code{"pv.type.": prevention.ProjectTypes, "pv.factor.": prevention.HazardFactors,
		"pv.exam.": prevention.ExamKinds, "pv.result.": prevention.ExamResults, "pv.suspect.": prevention.SuspectStates,
		"pv.origin.": prevention.RehabOrigins, "pv.point.": prevention.ScreeningPoints, "pv.mode.": prevention.PlanModes, "pv.rtw.": prevention.ReturnOutcomes} {
		for _, c := range codes {
			check(prefix + c.Code)
		}
	}
	for _, s := range prevention.RehabStates {
		check("pv.state." + string(s))
	}
	for _, a := range prevention.RehabActions {
		check("pv.act." + string(a))
	}
	for _, k := range prevstore.FileKinds {
		check("pv.kind." + k)
	}
	for _, i := range []prevention.Indicator{prevention.AccidentRateAbove, prevention.ODRateAbove, prevention.ExpenditureRatioAbove} {
		check("pv.ind." + string(i))
	}
	for _, k := range []string{"exam", "suspect", "injury", "rehab", "return", "payment"} {
		check("pv.hist." + k)
	}
}
