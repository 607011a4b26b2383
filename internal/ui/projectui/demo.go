package projectui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/contrib/contribstore"
	"wiis/internal/demo"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/project"
	"wiis/internal/project/projectstore"
	"wiis/internal/store"
)

func init() { demo.Register("contributions", SeedContributions) }

// Demo sizes: months of collections before the current one, roster lines per project.
const (
	demoMonths = 6
	demoRoster = 6
)

// SeedContributions adds, over the loaded city (issue 4, item 7): premiums paid and rosters
// for the city's construction projects (a few left unpaid, two accident reports of which one
// late), the tax authority's collections for the last months for most employers' assessed
// amounts (some underpaid, some months unpaid, so statements show arrears and late fees), and
// the floating-rate evaluation of last year for the city's employers, proposed by one fund
// officer and two thirds approved by a second. Each part runs once (it is skipped when its
// data exists), so seeding twice changes nothing. Everything goes through the services
// (projectstore, enroll.Service, contribstore), so it is audited and posted like real work.
func SeedContributions(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	logins := []demo.Login{{Username: "fund_officer2", Password: demo.Password, Role: auth.FundOfficer}}
	if _, err := auth.New(db).CreateUser(ctx, audit.Actor{Username: "system:demo"}, auth.NewUser{Username: "fund_officer2",
		DisplayName: "演示基金财务（复核）", Password: demo.Password, Roles: []auth.Role{auth.FundOfficer}, Region: demo.Region}); err != nil && apperr.CodeOf(err) != apperr.Conflict {
		return nil, err
	}
	now := demo.Now().In(shanghai)
	r := rand.New(rand.NewPCG(20261123, 4))
	if err := seedProjects(ctx, db, r, now); err != nil {
		return nil, fmt.Errorf("projects: %w", err)
	}
	employers, err := contribstore.ActiveEmployers(ctx, db, demo.Region[:4])
	if err != nil || len(employers) == 0 {
		return logins, err
	}
	if err := seedCollections(ctx, db, r, now, employers); err != nil {
		return nil, fmt.Errorf("collections: %w", err)
	}
	if err := seedFloats(ctx, db, now, employers); err != nil {
		return nil, fmt.Errorf("floating rates: %w", err)
	}
	return logins, nil
}

var demoNames = []string{"王建军", "李国强", "张德明", "刘志刚", "陈小龙", "杨海涛", "黄永福", "赵卫东", "吴春生", "周立新", "徐长江", "孙保国"}

func count(ctx context.Context, db *store.DB, q string) (int, error) {
	var n int
	err := db.QueryRow(ctx, q).Scan(&n)
	return n, err
}

