package caseservice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/policy"
	"wiis/internal/store"
)

// IssueDocument issues a document of a case: the first call numbers it from the region's
// prefix and yearly sequence (DocNumber), renders it as data and keeps it; later calls return
// the kept document, so a reprint never changes a number or a word. on is the issue date
// (decisions and conclusions carry their own date). entity is EntityDetermination for the
// determination documents and EntityAssessment for the conclusion.
//
// Errors (*apperr.Error): not_found; invalid (the case is not in a state that issues the kind,
// or the region has no document settings).
func (s *Service) IssueDocument(ctx context.Context, actor, entity string, caseID int64, kind casework.DocKind, on casework.Date) (casework.Document, error) {
	var doc casework.Document
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var data string
		err := tx.QueryRow(ctx, `SELECT data FROM casework_documents WHERE entity = ? AND case_id = ? AND kind = ?`,
			entity, caseID, string(kind)).Scan(&data)
		if err == nil {
			return unmarshal(data, &doc)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		render, region, uscc, err := renderer(ctx, tx, entity, caseID, kind)
		if err != nil {
			return err
		}
		var set casework.DocSettings
		found, err := policy.Decode(ctx, tx, region, casework.ParamDocuments, on.String(), &set)
		if err != nil {
			return err
		}
		if !found || set.Prefixes[kind] == "" {
			return apperr.Invalidf("kind", "统筹区 %s 未设置 %s 的文号 / no document settings", region, kind)
		}
		var employer string
		if err := tx.QueryRow(ctx, `SELECT name FROM employers WHERE uscc = ?`, uscc).Scan(&employer); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		no, err := nextDocNumber(ctx, tx, set.Prefixes[kind], kind, region, on)
		if err != nil {
			return err
		}
		if doc, err = render(casework.DocInput{Settings: set, Number: no, On: on, EmployerName: employer}); err != nil {
			return err
		}
		js, err := marshal(doc)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO casework_documents (entity, case_id, kind, number, issued_on, issued_by, data)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, entity, caseID, string(kind), no, on.String(), actor, js); err != nil {
			return fmt.Errorf("caseservice: keep document: %w", err)
		}
		if s.Audit == nil {
			return nil
		}
		return s.Audit(ctx, tx, "casework_document", entity+":"+strconv.FormatInt(caseID, 10)+":"+string(kind), nil, doc)
	})
	return doc, casework.AppErr(err)
}

// renderer loads the case and picks the function that renders the kind.
func renderer(ctx context.Context, q store.Querier, entity string, id int64, kind casework.DocKind) (func(casework.DocInput) (casework.Document, error), string, string, error) {
	switch {
	case entity == EntityDetermination && kind != casework.DocAssessmentConclusion:
		d, err := loadDetermination(ctx, q, id)
		if err != nil {
			return nil, "", "", err
		}
		f := map[casework.DocKind]func(casework.Determination, casework.DocInput) (casework.Document, error){
			casework.DocAcceptance: casework.AcceptanceNotice, casework.DocSupplement: casework.SupplementNotice,
			casework.DocRefusal: casework.RefusalDecision, casework.DocDecision: casework.DeterminationDecision}[kind]
		if f == nil {
			return nil, "", "", apperr.Invalidf("kind", "unknown document kind %s", kind)
		}
		return func(in casework.DocInput) (casework.Document, error) { return f(d, in) }, d.Region, d.EmployerUSCC, nil
	case entity == EntityAssessment && kind == casework.DocAssessmentConclusion:
		a, err := loadAssessment(ctx, q, id)
		if err != nil {
			return nil, "", "", err
		}
		return func(in casework.DocInput) (casework.Document, error) { return casework.AssessmentConclusionDoc(a, in) }, a.Region, a.EmployerUSCC, nil
	}
	return nil, "", "", apperr.Invalidf("kind", "a %s does not issue %s", entity, kind)
}

// nextDocNumber issues the next number of a kind in a region and year.
func nextDocNumber(ctx context.Context, tx *store.Tx, prefix string, kind casework.DocKind, region string, on casework.Date) (string, error) {
	year, n, err := nextSeq(ctx, tx, "DOC:"+string(kind), region, on)
	if err != nil {
		return "", err
	}
	return casework.DocNumber(prefix, year, n), nil
}
