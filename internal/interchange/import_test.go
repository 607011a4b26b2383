package interchange

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"wiis/internal/sharedtest"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func sample(t testing.TB) string {
	t.Helper()
	return filepath.Join(sharedtest.Dir(t, "interchange"), "sample")
}

// wantSample is what the shared sample must import to: five rows of enrollment_events.csv are
// bad (a wrong ID check character, a wrong USCC check character, month 13, a negative base
// and an unknown event), everything else is valid.
var wantSample = []FileStats{
	{File: "employers.csv", Read: 25, Imported: 25},
	{File: "persons.csv", Read: 653, Imported: 653},
	{File: "enrollment_events.csv", Read: 1047, Imported: 1042, Rejected: 5},
	{File: "projects.csv", Read: 4, Imported: 4},
	{File: "claims.csv", Read: 24, Imported: 24},
	{File: "deaths.csv", Read: 6, Imported: 6},
	{File: "market_registry.csv", Read: 30, Imported: 30},
	{File: "tax_withholding.csv", Read: 1880, Imported: 1880},
	{File: "payments.csv", Read: 28, Imported: 28},
	{File: "beneficiaries.csv", Read: 2, Imported: 2},
}

var wantProblems = []string{
	"enrollment_events.csv:1044: id_number: 校验码错误 check character should be 9",
	"enrollment_events.csv:1045: uscc: 校验码错误 check character should be E",
	"enrollment_events.csv:1046: month: 月份应为YYYY-MM must be a month YYYY-MM",
	"enrollment_events.csv:1047: monthly_base: 金额不能为负 must not be negative",
	"enrollment_events.csv:1048: event: 取值无效 must be one of add, remove, base",
}

func importDir(t *testing.T, db *store.DB, dir string) (*Report, string) {
	t.Helper()
	var out bytes.Buffer
	rep, err := ImportDir(context.Background(), db, dir, Options{Problems: &out, BatchSize: 300})
	if err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	return rep, out.String()
}

func allUnchanged(want []FileStats) []FileStats {
	out := make([]FileStats, len(want))
	for i, f := range want {
		out[i] = FileStats{File: f.File, Read: f.Read, Unchanged: f.Imported, Rejected: f.Rejected}
	}
	return out
}

