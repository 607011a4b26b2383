package counterui

import (
	"context"
	"database/sql"
	"fmt"

	"wiis/internal/counter/counterstore"
	"wiis/internal/money"
	"wiis/internal/privacy"
	"wiis/internal/store"
	"wiis/internal/ui/panels"
	"wiis/internal/web"
)

// registerPanels adds the counter's own sections to the person and employer pages through
// the same registry other modules use: claims, benefit payments and counter tickets.
func registerPanels() {
	panels.Register(panels.Panel{Name: "counter.claims", Kind: panels.Person, Title: "cu.panel.claims", Order: 20,
		Load: func(ctx context.Context, q store.Querier, id string) (panels.Table, error) {
			return claimsTable(ctx, q, `c.id_number = ?`, id)
		}})
	panels.Register(panels.Panel{Name: "counter.payments", Kind: panels.Person, Title: "cu.panel.payments", Order: 40,
		Load: paymentsTable})
	panels.Register(panels.Panel{Name: "counter.tickets", Kind: panels.Person, Title: "cu.panel.tickets", Order: 50,
		Load: ticketsTable})
	panels.Register(panels.Panel{Name: "counter.employer_claims", Kind: panels.Employer, Title: "cu.panel.claims", Order: 20,
		Load: func(ctx context.Context, q store.Querier, uscc string) (panels.Table, error) {
			return claimsTable(ctx, q, `c.uscc = ?`, uscc)
		}})
	panels.Register(panels.Panel{Name: "counter.employer_tickets", Kind: panels.Employer, Title: "cu.panel.tickets", Order: 50,
		Load: ticketsTable})
}

func claimsTable(ctx context.Context, q store.Querier, where, key string) (panels.Table, error) {
	t := panels.Table{Columns: []string{"cu.field.claim_no", "cu.field.person", "cu.field.employer", "cu.field.injury_at", "cu.field.applied_on", "cu.field.project", "cu.field.reported_at"},
		Empty: "cu.panel.claims_empty"}
	rows, err := q.Query(ctx, `SELECT c.claim_no, c.id_number, COALESCE(p.name, ''), c.uscc, COALESCE(m.name, ''), c.injury_at,
			COALESCE(c.applied_on, ''), COALESCE(c.project_code, ''), COALESCE(c.reported_at, '')
		FROM claims c LEFT JOIN persons p ON p.id_number = c.id_number LEFT JOIN employers m ON m.uscc = c.uscc
		WHERE `+where+` ORDER BY c.injury_at DESC LIMIT 100`, key)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var no, id, pname, uscc, ename, inj, applied, project, reported string
		if err := rows.Scan(&no, &id, &pname, &uscc, &ename, &inj, &applied, &project, &reported); err != nil {
			return t, err
		}
		t.Rows = append(t.Rows, []panels.Cell{{Text: no}, {Text: pname + " " + privacy.MaskID(id), Href: "/counter/persons/" + id},
			{Text: ename, Href: "/counter/employers/" + uscc}, {Text: inj}, {Text: applied}, {Text: project}, {Text: reported}})
	}
	return t, rows.Err()
}

// payLabel is the message key naming a payment item when the catalogue knows it, else the
// item code itself (T returns unknown keys as they are).
func payLabel(item string) string {
	if web.HasMessage("cu.pay." + item) {
		return "cu.pay." + item
	}
	return item
}

func maskAccount(a string) string {
	if len(a) <= 4 {
		return a
	}
	return "****" + a[len(a)-4:]
}

// payment is one benefit payment line.
type payment struct {
	Item    string
	Label   string // message key or the code
	Month   string
	Amount  money.Amount
	Account string
	Source  string
}

func loadPayments(ctx context.Context, q store.Querier, id string) ([]payment, error) {
	rows, err := q.Query(ctx, `SELECT item, month, amount, bank_account, source FROM payments WHERE id_number = ? ORDER BY month DESC, item LIMIT 240`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []payment
	for rows.Next() {
		var p payment
		var amt int64
		var acct sql.NullString
		if err := rows.Scan(&p.Item, &p.Month, &amt, &acct, &p.Source); err != nil {
			return nil, err
		}
		p.Amount, p.Account, p.Label = money.Amount(amt), maskAccount(acct.String), payLabel(p.Item)
		out = append(out, p)
	}
	return out, rows.Err()
}

func paymentsTable(ctx context.Context, q store.Querier, id string) (panels.Table, error) {
	t := panels.Table{Columns: []string{"cu.field.pay_item", "cu.field.month", "cu.field.amount", "cu.field.bank_account", "cu.field.source"}, Empty: "cu.panel.payments_empty"}
	ps, err := loadPayments(ctx, q, id)
	if err != nil {
		return t, err
	}
	for _, p := range ps {
		t.Rows = append(t.Rows, []panels.Cell{{Text: p.Label, Key: true}, {Text: p.Month}, {Text: p.Amount.String(), Num: true}, {Text: p.Account}, {Text: p.Source}})
	}
	return t, nil
}

func ticketsTable(ctx context.Context, q store.Querier, subject string) (panels.Table, error) {
	t := panels.Table{Columns: []string{"cu.field.receipt_no", "cu.field.item", "cu.field.accepted_at", "cu.field.promised_by", "cu.field.state", "cu.field.teller"}, Empty: "cu.panel.tickets_empty"}
	ts, err := counterstore.Tickets(ctx, q, counterstore.Filter{Subject: subject, Limit: 100})
	if err != nil {
		return t, err
	}
	for _, tk := range ts {
		t.Rows = append(t.Rows, []panels.Cell{{Text: tk.No, Href: fmt.Sprintf("/counter/tickets/%d", tk.ID)}, {Text: tk.ItemCode},
			{Text: tk.AcceptedAt.In(shanghai).Format("2006-01-02 15:04")}, {Text: tk.PromisedBy.Format("2006-01-02")},
			{Text: "cu.state." + tk.State, Key: true}, {Text: tk.Teller}})
	}
	return t, nil
}
