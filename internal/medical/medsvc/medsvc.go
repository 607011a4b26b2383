// Package medsvc stores the medical side of casework (internal/medical) and offers the services
// the web layer and the hospitals' API call: the register of agreement institutions, catalogue
// imports, the treatment record of a recognised injury, bills arriving by direct settlement
// (联网结算) or reimbursement application (手工报销), the medical auditor's queue of doubtful
// lines, and the settlement that posts the accepted amount to the fund ledger as `medical`.
//
// Every change is audited in its transaction through the Audit hook (the shape of
// caseservice.AuditHook). Errors are *apperr.Error: invalid (bad input, the field named),
// not_found, conflict (stale version, duplicate bill number); anything else is internal.
package medsvc

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/calendar"
	"wiis/internal/casework"
	"wiis/internal/casework/caseservice"
	"wiis/internal/fund"
	"wiis/internal/fund/ledger"
	"wiis/internal/medical"
	"wiis/internal/money"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// Service is the medical service over one database.
type Service struct {
	DB    *store.DB
	Audit caseservice.AuditHook // nil: no audit (tests)
	Now   func() time.Time      // nil: time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) stamp() string { return s.now().Format("2006-01-02T15:04:05Z") }

func (s *Service) audit(ctx context.Context, tx *store.Tx, entity, id string, before, after any) error {
	if s.Audit == nil {
		return nil
	}
	return s.Audit(ctx, tx, entity, id, before, after)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// PutInstitution registers an institution or replaces its name, region and agreements.
// Errors: invalid.
func (s *Service) PutInstitution(ctx context.Context, actor string, in medical.Institution) error {
	if in.Code == "" || in.Name == "" || in.Region == "" {
		return apperr.Invalidf("code", "机构编码、名称和统筹区必填 / code, name and region are required")
	}
	for _, a := range in.Agreements {
		switch {
		case a.From.IsZero() || (!a.To.IsZero() && a.To.Before(a.From)):
			return apperr.Invalidf("agreements", "协议期限无效 / an agreement needs a start no later than its end")
		case a.Status != medical.AgreementActive && a.Status != medical.AgreementSuspended && a.Status != medical.AgreementTerminated:
			return apperr.Invalidf("agreements", "协议状态应为 active/suspended/terminated")
		}
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, _, err := loadInstitution(ctx, tx, in.Code)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO medical_institutions (code, name, region, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, region = excluded.region, updated_at = excluded.updated_at`,
			in.Code, in.Name, in.Region, s.stamp()); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM medical_agreements WHERE institution_code = ?`, in.Code); err != nil {
			return err
		}
		for _, a := range in.Agreements {
			kinds, _ := json.Marshal(a.Kinds)
			if _, err := tx.Exec(ctx, `INSERT INTO medical_agreements (institution_code, from_date, to_date, level, status, kinds)
				VALUES (?, ?, ?, ?, ?, ?)`, in.Code, a.From.String(), caseservice.NullDate(a.To), a.Level, a.Status, string(kinds)); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, "medical_institution", in.Code, before, in)
	})
}

// Institution returns an institution with its agreements. Errors: not_found.
func (s *Service) Institution(ctx context.Context, code string) (medical.Institution, error) {
	in, ok, err := loadInstitution(ctx, s.DB, code)
	if err == nil && !ok {
		err = apperr.NotFoundf("机构 %s 不存在 / institution %s not found", code, code)
	}
	return in, err
}

func loadInstitution(ctx context.Context, q store.Querier, code string) (medical.Institution, bool, error) {
	in := medical.Institution{Code: code}
	err := q.QueryRow(ctx, `SELECT name, region FROM medical_institutions WHERE code = ?`, code).Scan(&in.Name, &in.Region)
	if errors.Is(err, sql.ErrNoRows) {
		return in, false, nil
	}
	if err != nil {
		return in, false, err
	}
	rows, err := q.Query(ctx, `SELECT from_date, to_date, level, status, kinds FROM medical_agreements
		WHERE institution_code = ? ORDER BY from_date, id`, code)
	if err != nil {
		return in, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var a medical.Agreement
		var from, kinds string
		var to sql.NullString
		if err := rows.Scan(&from, &to, &a.Level, &a.Status, &kinds); err != nil {
			return in, false, err
		}
		if a.From, err = calendar.ParseDate(from); err != nil {
			return in, false, err
		}
		if a.To, err = caseservice.ParseNullDate(to); err != nil {
			return in, false, err
		}
		if err := json.Unmarshal([]byte(kinds), &a.Kinds); err != nil {
			return in, false, err
		}
		in.Agreements = append(in.Agreements, a)
	}
	return in, true, rows.Err()
}

// ImportCatalogue stores catalogue entries (from medical.ReadCatalogueCSV or ReadCatalogueXLSX):
// an entry with the same catalogue, code and start date is replaced, others are added, so a
// new price limit is a new entry from its date and the old one keeps auditing older bills.
// It returns the number of entries stored.
func (s *Service) ImportCatalogue(ctx context.Context, actor string, items []medical.CatalogueItem) (int, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, it := range items {
			if !it.Kind.Valid() || it.Code == "" || it.From.IsZero() {
				return apperr.Invalidf("items", "目录项 %s/%s 不完整 / incomplete entry", it.Kind, it.Code)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO medical_catalogue (kind, code, from_date, to_date, name, category, unit,
					price_limit, restricted, max_quantity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (kind, code, from_date) DO UPDATE SET to_date = excluded.to_date, name = excluded.name,
					category = excluded.category, unit = excluded.unit, price_limit = excluded.price_limit,
					restricted = excluded.restricted, max_quantity = excluded.max_quantity`,
				string(it.Kind), it.Code, it.From.String(), caseservice.NullDate(it.To), it.Name, it.Category, it.Unit,
				int64(it.PriceLimit), boolInt(it.Restricted), int64(it.MaxQuantity)); err != nil {
				return fmt.Errorf("medsvc: catalogue: %w", err)
			}
		}
		return s.audit(ctx, tx, "medical_catalogue", "import", nil, map[string]int{"entries": len(items)})
	})
	if err != nil {
		return 0, err
	}
	return len(items), nil
}

// catalogueFor loads every period of the codes the lines name.
func catalogueFor(ctx context.Context, q store.Querier, lines []medical.Line) (medical.Catalogue, error) {
	var items []medical.CatalogueItem
	done := map[string]bool{}
	for _, l := range lines {
		k := string(l.Kind) + "|" + l.Code
		if done[k] {
			continue
		}
		done[k] = true
		rows, err := q.Query(ctx, `SELECT name, category, unit, from_date, to_date, price_limit, restricted, max_quantity
			FROM medical_catalogue WHERE kind = ? AND code = ?`, string(l.Kind), l.Code)
		if err != nil {
			return medical.Catalogue{}, err
		}
		for rows.Next() {
			it := medical.CatalogueItem{Kind: l.Kind, Code: l.Code}
			var from string
			var to sql.NullString
			var limit, maxQty int64
			var restricted int
			if err := rows.Scan(&it.Name, &it.Category, &it.Unit, &from, &to, &limit, &restricted, &maxQty); err != nil {
				rows.Close()
				return medical.Catalogue{}, err
			}
			it.From, _ = calendar.ParseDate(from)
			it.To, _ = caseservice.ParseNullDate(to)
			it.PriceLimit, it.Restricted, it.MaxQuantity = money.Amount(limit), restricted == 1, medical.Qty(maxQty)
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return medical.Catalogue{}, err
		}
	}
	return medical.NewCatalogue(items), nil
}

// Treatment is the record a recognised injury's bills are audited against.
type Treatment struct {
	DeterminationID int64         `json:"determination_id"`
	Diagnoses       []string      `json:"diagnoses"`       // ICD-10 codes of the recognised injury
	TreatmentUntil  calendar.Date `json:"treatment_until"` // zero: open
	Devices         []string      `json:"devices"`         // device catalogue codes confirmed
}

// SetTreatment records the diagnoses, the end of the treatment period and the confirmed
// devices of a recognised injury. Errors: invalid (no diagnosis, or no work injury), not_found.
func (s *Service) SetTreatment(ctx context.Context, actor string, t Treatment) error {
	if len(t.Diagnoses) == 0 {
		return apperr.Invalidf("diagnoses", "至少填写一个诊断 / at least one ICD-10 diagnosis")
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := workInjury(ctx, tx, t.DeterminationID); err != nil {
			return err
		}
		diags, _ := json.Marshal(t.Diagnoses)
		devs, _ := json.Marshal(t.Devices)
		if _, err := tx.Exec(ctx, `INSERT INTO medical_treatments (determination_id, diagnoses, treatment_until, devices, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (determination_id) DO UPDATE SET diagnoses = excluded.diagnoses,
			treatment_until = excluded.treatment_until, devices = excluded.devices, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at`, t.DeterminationID, string(diags), caseservice.NullDate(t.TreatmentUntil), string(devs), actor, s.stamp()); err != nil {
			return err
		}
		return s.audit(ctx, tx, "medical_treatment", strconv.FormatInt(t.DeterminationID, 10), nil, t)
	})
}

// workInjury loads a determination that recognised a work injury (or deemed one).
func workInjury(ctx context.Context, q store.Querier, id int64) (casework.Determination, error) {
	var d casework.Determination
	var data string
	err := q.QueryRow(ctx, `SELECT data FROM determination_cases WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.NotFoundf("认定案件 %d 不存在 / determination %d not found", id, id)
	}
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return d, err
	}
	d.ID = id
	if d.State != casework.DetClosed || (d.Outcome != casework.OutcomeWorkInjury && d.Outcome != casework.OutcomeDeemed) {
		return d, apperr.Invalidf("determination_id", "未认定为工伤，不享受工伤医疗待遇 / not a recognised work injury")
	}
	return d, nil
}

// injuryOf assembles the audit's view of the injury: the determination's event date, the
// treatment record, and the devices confirmed by the record or by an assessment conclusion.
func injuryOf(ctx context.Context, q store.Querier, d casework.Determination) (medical.Injury, error) {
	inj := medical.Injury{Date: d.EventDate}
	var diags, devs string
	var until sql.NullString
	err := q.QueryRow(ctx, `SELECT diagnoses, treatment_until, devices FROM medical_treatments WHERE determination_id = ?`, d.ID).
		Scan(&diags, &until, &devs)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return inj, err
	default:
		if err := json.Unmarshal([]byte(diags), &inj.Diagnoses); err != nil {
			return inj, err
		}
		if err := json.Unmarshal([]byte(devs), &inj.Devices); err != nil {
			return inj, err
		}
		if inj.TreatmentUntil, err = caseservice.ParseNullDate(until); err != nil {
			return inj, err
		}
	}
	rows, err := q.Query(ctx, `SELECT data FROM assessment_cases WHERE determination_id = ? AND grade IS NOT NULL`, d.ID)
	if err != nil {
		return inj, err
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		var a casework.Assessment
		if err := rows.Scan(&data); err != nil {
			return inj, err
		}
		if err := json.Unmarshal([]byte(data), &a); err != nil {
			return inj, err
		}
		if a.Conclusion != nil {
			inj.Devices = append(inj.Devices, a.Conclusion.Devices...)
		}
	}
	return inj, rows.Err()
}

// standards reads the area's food and travel standards in force on day on.
func standards(ctx context.Context, q store.Querier, region string, on calendar.Date) (medical.Standards, error) {
	var std medical.Standards
	found, err := policy.Decode(ctx, q, region, medical.ParamStandards, on.String(), &std)
	if err == nil && !found {
		err = apperr.Invalidf("region", "统筹区 %s 未设置伙食补助和异地就医标准 / no medical.standards in force", region)
	}
	return std, err
}

// postSettlement posts the accepted total of a bill to the fund ledger as medical
// expenditure, or as rehabilitation expenditure when the bill belongs to a rehabilitation
// case (fund.md's categories keep 康复费 apart from 医疗费).
func postSettlement(ctx context.Context, tx *store.Tx, actor string, b Bill, on calendar.Date) (int64, error) {
	if b.Accepted <= 0 {
		return 0, nil
	}
	category, memo := "medical", "工伤医疗费 "
	if b.RehabCaseID != 0 {
		category, memo = "rehabilitation", "工伤康复费 "
	}
	return ledger.Post(ctx, tx, audit.Actor{Username: actor}, "medical_bill", b.BillNo,
		fund.Expense(b.Region, on.String(), category, b.Accepted, memo+b.BillNo))
}
