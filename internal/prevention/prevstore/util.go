package prevstore

import (
	"time"

	"wiis/internal/apperr"
)

func parseDay(field, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, apperr.Invalidf(field, "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD")
	}
	return t, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
