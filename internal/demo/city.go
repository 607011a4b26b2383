// Package demo builds the synthetic city that `wiis serve --demo` and `wiis demo` load: about
// 200 employers and 5,000 insured workers of Lu'an (六安市, 341500) with valid ID numbers and
// credit codes, two years and more of enrollment history, projects, claims, tax and market
// data, payments and long-term beneficiaries — written as interchange files and loaded through
// the ordinary import, so demo data passes the same validation as real data. Everything is
// generated from a fixed seed, so loading it twice changes nothing. Names are synthetic.
package demo

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"wiis/internal/idcode"
)

// Counties of Lu'an the employers are spread over.
var Counties = []string{"341502", "341503", "341504", "341522", "341523", "341524", "341525"}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
var givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯俊峰婷雪琳晨欣雨佳子轩梓涵博文思远志强海燕春梅小龙")

// Industry codes (GB/T 4754-2017) the demo employers are drawn from, with Chinese trade words
// for their names; a spread over the risk classes.
var trades = []struct{ code, word string }{
	{"1810", "服装"}, {"1713", "纺织"}, {"3311", "金属制品"}, {"3411", "机械"}, {"4700", "建筑"},
	{"4811", "路桥"}, {"5411", "运输"}, {"5810", "物流"}, {"5211", "商贸"}, {"6210", "餐饮"},
	{"6110", "酒店"}, {"1411", "食品"}, {"2614", "化工"}, {"3021", "建材"}, {"0610", "煤业"},
	{"6513", "软件"}, {"8310", "医院"}, {"7211", "物业"}, {"3612", "汽车配件"}, {"2110", "家具"},
}
var suffixes = []string{"有限公司", "有限责任公司", "股份有限公司"}

// Employer is one generated employer.
type Employer struct {
	USCC, Name, Region, Industry, Status, RegisteredOn string
	// ContactName and Phone are the employer's contact: not part of the interchange layout,
	// so SeedCity stores them after the import (see demoPhone).
	ContactName, Phone string
}

// Person is one generated person with the employer that first insures them.
type Person struct {
	ID, Name string
	Male     bool
	Birth    time.Time
	Phone    string // contact phone, see demoPhone
}

// Data is the generated city, in interchange rows (strings, as the files hold them).
type Data struct {
	Employers   []Employer
	Persons     []Person
	Events      [][]string // id_number,uscc,event,month,recorded_on,monthly_base,category
	Projects    [][]string
	Claims      [][]string
	Deaths      [][]string
	Market      [][]string
	Tax         [][]string
	Payments    [][]string
	Beneficiary [][]string
}

// Options size the city.
type Options struct {
	Employers int
	Persons   int
	Now       time.Time // the demo's "today"; history ends in its month
	Seed      uint64
}

// DefaultOptions is the city of issue 2: about 200 employers and 5,000 insured workers.
func DefaultOptions(now time.Time) Options {
	return Options{Employers: 200, Persons: 5000, Now: now, Seed: 20261123}
}

func name(r *rand.Rand) string {
	n := string(surnames[r.IntN(len(surnames))]) + string(givenChars[r.IntN(len(givenChars))])
	if r.IntN(3) > 0 {
		n += string(givenChars[r.IntN(len(givenChars))])
	}
	return n
}

// demoPhone is the i-th demo contact number: valid in form and obviously made up, built from
// the index (138 0000 nnnn for persons; employers alternate a 139 0000 nnnn mobile and a Lu'an
// landline 0564-2000nnn), so the random draws of the rest of the city stay as they were.
func demoPhone(i int, employer bool) string {
	switch {
	case !employer:
		return fmt.Sprintf("1380000%04d", i%10000)
	case i%2 == 0:
		return fmt.Sprintf("1390000%04d", i%10000)
	}
	return fmt.Sprintf("0564-2%06d", i%1000000)
}

func month(t time.Time) string { return t.Format("2006-01") }

func addMonths(t time.Time, n int) time.Time {
	return time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
}

func yuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// Generate builds the city deterministically from o.Seed.
func Generate(o Options) *Data {
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	d := &Data{}
	now := time.Date(o.Now.Year(), o.Now.Month(), 1, 0, 0, 0, 0, time.UTC)
	start := addMonths(now, -35) // three years of history

	for i := 0; i < o.Employers; i++ {
		t := trades[r.IntN(len(trades))]
		region := Counties[r.IntN(len(Counties))]
		e := Employer{
			USCC:         idcode.GenerateUSCC('9', '1', region, 30000000+i*7+1),
			Name:         fmt.Sprintf("六安%s%s%s", name(r)[:3], t.word, suffixes[r.IntN(len(suffixes))]),
			Region:       region,
			Industry:     t.code,
			Status:       "active",
			RegisteredOn: time.Date(2005+r.IntN(18), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
		}
		e.ContactName = string(surnames[(i*13)%len(surnames)]) + string(givenChars[(i*7)%len(givenChars)])
		e.Phone = demoPhone(i, true)
		d.Employers = append(d.Employers, e)
		d.Market = append(d.Market, []string{e.USCC, e.Name, e.Region, "active", e.RegisteredOn})
	}
	// Firms known to the market registry and the tax bureau that never enrolled (R07's point).
	for i := 0; i < 6; i++ {
		region := Counties[i%len(Counties)]
		uscc := idcode.GenerateUSCC('9', '1', region, 39000000+i*11+3)
		d.Market = append(d.Market, []string{uscc, fmt.Sprintf("六安%s商贸有限公司", name(r)[:3]), region, "active", "2019-05-01"})
	}

	seen := map[string]bool{}
	for i := 0; len(d.Persons) < o.Persons; i++ {
		male := r.IntN(100) < 58
		birth := time.Date(1966+r.IntN(38), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		sex := idcode.Female
		if male {
			sex = idcode.Male
		}
		region := Counties[r.IntN(len(Counties))]
		id := idcode.GenerateID(birth, region, r.IntN(500), sex)
		if seen[id] {
			continue
		}
		seen[id] = true
		d.Persons = append(d.Persons, Person{ID: id, Name: name(r), Male: male, Birth: birth, Phone: demoPhone(len(d.Persons), false)})
	}

	// Enrollment: each person joins one employer at some month and stays, moves or leaves;
	// bases are declared each January and grow a little each year.
	cats := []string{"regular", "regular", "regular", "regular", "regular", "regular", "regular", "intern", "part_time", "over_age", "courier"}
	for pi, p := range d.Persons {
		e := d.Employers[pi%len(d.Employers)]
		if r.IntN(4) == 0 {
			e = d.Employers[r.IntN(len(d.Employers))]
		}
		join := addMonths(start, r.IntN(30))
		if r.IntN(2) == 0 {
			join = start
		}
		base := int64(3500+r.IntN(9000)) * 100
		cat := cats[r.IntN(len(cats))]
		rec := func(m time.Time, early int) string { return m.AddDate(0, 0, -early).Format("2006-01-02") }
		d.Events = append(d.Events, []string{p.ID, e.USCC, "add", month(join), rec(join, 1+r.IntN(10)), yuan(base), cat})
		for y := join.Year() + 1; y <= now.Year(); y++ {
			jan := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			base = base * int64(103+r.IntN(5)) / 100 / 100 * 100
			d.Events = append(d.Events, []string{p.ID, e.USCC, "base", month(jan), rec(jan, 5+r.IntN(20)), yuan(base), ""})
		}
		switch x := r.IntN(20); {
		case x == 0: // left the workforce
			leave := addMonths(join, 3+r.IntN(12))
			if leave.Before(now) {
				d.Events = append(d.Events, []string{p.ID, e.USCC, "remove", month(leave), leave.AddDate(0, 1, 2).Format("2006-01-02"), "", ""})
			}
		case x == 1: // moved to another employer
			leave := addMonths(join, 2+r.IntN(12))
			if leave.Before(addMonths(now, -1)) {
				e2 := d.Employers[r.IntN(len(d.Employers))]
				if e2.USCC != e.USCC {
					d.Events = append(d.Events, []string{p.ID, e.USCC, "remove", month(leave), leave.AddDate(0, 1, 2).Format("2006-01-02"), "", ""})
					nm := addMonths(leave, 1)
					d.Events = append(d.Events, []string{p.ID, e2.USCC, "add", month(nm), rec(nm, 3), yuan(base), "regular"})
				}
			}
		}
	}

	// Construction projects insured as a whole (同舟计划).
	for i := 0; i < 24; i++ {
		e := d.Employers[r.IntN(len(d.Employers))]
		s := addMonths(start, r.IntN(30))
		value := int64(2_000_000+r.IntN(40_000_000)) * 100
		d.Projects = append(d.Projects, []string{fmt.Sprintf("LA%s%04d", s.Format("2006"), i+1), e.USCC,
			fmt.Sprintf("%s%s工程", []string{"安置房", "厂房", "道路", "学校", "医院"}[i%5], name(r)[:3]), e.Region,
			yuan(value), s.Format("2006-01-02"), s.AddDate(1+r.IntN(2), 0, -1).Format("2006-01-02"), "0.0015"})
	}

	// Claims: most ordinary; a few carry the patterns the risk rules look for.
	for i := 0; i < 160; i++ {
		p := d.Persons[r.IntN(len(d.Persons))]
		e := d.Employers[r.IntN(len(d.Employers))]
		for _, ev := range d.Events {
			if ev[0] == p.ID && ev[2] == "add" {
				e = employerByUSCC(d.Employers, ev[1])
				break
			}
		}
		inj := addMonths(start, 12+r.IntN(22)).Add(time.Duration(r.IntN(27*24)+8) * time.Hour)
		project, reported := "", ""
		if i%20 == 0 && len(d.Projects) > 0 {
			project = d.Projects[r.IntN(len(d.Projects))][0]
			reported = inj.Add(time.Duration(6+r.IntN(80)) * time.Hour).Format("2006-01-02T15:04")
		}
		d.Claims = append(d.Claims, []string{fmt.Sprintf("GS%s%05d", inj.Format("2006"), i+1), p.ID, e.USCC,
			inj.Format("2006-01-02T15:04"), inj.AddDate(0, 0, 3+r.IntN(25)).Format("2006-01-02"), project, reported})
		if i%3 == 0 {
			pm := addMonths(inj, 2)
			if pm.Before(now) {
				d.Payments = append(d.Payments, []string{p.ID, "lump_sum_disability", month(pm), yuan(int64(20000+r.IntN(100000)) * 100), fmt.Sprintf("62170000%08d", r.IntN(1e8))})
			}
		}
	}

	// Deaths recorded by civil affairs: a few persons, one still on an employer's books.
	for i := 0; i < 8; i++ {
		p := d.Persons[(i*613+17)%len(d.Persons)]
		dd := addMonths(now, -4-r.IntN(12)).AddDate(0, 0, r.IntN(27))
		d.Deaths = append(d.Deaths, []string{p.ID, dd.Format("2006-01-02")})
	}

	// Tax withholding for the last six months: every covered person, plus uninsured staff of
	// a few employers and of the unregistered firms.
	for m := addMonths(now, -6); m.Before(now); m = addMonths(m, 1) {
		for _, ev := range d.Events {
			if ev[2] == "add" && ev[3] <= month(m) && r.IntN(50) > 0 {
				d.Tax = append(d.Tax, []string{ev[1], ev[0], month(m)})
			}
		}
	}
	for i := 0; i < 40; i++ {
		p := d.Persons[r.IntN(len(d.Persons))]
		firm := d.Market[o.Employers+i%6][0]
		d.Tax = append(d.Tax, []string{firm, p.ID, month(addMonths(now, -2))})
	}
	d.Tax = dedupe(d.Tax)

	// Long-term beneficiaries migrated from the legacy system.
	for i := 0; i < 300; i++ {
		p := d.Persons[(i*37+5)%len(d.Persons)]
		startM := addMonths(start, r.IntN(24))
		acct := fmt.Sprintf("62170010%08d", 10000+i)
		switch i % 3 {
		case 0:
			g := 1 + r.IntN(4)
			d.Beneficiary = append(d.Beneficiary, []string{p.ID, p.Name, "disability_allowance", fmt.Sprint(g), "", "", "", yuan(int64(2800+r.IntN(3000)) * 100), month(startM), "", acct, p.ID})
		case 1:
			lv := []string{"full", "most", "partial"}[r.IntN(3)]
			d.Beneficiary = append(d.Beneficiary, []string{p.ID, p.Name, "nursing_care", "", lv, "", "", yuan(int64(1500+r.IntN(1500)) * 100), month(startM), "", acct, p.ID})
		default:
			w := d.Persons[(i*53+11)%len(d.Persons)]
			rel := []string{"spouse", "parent"}[r.IntN(2)] // the synthetic persons are adults: no child survivors
			end := ""
			d.Beneficiary = append(d.Beneficiary, []string{p.ID, p.Name, "survivor_pension", "", "", rel, fmt.Sprint(r.IntN(8) == 0), yuan(int64(1200+r.IntN(1500)) * 100), month(startM), end, acct, w.ID})
		}
	}
	return d
}

func employerByUSCC(es []Employer, uscc string) Employer {
	for _, e := range es {
		if e.USCC == uscc {
			return e
		}
	}
	return es[0]
}

func dedupe(rows [][]string) [][]string {
	seen := map[string]bool{}
	out := rows[:0]
	for _, r := range rows {
		k := fmt.Sprint(r)
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

// WriteDir writes the city as interchange CSV files into dir.
func (d *Data) WriteDir(dir string) error {
	emp := make([][]string, len(d.Employers))
	for i, e := range d.Employers {
		emp[i] = []string{e.USCC, e.Name, e.Region, e.Industry, e.Status, e.RegisteredOn}
	}
	per := make([][]string, len(d.Persons))
	for i, p := range d.Persons {
		per[i] = []string{p.ID, p.Name}
	}
	files := []struct {
		name   string
		header []string
		rows   [][]string
	}{
		{"employers", []string{"uscc", "name", "region", "industry_code", "status", "registered_on"}, emp},
		{"persons", []string{"id_number", "name"}, per},
		{"enrollment_events", []string{"id_number", "uscc", "event", "month", "recorded_on", "monthly_base", "category"}, d.Events},
		{"projects", []string{"project_code", "uscc", "name", "region", "contract_value", "start_date", "end_date", "rate"}, d.Projects},
		{"claims", []string{"claim_no", "id_number", "uscc", "injury_at", "applied_on", "project_code", "reported_at"}, d.Claims},
		{"deaths", []string{"id_number", "death_date"}, d.Deaths},
		{"market_registry", []string{"uscc", "name", "region", "status", "registered_on"}, d.Market},
		{"tax_withholding", []string{"uscc", "id_number", "month"}, d.Tax},
		{"payments", []string{"id_number", "item", "month", "amount", "bank_account"}, d.Payments},
		{"beneficiaries", []string{"id_number", "name", "item", "grade", "self_care", "relation", "orphan_or_lone", "monthly_amount", "start_month", "end_month", "bank_account", "worker_id_number"}, d.Beneficiary},
	}
	for _, f := range files {
		fh, err := os.Create(filepath.Join(dir, f.name+".csv"))
		if err != nil {
			return err
		}
		w := csv.NewWriter(fh)
		w.Write(f.header)
		w.WriteAll(f.rows)
		if err := w.Error(); err != nil {
			fh.Close()
			return err
		}
		if err := fh.Close(); err != nil {
			return err
		}
	}
	return nil
}
