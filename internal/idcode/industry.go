package idcode

import "fmt"

// RiskClass is a work-injury industry risk class, I (lowest) to VIII (highest), per
// 人社部发〔2015〕71号. It decides the base contribution rate (spec/contributions.md).
type RiskClass int

var romans = [...]string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII"}

// String returns the Roman numeral the annex uses, "I" to "VIII".
func (c RiskClass) String() string {
	if c >= 1 && c <= 8 {
		return romans[c]
	}
	return fmt.Sprintf("RiskClass(%d)", int(c))
}

// annex2011 is our reading of the annex of 人社部发〔2015〕71号, by GB/T 4754-2011 division, as
// printed in spec/contributions.md. It is kept in the 2011 numbering the annex uses, so it
// can be checked against the document line by line; DefaultRiskClasses renumbers it.
var annex2011 = map[RiskClass][]int{
	1: {65, 66, 67, 68, 69, 75, 84, 86, 90, 91, 92, 93, 94, 95, 96},
	2: {51, 52, 59, 60, 61, 62, 63, 64, 70, 71, 72, 73, 74, 79, 81, 82, 83, 85, 87},
	3: {13, 14, 15, 16, 17, 20, 24, 39, 40, 41, 46, 80, 76, 77, 78, 89},
	4: {1, 3, 5, 18, 19, 23, 27, 28, 29, 33, 34, 35, 36, 37, 38, 42, 43, 44, 45, 53, 56, 57, 88},
	5: {2, 11, 21, 22, 49, 50, 54, 55, 58},
	6: {4, 26, 30, 31, 32, 47, 48},
	7: {7, 12, 25},
	8: {6, 8, 9, 10},
}

// LandManagementClass is the class given to 2017 division 79 (土地管理业), which the 2011
// annex lacks: class III like its neighbours 76–78, as contributions.md decides.
const LandManagementClass RiskClass = 3

// RiskTable maps a GB/T 4754-2017 division (1–97) to its risk class. A province's policy may
// hold its own table; DefaultRiskClasses returns the national reading.
type RiskTable map[int]RiskClass

// DefaultRiskClasses returns a fresh copy of the national table in 2017 numbering: divisions
// 01–78 are the annex's own; 79 is LandManagementClass; 2017's 80–97 are the annex's 79–96.
// A copy, so a caller overriding entries for a province cannot change everyone's defaults.
func DefaultRiskClasses() RiskTable {
	t := RiskTable{79: LandManagementClass}
	for class, divs := range annex2011 {
		for _, d := range divs {
			if d >= 79 {
				d++
			}
			t[d] = class
		}
	}
	return t
}

// Division validates a GB/T 4754-2017 industry code (2 to 4 digits: division, then group and
// class) and returns its division, 1–97.
func Division(code string) (int, error) {
	if len(code) < 2 || len(code) > 4 {
		return 0, fail(RuleLength, "行业代码应为2至4位数字 industry code must be 2 to 4 digits, got %d characters", len(code))
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0, fail(RuleCharset, "行业代码应为数字 industry code must be digits")
		}
	}
	d := atoi(code[:2])
	if d < 1 || d > 97 {
		return 0, fail(RuleIndustry, "行业大类%s不存在 no GB/T 4754-2017 division %s (01-97)", code[:2], code[:2])
	}
	return d, nil
}

// ValidateIndustry checks a GB/T 4754-2017 industry code; see Division.
func ValidateIndustry(code string) error {
	_, err := Division(code)
	return err
}

// Class returns the risk class of an industry code under table t.
func (t RiskTable) Class(code string) (RiskClass, error) {
	d, err := Division(code)
	if err != nil {
		return 0, err
	}
	c, ok := t[d]
	if !ok {
		return 0, fail(RuleIndustry, "行业大类%02d未定风险类别 division %02d has no risk class in this table", d, d)
	}
	return c, nil
}
