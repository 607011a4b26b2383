// Package idcode validates and generates the national codes wiis keys its data on: the
// resident ID number (GB 11643-1999), the unified social credit code (GB 32100-2015), the
// administrative region code (GB/T 2260) and the industry code (GB/T 4754-2017) with its
// work-injury risk class. Algorithms follow spec/law-reference.md §7; the risk classes follow
// the table in spec/contributions.md. Every form, API call and import calls these functions,
// so a rule exists once, and each failure names the rule it broke.
package idcode

import "fmt"

// Rule names the check a code failed, so callers can translate or count failures by kind.
type Rule string

// The rules a code can fail.
const (
	RuleLength    Rule = "length"    // wrong number of characters
	RuleCharset   Rule = "charset"   // a character outside the code's alphabet
	RuleCheck     Rule = "check"     // the check character does not match
	RuleBirthDate Rule = "birthdate" // the ID's birth date does not exist or is in the future
	RuleRegion    Rule = "region"    // not a well-formed GB/T 2260 region code
	RuleAuthority Rule = "authority" // USCC registration authority or category unknown
	RuleIndustry  Rule = "industry"  // not a GB/T 4754-2017 code
)

// Error is a validation failure: which rule failed and a bilingual message saying why, e.g.
// "校验码错误 check character should be X".
type Error struct {
	Rule Rule
	Msg  string
}

// Error returns the bilingual message.
func (e *Error) Error() string { return e.Msg }

func fail(r Rule, format string, args ...any) error {
	return &Error{Rule: r, Msg: fmt.Sprintf(format, args...)}
}
