package benefit

import "wiis/internal/money"

// MarshalJSON writes months as a JSON number ("19.5", "22").
func (m Months) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a number (or a numeric string) with at most two decimals.
func (m *Months) UnmarshalJSON(b []byte) error {
	var a money.Amount // the same syntax as money: digits, at most two decimals, no exponent
	if err := a.UnmarshalJSON(b); err != nil {
		return err
	}
	*m = Months(a)
	return nil
}

// String formats months without trailing zeros: 22, 19.5, 0.25.
func (m Months) String() string {
	s := money.Amount(m).String()
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// WholeMonths returns Months for a whole number of months.
func WholeMonths(n int64) Months { return Months(n * 100) }
