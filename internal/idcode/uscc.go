package idcode

import (
	"fmt"
	"strings"
)

// usccChars is the GB 32100-2015 alphabet; the index of a character is its value (0–30).
// I, O, S, V and Z are excluded to avoid confusion with 1, 0, 5, U and 2.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^(i-1) mod 31 for positions 1..17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCategories maps each registration-authority code (position 1) to the institution
// category codes (position 2) GB 32100-2015 Annex A assigns it. It is a variable so a newly
// announced authority can be added without a release of the validator logic.
var USCCCategories = map[byte]string{
	'1': "1239",   // 机构编制: 机关, 事业单位, 群众团体, 其他
	'2': "19",     // 外交
	'3': "123459", // 司法行政: 律所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
	'4': "19",     // 文化
	'5': "1239",   // 民政: 社会团体, 民办非企业单位, 基金会, 其他
	'6': "129",    // 旅游
	'7': "129",    // 宗教
	'8': "19",     // 工会
	'9': "123",    // 工商: 企业, 个体工商户, 农民专业合作社
	'A': "19",     // 中央军委改革和编制办公室
	'N': "1239",   // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
	'Y': "1",      // 其他
}

// USCCCheckChar computes the GB 32100-2015 check character of the first 17 characters of s.
// It returns 0 when one of them is outside the alphabet.
func USCCCheckChar(s string) byte {
	if len(s) < 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, s[i])
		if v < 0 {
			return 0
		}
		sum += v * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31]
}

// ValidateUSCC checks a unified social credit code: 18 characters of the GB 32100 alphabet,
// a known registration authority and category, a six-digit region (a province-shaped GB/T
// 2260 code, or 100000 for central registration), and the check character. The organisation
// code in positions 9–17 is not checked against GB 11714: codes issued to individual
// businesses do not always satisfy it, and rejecting a registered employer would be worse.
func ValidateUSCC(s string) error {
	if len(s) != 18 {
		return fail(RuleLength, "长度应为18位 must be 18 characters, got %d", len(s))
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccChars, s[i]) < 0 {
			return fail(RuleCharset, "第%d位字符%q不允许 character %d %q is not allowed (0-9, A-Z without I O S V Z)", i+1, s[i], i+1, s[i])
		}
	}
	cats, ok := USCCCategories[s[0]]
	if !ok {
		return fail(RuleAuthority, "登记管理部门码%c不存在 unknown registration authority %c", s[0], s[0])
	}
	if strings.IndexByte(cats, s[1]) < 0 {
		return fail(RuleAuthority, "机构类别码%c不属于登记管理部门%c category %c is not defined for authority %c", s[1], s[0], s[1], s[0])
	}
	if r := s[2:8]; r != "100000" {
		if err := ValidateRegion(r); err != nil {
			return fail(RuleRegion, "登记管理机关行政区划码无效 region %s: %v", r, err)
		}
	}
	if want := USCCCheckChar(s); want != s[17] {
		return fail(RuleCheck, "校验码错误 check character should be %c", want)
	}
	return nil
}

// OrgCodeCheckChar computes the GB 11714 check character of an 8-character organisation code
// body (digits and uppercase letters), as used in USCC positions 9–17.
func OrgCodeCheckChar(body string) byte {
	w := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8 && i < len(body); i++ {
		c := body[i]
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * w[i]
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + r)
	}
}

// GenerateUSCC builds a valid credit code for demo and test data: authority and category
// (e.g. '9', '1' for an enterprise), a six-digit region, and a serial number that becomes
// the eight-digit organisation code body with its GB 11714 check character. It panics on
// arguments that cannot make a valid code, since generators are called with constants.
func GenerateUSCC(authority, category byte, region string, serial int) string {
	if serial < 0 || serial > 99999999 {
		panic(fmt.Sprintf("idcode.GenerateUSCC: serial %d out of range", serial))
	}
	body := fmt.Sprintf("%08d", serial)
	s := string([]byte{authority, category}) + region + body + string(OrgCodeCheckChar(body))
	s += string(USCCCheckChar(s))
	if err := ValidateUSCC(s); err != nil {
		panic("idcode.GenerateUSCC: " + err.Error())
	}
	return s
}

// CouldBeUSCCPrefix reports whether s could be the beginning of a credit code: at most 18
// characters, all of the GB 32100-2015 alphabet. A search term that could not be is not
// looked up among the codes.
func CouldBeUSCCPrefix(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(usccChars, s[i]) < 0 {
			return false
		}
	}
	return true
}
