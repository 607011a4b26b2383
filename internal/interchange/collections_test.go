package interchange

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"wiis/internal/audit"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

// What the tax authority collected imports row by row through the ledger: a good row is
// posted once, the same row again is unchanged, a bad row is reported and the rest kept; the
// statement then shows paid, underpaid and arrears with late fees. CSV and XLSX alike.
func TestCollectionsImportPostsOnceAndReconciles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		by := audit.Actor{Username: "cli:test", RemoteAddr: "local"}
		svc := &enroll.Service{DB: db}
		uscc := idcode.GenerateUSCC('9', '1', "341502", 22345678)
		if err := svc.RegisterEmployer(ctx, by, enroll.Employer{USCC: uscc, Name: "六安征缴测试有限公司", Region: "341502", IndustryCode: "1810", RegisteredOn: "2015-03-01"}); err != nil {
			t.Fatal(err)
		}
		w := idcode.GenerateID(time.Date(1985, 5, 5, 0, 0, 0, 0, time.UTC), "341502", 11, idcode.Male)
		base := money.MustParse("6000.00")
		if _, err := svc.Record(ctx, by, enroll.Person{IDNumber: w, Name: "张伟"}, enroll.Event{USCC: uscc, Event: "add", Month: "2025-03", MonthlyBase: &base, Category: "regular"}); err != nil {
			t.Fatal(err)
		}
		unknown := idcode.GenerateUSCC('9', '1', "341502", 99999999)
		csvText := "uscc,month,amount,collected_on\n" +
			uscc + ",2025-03,54.00,2025-03-31\n" + // line 2: paid in full (6000.00 × 0.9%)
			uscc + ",2025-04,30.00,2025-04-30\n" + // line 3: underpaid
			uscc + ",2025-03,54.00,2025-03-31\n" + // line 4: the same collection again
			uscc + ",2025-13,1.00,2025-05-01\n" + // line 5: bad month
			unknown + ",2025-03,5.00,2025-03-31\n" + // line 6: an employer we do not know
			uscc + ",2025-04,31.00,2025-04-30\n" // line 7: a stored collection with another amount
		for _, format := range []string{"csv", "xlsx"} {
			t.Run(format, func(t *testing.T) {
				dir := t.TempDir()
				src := filepath.Join(dir, "contributions_collected.csv")
				if err := os.WriteFile(src, []byte(csvText), 0o644); err != nil {
					t.Fatal(err)
				}
				if format == "xlsx" {
					toXLSX(t, src, filepath.Join(dir, "contributions_collected.xlsx"))
					os.Remove(src)
				}
				rep, out := importDir(t, db, dir)
				file := "contributions_collected." + format
				want := FileStats{File: file, Read: 6, Imported: 2, Unchanged: 1, Rejected: 3}
				if format == "xlsx" { // the CSV run stored both collections already
					want = FileStats{File: file, Read: 6, Unchanged: 3, Rejected: 3}
				}
				if len(rep.Files) != 1 || rep.Files[0] != want || rep.ExitCode() != 1 {
					t.Fatalf("stats %v exit %d\n%s", rep.Files, rep.ExitCode(), out)
				}
				lines := strings.Split(strings.TrimSpace(out), "\n")
				prefixes := []string{file + ":5: month: ", file + ":6: uscc: ", file + ":7: amount: "}
				if len(lines) != len(prefixes) {
					t.Fatalf("problems %q", out)
				}
				for i, p := range prefixes {
					if !strings.HasPrefix(lines[i], p) {
						t.Errorf("problem %q, want prefix %q", lines[i], p)
					}
				}
				var postings int
				db.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_postings WHERE source = 'collection'`).Scan(&postings)
				if postings != 2 {
					t.Fatalf("%d ledger postings, want 2", postings)
				}
			})
		}
		st, err := contribstore.Statement(ctx, db, uscc, "2025-03", "2025-05", time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		type fig struct{ status, due, paid, arrears, fee string }
		var got []fig
		for _, l := range st {
			r := l.Reconciliation
			got = append(got, fig{r.Status, r.Due.String(), r.Paid.String(), r.Arrears.String(), r.LateFee.String()})
		}
		// April: 24.00 × 0.05% × 61 days = 0.732; May: 54.00 × 0.05% × 30 days = 0.81.
		want := []fig{{"paid", "54.00", "54.00", "0.00", "0.00"}, {"underpaid", "54.00", "30.00", "24.00", "0.73"}, {"unpaid", "54.00", "0.00", "54.00", "0.81"}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("statement\n got %v\nwant %v", got, want)
		}
	})
}
