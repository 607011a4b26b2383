package payrollui

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/demo"
	"wiis/internal/payroll"
	"wiis/internal/payrollsvc"
	"wiis/internal/store"
)

func init() { demo.Register("payroll", SeedPayroll) }

// Demo payment officers: the preparer is the core demo user; the approver is a second
// officer, since four-eyes needs two people.
const (
	demoPreparer = "payment_officer"
	demoApprover = "payment_officer2"
)

// SeedPayroll runs the demo city's payroll for the last five months (the city seeder loaded
// the beneficiaries before): the two oldest reconciled (one line of the oldest failed at the
// bank), the next exported, the one before the current approved, the current one computed and
// awaiting approval; and a past adjustment (allowances +3% from four months ago, applied after
// that month was paid, so the next run carries back pay). Idempotent: runs, transitions and
// the adjustment are each done only when not done yet.
func SeedPayroll(ctx context.Context, db *store.DB) ([]demo.Login, error) {
	_, err := auth.New(db).CreateUser(ctx, audit.Actor{Username: "system:demo"}, auth.NewUser{
		Username: demoApprover, DisplayName: "演示基金支付复核员", Password: demo.Password,
		Roles: []auth.Role{auth.PaymentOfficer}, Region: demo.Region})
	if err != nil && apperr.CodeOf(err) != apperr.Conflict {
		return nil, err
	}
	logins := []demo.Login{{Username: demoApprover, Password: demo.Password, Role: auth.PaymentOfficer}}
	svc := Service(db, audit.Actor{Username: "system:demo"})
	cur, err := payroll.ParseMonth(time.Now().Format("2006-01"))
	if err != nil {
		return nil, err
	}
	targets := []string{payrollsvc.StateReconciled, payrollsvc.StateReconciled, payrollsvc.StateExported,
		payrollsvc.StateApproved, payrollsvc.StateComputed}
	for i, target := range targets {
		m := cur - payroll.Month(len(targets)-1-i)
		if i == 2 {
			rule, err := payroll.ParseRule([]byte(fmt.Sprintf(`{"effective_month": %q, "disability_allowance": {"percent": "3"}}`, (m - 1).String())))
			if err != nil {
				return nil, err
			}
			if _, err := svc.Adjust(ctx, rule, demoPreparer, false); err != nil {
				return nil, fmt.Errorf("adjust: %w", err)
			}
		}
		if err := seedRun(ctx, svc, m, target, i == 0); err != nil {
			return nil, fmt.Errorf("run %s: %w", m, err)
		}
	}
	return logins, nil
}

// order ranks the states of a run, to move a run up to a target state.
var order = map[string]int{payrollsvc.StateComputed: 1, payrollsvc.StateApproved: 2, payrollsvc.StateExported: 3, payrollsvc.StateReconciled: 4}

func seedRun(ctx context.Context, svc *payrollsvc.Service, m payroll.Month, target string, failOne bool) error {
	run, err := svc.Run(ctx, m, demoPreparer)
	if err != nil {
		return err
	}
	state := run.State
	if order[state] < order[target] && state == payrollsvc.StateComputed {
		if err := svc.Approve(ctx, m, demoApprover); err != nil {
			return err
		}
		state = payrollsvc.StateApproved
	}
	if order[state] < order[target] && state == payrollsvc.StateApproved {
		if _, err := svc.Export(ctx, m, demoPreparer, io.Discard); err != nil {
			return err
		}
		state = payrollsvc.StateExported
	}
	if order[state] < order[target] && state == payrollsvc.StateExported {
		ret, err := returnFile(ctx, svc, m, failOne)
		if err != nil {
			return err
		}
		if _, err := svc.Reconcile(ctx, m, demoPreparer, bytes.NewReader(ret)); err != nil {
			return err
		}
	}
	return nil
}

// returnFile makes the bank's return file for a run: every line paid, or the first one
// failed (a closed account) when failOne is set.
func returnFile(ctx context.Context, svc *payrollsvc.Service, m payroll.Month, failOne bool) ([]byte, error) {
	var bank bytes.Buffer
	if _, err := svc.WriteBankFile(ctx, m, &bank); err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(&bank).ReadAll()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	w.Write(payrollsvc.ReturnHeader)
	for i, r := range recs[1:] { // id_number,name,item,month,amount,bank_account
		status, reason := "ok", ""
		if failOne && i == 0 {
			status, reason = "failed", "账户已销户"
		}
		w.Write([]string{r[0], r[2], r[3], strings.TrimSpace(r[4]), status, reason})
	}
	w.Flush()
	return out.Bytes(), w.Error()
}
