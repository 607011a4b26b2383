package risk

import (
	"fmt"
	"time"
)

// birthAndSex reads the birth date and sex from an 18-digit resident ID (GB 11643-1999:
// digits 7–14 the birth date, digit 17 odd for men). The import validates IDs with
// internal/idcode on branch import; when that lands this helper gives way to idcode's.
func birthAndSex(id string) (birth time.Time, male bool, err error) {
	if len(id) != 18 {
		return time.Time{}, false, fmt.Errorf("risk: id %q: want 18 characters", id)
	}
	birth, err = time.Parse("20060102", id[6:14])
	if err != nil {
		return time.Time{}, false, fmt.Errorf("risk: id %q: birth date: %w", id, err)
	}
	c := id[16]
	if c < '0' || c > '9' {
		return time.Time{}, false, fmt.Errorf("risk: id %q: sex digit", id)
	}
	return birth, (c-'0')%2 == 1, nil
}
