package supervise

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/calendar"
)

// MaxDocumentBytes caps one archived document. It is a technical limit (documents are stored
// in the database row, and one request body must fit in memory), not a legal rule, so it is a
// constant rather than policy; a scan bigger than this is split into volumes.
const MaxDocumentBytes = 8 << 20

// Archive categories, which decide the retention period (policy archive.retention_years).
const (
	CatDetermination = "determination" // 工伤认定档案: 50 years (《工伤认定办法》 Art. 24)
	CatAssessment    = "assessment"
	CatAdvance       = "advance"
	CatMedical       = "medical"
	CatReferral      = "referral"
	CatConference    = "conference"
	CatInstitution   = "institution"
)

// Categories lists the categories in display order.
var Categories = []string{CatDetermination, CatAssessment, CatAdvance, CatMedical, CatReferral, CatConference, CatInstitution}

// DocSources say how a document came in.
var DocSources = []string{"upload", "scan", "generated"}

// Hash is the archive's integrity hash: SHA-256 of the bytes, lower-case hex.
func Hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// RetainUntil is the first day a document filed on filed (YYYY-MM-DD) may be disposed of:
// the same day years later (29 February rolls to 1 March).
func RetainUntil(filed string, years int) (string, error) {
	t, err := ParseDate("filed_on", filed)
	if err != nil {
		return "", err
	}
	return t.AddDate(years, 0, 0).Format(DateLayout), nil
}

// MayDispose says whether a document kept until retainUntil may be deleted on today: only
// once its period has ended. Errors: conflict naming the day, so the refusal says when.
func MayDispose(retainUntil, today string) error {
	if today < retainUntil {
		return apperr.Conflictf("retain_until", "sup.err.retained", retainUntil)
	}
	return nil
}

// NewDocument is a document to file.
type NewDocument struct {
	Entity    string `json:"entity"`
	CaseID    int64  `json:"case_id"`
	Category  string `json:"category"`
	Title     string `json:"title"`
	Source    string `json:"source"`
	SourceRef string `json:"source_ref"`
	MIME      string `json:"mime"`
	Content   []byte `json:"-"`
	On        string `json:"on"`
}

// Validate checks a document before filing. Errors: invalid.
func (d NewDocument) Validate() error {
	if !slices.Contains(Categories, d.Category) {
		return apperr.Invalidf("category", "sup.err.category")
	}
	if strings.TrimSpace(d.Title) == "" {
		return apperr.Invalidf("title", "sup.err.required")
	}
	if !slices.Contains(DocSources, d.Source) {
		return apperr.Invalidf("source", "sup.err.source")
	}
	if len(d.Content) == 0 {
		return apperr.Invalidf("file", "sup.err.empty")
	}
	if len(d.Content) > MaxDocumentBytes {
		return apperr.Invalidf("file", "sup.err.too_big", MaxDocumentBytes>>20)
	}
	if d.CaseID <= 0 {
		return apperr.Invalidf("case_id", "sup.err.required")
	}
	_, err := ParseDate("on", d.On)
	return err
}

// Today is the business date of t in China (the agencies' day), YYYY-MM-DD.
func Today(t time.Time) string {
	return t.In(shanghai).Format(DateLayout)
}

// shanghai is the agencies' time zone (calendar.Shanghai).
var shanghai = calendar.Shanghai
