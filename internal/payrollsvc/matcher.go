package payrollsvc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"wiis/internal/payroll"
)

// MatchRequest is what a beneficiary submits for self-certification online or on a phone: a
// photo or short video the region's identity service compares with the ID photo on record.
type MatchRequest struct {
	IDNumber  string
	Name      string
	Media     []byte
	MediaType string // image/jpeg, video/mp4, ...
	Device    string // app | phone | web
}

// MatchResult is the identity service's answer. Reference identifies the comparison at the
// service, so the evidence of a certification can be traced there.
type MatchResult struct {
	Matched   bool
	Score     string // the service's score, as it reports it
	Reference string
	Provider  string
}

// IdentityMatcher is the contract of a region's identity-matching service (payroll.md:
// "a photo or video matched by a service the region provides; wiis keeps the adapter
// contract and a stand-in for tests"). An error means the service could not answer; a
// non-match is a MatchResult with Matched false.
type IdentityMatcher interface {
	Match(ctx context.Context, req MatchRequest) (MatchResult, error)
}

// StandInMatcher is the identity service of tests and the demo: any non-empty media matches,
// except for the ID numbers in Reject; the reference is a digest of the media.
type StandInMatcher struct {
	Reject map[string]bool
}

// Match implements IdentityMatcher.
func (m StandInMatcher) Match(_ context.Context, req MatchRequest) (MatchResult, error) {
	sum := sha256.Sum256(append([]byte(req.IDNumber+"|"), req.Media...))
	r := MatchResult{Provider: "stand-in", Reference: hex.EncodeToString(sum[:8])}
	if len(req.Media) > 0 && !m.Reject[req.IDNumber] {
		r.Matched, r.Score = true, "0.99"
	} else {
		r.Score = "0.00"
	}
	return r, nil
}

// ErrNotMatched: the identity service did not match the submitted photo or video.
var ErrNotMatched = fmt.Errorf("identity not matched: %w", ErrInvalid)

// SelfCertify sends a self-certification to the region's identity service (s.Matcher) and,
// when it matches, records it as a self_service certification with the service's reference
// as evidence (see Certify). A non-match records nothing and returns ErrNotMatched (an
// ErrInvalid): the beneficiary may try again or come to a counter.
func (s *Service) SelfCertify(ctx context.Context, req MatchRequest) (int64, int, error) {
	if s.Matcher == nil {
		return 0, 0, fmt.Errorf("self-certification: no identity service configured: %w", ErrConflict)
	}
	if len(req.Media) == 0 {
		return 0, 0, fmt.Errorf("media: required: %w", ErrInvalid)
	}
	res, err := s.Matcher.Match(ctx, req)
	if err != nil {
		return 0, 0, fmt.Errorf("self-certification %s: identity service: %w", req.IDNumber, err)
	}
	if !res.Matched {
		return 0, 0, fmt.Errorf("self-certification %s: %s score %s ref %s: %w", req.IDNumber, res.Provider, res.Score, res.Reference, ErrNotMatched)
	}
	return s.Certify(ctx, Certification{IDNumber: req.IDNumber, Channel: payroll.ChannelSelfService,
		Evidence:   fmt.Sprintf("%s match ref %s score %s via %s", res.Provider, res.Reference, res.Score, req.Device),
		RecordedBy: "self:" + req.IDNumber})
}

func (s *Service) clock() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func sortCert(out []CertStatus) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Due != out[j].Due {
			return out[i].Due < out[j].Due
		}
		return out[i].IDNumber < out[j].IDNumber
	})
}