func seedProjects(ctx context.Context, db *store.DB, r *rand.Rand, now time.Time) error {
	if n, err := count(ctx, db, `SELECT COUNT(*) FROM project_payments`); err != nil || n > 0 {
		return err
	}
	list, err := projectstore.List(ctx, db, projectstore.Filter{RegionPrefix: demo.Region[:4], Limit: 1000})
	if err != nil {
		return err
	}
	svc := &enroll.Service{DB: db, Now: func() time.Time { return now }}
	teller := audit.Actor{Username: "teller", RemoteAddr: "demo"}
	today := now.Format(time.DateOnly)
	reports := 0
	for i, p := range list {
		if p.StartDate > today {
			continue
		}
		if i%6 != 5 { // one in six left unpaid, for the list's "unpaid" filter
			start, _ := time.Parse(time.DateOnly, p.StartDate)
			if _, err := projectstore.Pay(ctx, db, teller, p.Code, start.AddDate(0, 0, -5).Format(time.DateOnly), now); err != nil {
				return err
			}
		}
		for k := range demoRoster {
			id := idcode.GenerateID(time.Date(1965+r.IntN(35), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
				[]string{"341522", "341523", "341524", "341525"}[r.IntN(4)], (i*demoRoster+k)%500, idcode.Male)
			line, err := projectstore.AddToRoster(ctx, db, svc, teller, p.Code, enroll.Person{IDNumber: id, Name: demoNames[r.IntN(len(demoNames))]}, p.StartDate, nil, now)
			if apperr.CodeOf(err) == apperr.Conflict || apperr.CodeOf(err) == apperr.Invalid {
				break // a closed contractor, or no area wage in force then: the project keeps no roster
			}
			if err != nil {
				return err
			}
			if p.EndDate < today && k%2 == 0 {
				if _, err := projectstore.Leave(ctx, db, svc, teller, p.Code, line.IDNumber, p.EndDate, now); err != nil {
					return err
				}
			}
			if reports < 2 && k == 0 && p.EndDate >= today {
				occ, _ := time.Parse(time.DateOnly, p.StartDate)
				occ = occ.AddDate(0, 0, 20).Add(9*time.Hour + 30*time.Minute)
				delay := 20 * time.Hour
				if reports == 1 {
					delay = 61 * time.Hour // late: flagged as R10 would
				}
				if _, err := projectstore.ReportAccident(ctx, db, teller, project.Accident{ProjectCode: p.Code, IDNumber: id,
					OccurredAt: occ.Format(project.DateTime), ReportedAt: occ.Add(delay).Format(project.DateTime),
					Description: "脚手架作业时坠落，左腿受伤，已送医"}, now); err != nil {
					return err
				}
				reports++
			}
		}
	}
	return nil
}

// seedCollections records what the tax authority collected for the last demoMonths months:
// most employers pay what was assessed, about one in eight pays 80% every third month, and
// one in twelve has not paid the last two months. The window is short because each month is
// assessed and recorded through the services (about 3 ms an employer-month on SQLite); a
// parallel reader does not help, SQLite serialises.
func seedCollections(ctx context.Context, db *store.DB, r *rand.Rand, now time.Time, employers []string) error {
	if n, err := count(ctx, db, `SELECT COUNT(*) FROM contributions_collected`); err != nil || n > 0 {
		return err
	}
	by := audit.Actor{Username: "system:tax-import", RemoteAddr: "demo"}
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	first := last.AddDate(0, 1-demoMonths, 0)
	type job struct {
		uscc  string
		month time.Time
		cut   bool // underpaid
	}
	var jobs []*job
	for i, uscc := range employers {
		under, behind := i%8 == 3, i%12 == 7
		for m, month := 0, first; !month.After(last); m, month = m+1, month.AddDate(0, 1, 0) {
			if behind && last.Sub(month) < 40*24*time.Hour {
				continue
			}
			jobs = append(jobs, &job{uscc: uscc, month: month, cut: under && m%3 == 1})
		}
	}
	for _, j := range jobs {
		a, _, _, err := contribstore.Assess(ctx, db, j.uscc, j.month.Format("2006-01"))
		if err != nil {
			return err
		}
		amount := a.Due
		if j.cut {
			amount = amount.Percent(80)
		}
		if amount <= 0 {
			continue
		}
		on := j.month.AddDate(0, 1, -1-r.IntN(5)).Format(time.DateOnly) // by the due day
		if err := contribstore.RecordCollection(ctx, db, by, j.uscc, j.month.Format("2006-01"), amount, on); err != nil {
			return err
		}
	}
	return nil
}

// seedFloats runs the floating-rate evaluation of the latest year on record (rates
// effective 1 January next year, the year the counter's float page opens on, reading the
// months collected this year) and has a second fund officer approve two proposals in three.
func seedFloats(ctx context.Context, db *store.DB, now time.Time, employers []string) error {
	effective := fmt.Sprintf("%d-01-01", now.Year()+1)
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM employer_rates WHERE effective_from = ?`, effective).Scan(&n); err != nil || n > 0 {
		return err
	}
	proposer, approver := audit.Actor{Username: "fund_officer", RemoteAddr: "demo"}, audit.Actor{Username: "fund_officer2", RemoteAddr: "demo"}
	for i, uscc := range employers {
		if _, err := contribstore.ProposeFloat(ctx, db, proposer, uscc, effective); err != nil {
			if apperr.CodeOf(err) == apperr.Invalid {
				continue
			}
			return err
		}
		if i%3 != 2 {
			if err := contribstore.DecideFloat(ctx, db, approver, uscc, effective, true); err != nil {
				return err
			}
		}
	}
	return nil
}