func TestSampleImportsWithExactlyItsFiveBadRowsRejected(t *testing.T) {
	dir := sample(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rep, out := importDir(t, db, dir)
		if !reflect.DeepEqual(rep.Files, wantSample) {
			t.Fatalf("stats\n got %v\nwant %v", rep.Files, wantSample)
		}
		if got := strings.Split(strings.TrimSpace(out), "\n"); !reflect.DeepEqual(got, wantProblems) {
			t.Fatalf("problems\n got %q\nwant %q", got, wantProblems)
		}
		if rep.ExitCode() != 1 || rep.Rejected != 5 || len(rep.Problems) != 5 {
			t.Fatalf("exit %d rejected %d", rep.ExitCode(), rep.Rejected)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM enrollment_events`).Scan(&n); err != nil || n != 1042 {
			t.Fatalf("enrollment_events stored %d %v", n, err)
		}
		var base int64
		var cat any
		err := db.QueryRow(context.Background(), `SELECT monthly_base, category FROM enrollment_events
			WHERE id_number = ? AND event = 'base' AND month = '2024-07'`, "341503198908130051").Scan(&base, &cat)
		if err != nil || base != 1287500 || cat != nil {
			t.Fatalf("base event: %d %v %v (want 1287500 fen, NULL category)", base, cat, err)
		}

		// Importing again changes nothing.
		rep, out = importDir(t, db, dir)
		if want := allUnchanged(wantSample); !reflect.DeepEqual(rep.Files, want) {
			t.Fatalf("re-import\n got %v\nwant %v", rep.Files, want)
		}
		if strings.Count(out, "\n") != 5 {
			t.Fatalf("re-import reports %q", out)
		}
		var runs int
		var outcome, summary string
		db.QueryRow(context.Background(), `SELECT COUNT(*), MAX(outcome), MAX(summary) FROM import_runs`).Scan(&runs, &outcome, &summary)
		if runs != 2 || outcome != "partial" || !strings.Contains(summary, `"File":"enrollment_events.csv","Read":1047`) {
			t.Fatalf("import_runs: %d %s %s", runs, outcome, summary)
		}
	})
}

// copyDir copies the sample so a test can change it.
func copyDir(t *testing.T, from string, only ...string) string {
	t.Helper()
	to := t.TempDir()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if len(only) > 0 && !contains(only, e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestChangedNonKeyValueCountsAsUpdated(t *testing.T) {
	src := sample(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dir := copyDir(t, src, "employers.csv", "enrollment_events.csv")
		importDir(t, db, dir)
		edit := func(name, old, new string) {
			p := filepath.Join(dir, name)
			b, _ := os.ReadFile(p)
			if !bytes.Contains(b, []byte(old)) {
				t.Fatalf("%s lacks %q", name, old)
			}
			os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644)
		}
		edit("employers.csv", "林艳纺织有限公司", "林艳纺织集团有限公司")
		edit("enrollment_events.csv", "341503198908130051,9134150303000001XT,add,2023-01,2022-12-30,12500.00,regular",
			"341503198908130051,9134150303000001XT,add,2023-01,2022-12-30,12600.5,regular")
		rep, _ := importDir(t, db, dir)
		if e := rep.Files[0]; e.Updated != 1 || e.Unchanged != 24 || e.Imported != 0 {
			t.Fatalf("employers %v", e)
		}
		if e := rep.Files[1]; e.Updated != 1 || e.Unchanged != 1041 || e.Rejected != 5 {
			t.Fatalf("events %v", e)
		}
		var name string
		var base int64
		ctx := context.Background()
		db.QueryRow(ctx, `SELECT name FROM employers WHERE uscc = '9134150303000001XT'`).Scan(&name)
		db.QueryRow(ctx, `SELECT monthly_base FROM enrollment_events WHERE id_number = '341503198908130051' AND month = '2023-01'`).Scan(&base)
		if name != "林艳纺织集团有限公司" || base != 1260050 {
			t.Fatalf("stored %s %d", name, base)
		}
	})
}

func TestDuplicateKeyInOneFileIsAnUpdateOfTheFirstRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "persons.csv"), []byte("name,id_number\n甲,11010519491231002X\n乙,11010519491231002X\n乙,11010519491231002X\n"), 0o644)
		rep, _ := importDir(t, db, dir)
		if f := rep.Files[0]; f.Imported != 1 || f.Updated != 1 || f.Unchanged != 1 {
			t.Fatalf("%v", f)
		}
	})
}

func TestUnknownEmployerOfAnEnrollmentEventIsRejected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "enrollment_events.csv"), []byte(
			"id_number,uscc,event,month,recorded_on,monthly_base,category\n"+
				"11010519491231002X,91350100M000100Y43,add,2024-01,2024-01-02,5000,regular\n"), 0o644)
		rep, out := importDir(t, db, dir)
		if rep.Rejected != 1 || !strings.HasPrefix(out, "enrollment_events.csv:2: uscc: ") {
			t.Fatalf("%v %q", rep.Files, out)
		}
		// Once the employer is stored, the same file imports.
		db.Exec(context.Background(), `INSERT INTO employers (uscc, name, region, industry_code, status) VALUES ('91350100M000100Y43', 'x', '350100', '6510', 'active')`)
		rep, _ = importDir(t, db, dir)
		if rep.Rejected != 0 || rep.Files[0].Imported != 1 {
			t.Fatalf("%v", rep.Files)
		}
	})
}

// toXLSX writes the raw cells of a CSV file as a workbook with one sheet named like the file,
// as another department's Excel export would look.
func toXLSX(t *testing.T, csvPath, xlsxPath string) {
	t.Helper()
	b, _ := os.ReadFile(csvPath)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	sheet := strings.TrimSuffix(filepath.Base(csvPath), ".csv")
	f.SetSheetName("Sheet1", sheet)
	sw, _ := f.NewStreamWriter(sheet)
	for i, rec := range recs {
		vals := make([]any, len(rec))
		for j, c := range rec {
			vals[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	sw.Flush()
	if err := f.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
}

func TestXLSXOfTheSampleImportsLikeTheCSV(t *testing.T) {
	src := sample(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dir := t.TempDir()
		for _, l := range Layouts {
			if _, err := os.Stat(filepath.Join(src, l.File())); err == nil {
				toXLSX(t, filepath.Join(src, l.File()), filepath.Join(dir, l.Name+".xlsx"))
			}
		}
		rep, out := importDir(t, db, dir)
		want := make([]FileStats, len(wantSample))
		for i, f := range wantSample {
			f.File = strings.Replace(f.File, ".csv", ".xlsx", 1)
			want[i] = f
		}
		if !reflect.DeepEqual(rep.Files, want) {
			t.Fatalf("stats\n got %v\nwant %v", rep.Files, want)
		}
		if got := strings.ReplaceAll(strings.TrimSpace(out), ".xlsx", ".csv"); got != strings.Join(wantProblems, "\n") {
			t.Fatalf("problems %q", got)
		}
		// The CSV of the same data is then all unchanged.
		rep, _ = importDir(t, db, src)
		if want := allUnchanged(wantSample); !reflect.DeepEqual(rep.Files, want) {
			t.Fatalf("csv after xlsx\n got %v\nwant %v", rep.Files, want)
		}
	})
}

func TestExportsReimportUnchangedInCSVAndXLSX(t *testing.T) {
	src := sample(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		importDir(t, db, src)
		ctx := context.Background()
		for _, format := range []string{"csv", "xlsx"} {
			dir := t.TempDir()
			for _, l := range Layouts {
				f, _ := os.Create(filepath.Join(dir, l.Name+"."+format))
				var w Writer
				var err error
				if format == "csv" {
					w, err = NewCSVWriter(f, l)
				} else {
					w, err = NewXLSXWriter(f, l)
				}
				if err != nil {
					t.Fatal(err)
				}
				if err := Export(ctx, db, l, w); err != nil {
					t.Fatal(err)
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				f.Close()
			}
			rep, out := importDir(t, db, dir)
			for _, f := range rep.Files {
				if f.Read != f.Unchanged {
					t.Errorf("%s export re-imported %v %s", format, f, out)
				}
			}
		}
		// The export is byte-stable: fen back to yuan with two decimals, absent as empty.
		var b bytes.Buffer
		l, _ := Lookup("beneficiaries")
		w, _ := NewCSVWriter(&b, l)
		Export(ctx, db, l, w)
		w.Close()
		want := "id_number,name,item,grade,self_care,relation,orphan_or_lone,monthly_amount,start_month,end_month,bank_account,worker_id_number\n" +
			"320402199901112596,王勇,survivor_pension,,,spouse,false,2000.00,2023-05,,6217000010000474,320402198101142573\n" +
			"371002197506252619,马敏,survivor_pension,,,child,false,2000.00,2023-05,,6217000010000474,320402198101142573\n"
		if b.String() != want {
			t.Fatalf("export\n%s\nwant\n%s", b.String(), want)
		}
	})
}

func TestUnusableFolderOrHeaderStoresNothing(t *testing.T) {
	cases := map[string]map[string]string{
		"missing column":  {"persons.csv": "id_number\n11010519491231002X\n"},
		"unknown column":  {"persons.csv": "id_number,name,age\n11010519491231002X,甲,75\n"},
		"repeated column": {"persons.csv": "id_number,name,name\n11010519491231002X,甲,甲\n"},
		"empty file":      {"persons.csv": ""},
		"no files":        {"readme.txt": "hello"},
		"csv and xlsx":    {"persons.csv": "id_number,name\n", "persons.xlsx": "x"},
		"not excel":       {"persons.xlsx": "this is not a zip"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for name, files := range cases {
			dir := t.TempDir()
			// A good employers file next to the bad one must not be imported either.
			os.WriteFile(filepath.Join(dir, "employers.csv"), []byte("uscc,name,region,industry_code,status,registered_on\n91350100M000100Y43,x,350100,6510,active,\n"), 0o644)
			if name == "no files" {
				os.Remove(filepath.Join(dir, "employers.csv"))
			}
			for f, body := range files {
				os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644)
			}
			_, err := ImportDir(context.Background(), db, dir, Options{})
			if !errors.Is(err, ErrUnusable) {
				t.Errorf("%s: got %v, want ErrUnusable", name, err)
			}
			var n int
			db.QueryRow(context.Background(), `SELECT COUNT(*) FROM employers`).Scan(&n)
			if n != 0 {
				t.Fatalf("%s: stored %d employers", name, n)
			}
		}
		_, err := ImportDir(context.Background(), db, filepath.Join(t.TempDir(), "nope"), Options{})
		if !errors.Is(err, ErrUnusable) {
			t.Errorf("missing folder: %v", err)
		}
		var he *HeaderError
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "deaths.csv"), []byte("id_number,died\n"), 0o644)
		_, err = ImportDir(context.Background(), db, dir, Options{})
		if !errors.As(err, &he) || !strings.Contains(he.Error(), "deaths.csv:1: header: 缺少列 missing death_date") {
			t.Errorf("header error: %v", err)
		}
	})
}

func TestImportStopsAtACancelledContextAndTheRerunCompletes(t *testing.T) {
	src := sample(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dir := copyDir(t, src, "employers.csv", "enrollment_events.csv")
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		// Cancel after the third problem line: mid-file, some batches committed, some not.
		w := writerFunc(func(p []byte) (int, error) {
			if n++; n == 1 {
				cancel()
			}
			return len(p), nil
		})
		_, err := ImportDir(ctx, db, dir, Options{Problems: w, BatchSize: 100})
		if err == nil {
			t.Log("import finished before the cancel took effect")
		}
		rep, _ := importDir(t, db, dir)
		f := rep.Files[1]
		if f.Imported+f.Unchanged != 1042 || f.Rejected != 5 {
			t.Fatalf("rerun %v", f)
		}
		var c int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM enrollment_events`).Scan(&c)
		if c != 1042 {
			t.Fatalf("stored %d", c)
		}
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestCSVLinesArePhysicalAndBOMIsTolerated(t *testing.T) {
	l, _ := Lookup("persons")
	body := "\xef\xbb\xbfname,id_number\n\"多行\n姓名\",11010519491231002X\n\n乙,110105194912310021\n丙\n\"bad\"quote,x\n丁,440524188001010014\n"
	r, err := NewCSVReader(strings.NewReader(body), "persons.csv", l)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for r.Next() {
		if r.Row() != nil {
			got = append(got, fmt.Sprintf("%d ok %v", r.Line(), r.Row()))
		}
		for _, e := range r.Errors() {
			got = append(got, e.Error())
		}
	}
	want := []string{
		"persons.csv:2: name: 含控制字符 contains control characters", // a quoted line break spans lines 2-3
		"persons.csv:5: id_number: 校验码错误 check character should be X",
		"persons.csv:6: -: 列数应为2 wrong number of fields: 1, want 2",
		"persons.csv:7: -: CSV格式错误 malformed CSV: extraneous or missing \" in quoted-field",
		"8 ok [440524188001010014 丁]",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

func TestCellRules(t *testing.T) {
	l, _ := Lookup("beneficiaries")
	cases := []struct {
		col, in string
		ok      bool
		want    any
	}{
		{"monthly_amount", "2000", true, int64(200000)},
		{"monthly_amount", "2000.5", true, int64(200050)},
		{"monthly_amount", "2,000.00", false, nil},
		{"monthly_amount", "20.001", false, nil},
		{"orphan_or_lone", "true", true, int64(1)},
		{"orphan_or_lone", "TRUE", false, nil},
		{"grade", "4", true, int64(4)},
		{"grade", "5", false, nil},
		{"start_month", "2024-02", true, "2024-02"},
		{"start_month", "2024-2", false, nil},
		{"start_month", "2024-00", false, nil},
	}
	for _, c := range cases {
		v, reason := l.Columns[l.Index(c.col)].parseCell(c.in)
		if (reason == "") != c.ok || v != c.want {
			t.Errorf("%s %q: %v %q", c.col, c.in, v, reason)
		}
	}
	for s, ok := range map[string]bool{"2024-02-29": true, "2023-02-29": false, "2000-02-29": true, "1900-02-29": false, "2024-04-31": false, "2024-12-31": true, "2024-1-01": false} {
		if isDate(s) != ok {
			t.Errorf("isDate(%s) != %v", s, ok)
		}
	}
	c, _ := Lookup("claims")
	for s, ok := range map[string]bool{"2024-11-26T11:15": true, "2024-11-26 11:15": false, "2024-11-26T24:00": false, "2024-11-26T11:60": false} {
		if _, reason := c.Columns[c.Index("injury_at")].parseCell(s); (reason == "") != ok {
			t.Errorf("datetime %s: %q", s, reason)
		}
	}
	p, _ := Lookup("projects")
	for s, ok := range map[string]bool{"0.0015": true, "0.15%": true, "0": false, "1.5": false, "x": false} {
		if _, reason := p.Columns[p.Index("rate")].parseCell(s); (reason == "") != ok {
			t.Errorf("rate %s: %q", s, reason)
		}
	}
}

func FuzzCSVRow(f *testing.F) {
	l, _ := Lookup("enrollment_events")
	header := strings.Join(l.ColumnNames(), ",") + "\n"
	f.Add("320411199002200038,9134150303000001XT,add,2023-01,2022-12-24,13100.00,regular\n")
	f.Add("\"a\nb\",,,,,,\n")
	f.Add("x,\"y\n")
	f.Add(",,,,,,,,\n\n\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		r, err := NewCSVReader(strings.NewReader(header+body), "e.csv", l)
		if err != nil {
			t.Fatal(err)
		}
		prev := 1
		for r.Next() {
			if r.Line() <= prev-1 || r.Line() < 2 {
				t.Fatalf("line %d after %d", r.Line(), prev)
			}
			prev = r.Line()
			if (r.Row() == nil) == (len(r.Errors()) == 0) {
				t.Fatalf("row %v with errors %v", r.Row(), r.Errors())
			}
			if row := r.Row(); row != nil {
				// A valid row formats back to cells that validate to the same row.
				rec := make([]string, len(row))
				for i := range row {
					rec[i] = l.Columns[i].FormatCell(row[i])
				}
				r2, _ := NewCSVReader(strings.NewReader(header), "e.csv", l)
				if again := r2.Validate(rec, 2); !reflect.DeepEqual(again, row) {
					t.Fatalf("round trip %v -> %v", row, again)
				}
			}
		}
	})
}
