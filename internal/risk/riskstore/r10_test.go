package riskstore

import (
	"testing"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

func TestR10FiresForProjectAccidentsReportedLaterThan48Hours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		f.claim("C-48H", "P1", "E1", "2024-06-11T11:00", "XM1", "2024-06-13T11:00")   // exactly 48 h: no
		f.claim("C-48H1M", "P2", "E1", "2024-06-11T11:00", "XM1", "2024-06-13T11:01") // fires
		f.claim("C-NONE", "P3", "E1", "2024-06-11T11:00", "XM1", "")                  // not reported: fires
		f.claim("C-NO-PROJECT", "P4", "E1", "2024-06-11T11:00", "", "")               // no project: no
		f.claim("C-MONTH-END", "P5", "E1", "2024-02-28T23:00", "XM1", "2024-03-01T23:00")
		f.expect("2024-12", "R10", "C-48H1M", "C-NONE")
	})
}
