package interchange

import (
	"math/big"
	"slices"
	"strconv"
	"strings"

	"wiis/internal/idcode"
	"wiis/internal/money"
)

// parseCell validates one trimmed, non-empty cell of column c and returns its Row value, or
// a reason for the report.
func (c *Column) parseCell(s string) (any, string) {
	switch c.Kind {
	case Text:
		if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			return nil, "含控制字符 contains control characters"
		}
		return s, ""
	case IDNumber:
		if err := idcode.ValidateID(s); err != nil {
			return nil, err.Error()
		}
		return s, ""
	case USCC:
		if err := idcode.ValidateUSCC(s); err != nil {
			return nil, err.Error()
		}
		return s, ""
	case Region:
		if err := idcode.ValidateRegion(s); err != nil {
			return nil, err.Error()
		}
		return s, ""
	case Industry:
		if err := idcode.ValidateIndustry(s); err != nil {
			return nil, err.Error()
		}
		return s, ""
	case Date:
		if !isDate(s) {
			return nil, "日期应为YYYY-MM-DD must be a date YYYY-MM-DD"
		}
		return s, ""
	case Month:
		if !isMonth(s) {
			return nil, "月份应为YYYY-MM must be a month YYYY-MM"
		}
		return s, ""
	case DateTime:
		if len(s) != 16 || s[10] != 'T' || !isDate(s[:10]) || !isClock(s[11:]) {
			return nil, "时间应为YYYY-MM-DDTHH:MM must be a local date-time YYYY-MM-DDTHH:MM"
		}
		return s, ""
	case Money:
		a, err := money.Parse(s)
		if err != nil {
			return nil, "金额格式错误 " + err.Error()
		}
		if a < 0 {
			return nil, "金额不能为负 must not be negative"
		}
		return a.Fen(), ""
	case Bool:
		switch s {
		case "true":
			return int64(1), ""
		case "false":
			return int64(0), ""
		}
		return nil, "应为true或false must be true or false"
	case Int:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < c.Min || n > c.Max {
			return nil, "应为" + strconv.FormatInt(c.Min, 10) + "至" + strconv.FormatInt(c.Max, 10) + "的整数 must be a whole number from " +
				strconv.FormatInt(c.Min, 10) + " to " + strconv.FormatInt(c.Max, 10)
		}
		return n, ""
	case Enum:
		if !slices.Contains(c.Enum, s) {
			return nil, "取值无效 must be one of " + strings.Join(c.Enum, ", ")
		}
		return s, ""
	case Rate:
		r, err := money.ParseRate(s)
		if err != nil || r.Sign() <= 0 || r.Cmp(one) >= 0 {
			return nil, "费率应为0到1之间的小数 must be a decimal fraction between 0 and 1, e.g. 0.0015"
		}
		return s, ""
	}
	return nil, "unknown column kind"
}

var one = big.NewRat(1, 1)

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// isMonth accepts YYYY-MM with a month 01–12 and a year from 1900, the oldest data we hold.
func isMonth(s string) bool {
	if len(s) != 7 || s[4] != '-' || !digits(s[:4]) || !digits(s[5:]) {
		return false
	}
	y, m := num(s[:4]), num(s[5:])
	return y >= 1900 && m >= 1 && m <= 12
}

// isDate accepts an existing calendar day YYYY-MM-DD; it is hand-written because it runs on
// every cell of million-row files and time.Parse costs more than the rest of the row.
func isDate(s string) bool {
	if len(s) != 10 || s[7] != '-' || !isMonth(s[:7]) || !digits(s[8:]) {
		return false
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	return d >= 1 && d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func isClock(s string) bool {
	return len(s) == 5 && s[2] == ':' && digits(s[:2]) && digits(s[3:]) && num(s[:2]) < 24 && num(s[3:]) < 60
}
