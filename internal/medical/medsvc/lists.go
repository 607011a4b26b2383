package medsvc

import (
	"context"

	"wiis/internal/casework/caseservice"
	"wiis/internal/medical"
	"wiis/internal/money"
	"wiis/internal/store"
)

// Institutions lists the institutions of regions under region ("" for all) with their
// agreements, by code: the medical auditor's list of agreement institutions.
func (s *Service) Institutions(ctx context.Context, region string) ([]medical.Institution, error) {
	scope, args := store.CodePrefix("region", caseservice.RegionPrefix(region))
	rows, err := s.DB.Query(ctx, `SELECT code FROM medical_institutions WHERE `+scope+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		codes = append(codes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]medical.Institution, 0, len(codes))
	for _, c := range codes {
		in, _, err := loadInstitution(ctx, s.DB, c)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// BillRow is one line of a bill list.
type BillRow struct {
	ID              int64        `json:"id"`
	BillNo          string       `json:"bill_no"`
	Channel         string       `json:"channel"`
	InstitutionCode string       `json:"institution_code"`
	DeterminationID int64        `json:"determination_id"`
	WorkerID        string       `json:"worker_id"`
	State           string       `json:"state"`
	Billed          money.Amount `json:"billed"`
	Accepted        money.Amount `json:"accepted"`
	SubmittedAt     string       `json:"submitted_at"`
}

// Bills lists the newest bills of regions under region, optionally in one state and of one
// worker, at most limit (100 when zero).
func (s *Service) Bills(ctx context.Context, region, state, worker string, limit int) ([]BillRow, error) {
	if limit <= 0 {
		limit = 100
	}
	scope, args := store.CodePrefix("region", caseservice.RegionPrefix(region))
	q := `SELECT id, bill_no, channel, institution_code, determination_id, worker_id, state, billed, accepted, submitted_at
		FROM medical_bills WHERE ` + scope
	if state != "" {
		q, args = q+` AND state = ?`, append(args, state)
	}
	if worker != "" {
		q, args = q+` AND worker_id = ?`, append(args, worker)
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BillRow
	for rows.Next() {
		var b BillRow
		var billed, acc int64
		if err := rows.Scan(&b.ID, &b.BillNo, &b.Channel, &b.InstitutionCode, &b.DeterminationID, &b.WorkerID, &b.State,
			&billed, &acc, &b.SubmittedAt); err != nil {
			return nil, err
		}
		b.Billed, b.Accepted = money.Amount(billed), money.Amount(acc)
		out = append(out, b)
	}
	return out, rows.Err()
}
