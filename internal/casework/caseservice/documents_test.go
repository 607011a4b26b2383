package caseservice

import (
	"strings"
	"testing"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestDocumentsAreNumberedOnceFromTheRegionsPrefix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := svc(db)
		enrolW1(t, db)
		c := closedWorkInjury(t, s)
		doc, err := s.IssueDocument(ctx, "zhang", EntityDetermination, c.ID, casework.DocDecision, d("2026-01-20"))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Number != "六人社工伤认字〔2026〕第1号" || doc.Title != "认定工伤决定书" || doc.Issuer != "六安市人力资源和社会保障局" ||
			doc.Parties[1].Name != "六安某建筑公司" || !strings.Contains(doc.Rights, "六安市人民政府") {
			t.Errorf("decision %+v", doc)
		}
		again, err := s.IssueDocument(ctx, "li", EntityDetermination, c.ID, casework.DocDecision, d("2026-02-01"))
		if err != nil || again.Number != doc.Number {
			t.Errorf("a reprint keeps the number: %s %v", again.Number, err)
		}
		acc, err := s.IssueDocument(ctx, "zhang", EntityDetermination, c.ID, casework.DocAcceptance, d("2026-01-05"))
		if err != nil || acc.Number != "六人社工伤受字〔2026〕第1号" {
			t.Errorf("acceptance %+v %v", acc, err)
		}
		if _, err := s.IssueDocument(ctx, "zhang", EntityDetermination, c.ID, casework.DocRefusal, d("2026-01-05")); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("a decided case issues no refusal: %v", err)
		}
		c2 := closedWorkInjury(t, s)
		if doc2, err := s.IssueDocument(ctx, "zhang", EntityDetermination, c2.ID, casework.DocDecision, d("2026-01-20")); err != nil ||
			doc2.Number != "六人社工伤认字〔2026〕第2号" {
			t.Errorf("the sequence runs on: %+v %v", doc2, err)
		}
	})
}
