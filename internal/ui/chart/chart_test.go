package chart

import (
	"strings"
	"testing"
)

func TestLineChartDrawsEveryKnownPointAndBreaksAtGaps(t *testing.T) {
	svg := string(LineChart("率 <1>", []string{"2023", "2024", "2025"}, []Line{
		{Name: "A", Values: []float64{1, 2, 3}, OK: []bool{true, true, true}},
		{Name: "B", Values: []float64{0, 4, 0}, OK: []bool{false, true, false}},
	}))
	if !strings.HasPrefix(svg, "<svg") || strings.Count(svg, "<circle") != 4 || strings.Count(svg, "<polyline") != 1 {
		t.Errorf("svg: %s", svg)
	}
	if strings.Contains(svg, "<1>") {
		t.Error("title not escaped")
	}
}
