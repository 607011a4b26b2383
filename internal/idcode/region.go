package idcode

// Provinces maps the two-digit GB/T 2260 province-level prefix to its name. Without the full
// (yearly revised) code list we check structure and the province, which is what catches typos
// and shifted columns; a region table in the database can add the full list later.
var Provinces = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
	"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

// ValidateRegion checks a GB/T 2260 six-digit region code: digits only, a known province
// prefix, and a consistent level structure (a province-level code "PP0000" has no county
// part; a county part needs a city part).
func ValidateRegion(s string) error {
	if len(s) != 6 {
		return fail(RuleLength, "行政区划代码应为6位 region code must be 6 digits, got %d characters", len(s))
	}
	for i := 0; i < 6; i++ {
		if s[i] < '0' || s[i] > '9' {
			return fail(RuleCharset, "行政区划代码应为数字 region code must be digits")
		}
	}
	if _, ok := Provinces[s[:2]]; !ok {
		return fail(RuleRegion, "省级代码%s不存在 no province with code %s", s[:2], s[:2])
	}
	if s[2:4] == "00" && s[4:6] != "00" {
		return fail(RuleRegion, "县级代码须有地级代码 a county code %s needs a city code", s)
	}
	return nil
}

// RegionLevel returns 1 for a province-level code, 2 for a city, 3 for a county; it assumes
// a code ValidateRegion accepted.
func RegionLevel(s string) int {
	switch {
	case s[2:] == "0000":
		return 1
	case s[4:] == "00":
		return 2
	}
	return 3
}
