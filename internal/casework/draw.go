package casework

import (
	"cmp"
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Expert is a member of the committee's medical expert pool (医疗卫生专家库, 条例 Art. 24).
type Expert struct {
	ID          int64      `json:"id"`
	Region      string     `json:"region"` // the committee (city, or province for re-assessment)
	Name        string     `json:"name"`
	Specialties []string   `json:"specialties"`
	Conflicts   []Conflict `json:"conflicts"`
	Active      bool       `json:"active"`
}

// Conflict links an expert to someone the expert may not judge (条例 Art. 27 回避): an employer
// (USCC), a worker (ID number, for a relation) or the treating hospital.
type Conflict struct {
	Kind string `json:"kind"` // employer | person | hospital
	Ref  string `json:"ref"`
}

// The conflict kinds.
const (
	ConflictEmployer = "employer"
	ConflictPerson   = "person"
	ConflictHospital = "hospital"
)

// DrawRequest says what panel a case needs and whom its experts must not be linked to.
type DrawRequest struct {
	Size         int      `json:"size"`        // 3 or 5 (条例 Art. 25)
	Specialties  []string `json:"specialties"` // each is covered by at least one panel member
	EmployerUSCC string   `json:"employer_uscc"`
	WorkerID     string   `json:"worker_id"`
	Hospital     string   `json:"hospital"`
}

// Candidate is an eligible expert as the draw saw it: the specialties are kept so the draw can
// be replayed from the record alone, even after the pool changes.
type Candidate struct {
	ID          int64    `json:"id"`
	Specialties []string `json:"specialties"`
}

// Exclusion is a pool member left out of the draw and why.
type Exclusion struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// Seed is the 128-bit seed of a draw's PCG generator, stored with the draw.
type Seed [2]uint64

// NewSeed returns a seed from the operating system's random source: the draw must be
// unpredictable when made, and replayable afterwards from the stored seed.
func NewSeed() Seed {
	var b [16]byte
	if _, err := crand.Read(b[:]); err != nil {
		panic("casework: no randomness: " + err.Error()) // crypto/rand never fails on Linux
	}
	return Seed{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// String is 32 hex digits.
func (s Seed) String() string { return fmt.Sprintf("%016x%016x", s[0], s[1]) }

// ParseSeed reads the 32 hex digits of String.
func ParseSeed(h string) (Seed, error) {
	if len(h) != 32 {
		return Seed{}, fmt.Errorf("casework: seed must be 32 hex digits")
	}
	a, err := strconv.ParseUint(h[:16], 16, 64)
	if err != nil {
		return Seed{}, err
	}
	b, err := strconv.ParseUint(h[16:], 16, 64)
	if err != nil {
		return Seed{}, err
	}
	return Seed{a, b}, nil
}

// Draw is the record of a random draw: enough for an auditor to replay it.
type Draw struct {
	Seed        Seed        `json:"seed"`
	Size        int         `json:"size"`
	Specialties []string    `json:"specialties"`
	Candidates  []Candidate `json:"candidates"` // in ID order, as drawn from
	Excluded    []Exclusion `json:"excluded"`
	Panel       []int64     `json:"panel"` // in the order drawn
}

// Eligible splits the pool into candidates (active, without a conflict with the employer, the
// worker or the treating hospital, and with one of the specialties asked for, if any) and
// exclusions with their reasons. Candidates are in ID order so the draw is reproducible.
func Eligible(pool []Expert, req DrawRequest) ([]Candidate, []Exclusion) {
	sorted := slices.Clone(pool)
	slices.SortFunc(sorted, func(a, b Expert) int { return cmp.Compare(a.ID, b.ID) })
	var cands []Candidate
	var excl []Exclusion
	for _, e := range sorted {
		if r := excludedFor(e, req); r != "" {
			excl = append(excl, Exclusion{ID: e.ID, Reason: r})
			continue
		}
		cands = append(cands, Candidate{ID: e.ID, Specialties: slices.Clone(e.Specialties)})
	}
	return cands, excl
}

func excludedFor(e Expert, req DrawRequest) string {
	if !e.Active {
		return "inactive"
	}
	for _, c := range e.Conflicts {
		switch {
		case c.Kind == ConflictEmployer && c.Ref != "" && c.Ref == req.EmployerUSCC:
			return "conflict: employer"
		case c.Kind == ConflictPerson && c.Ref != "" && c.Ref == req.WorkerID:
			return "conflict: worker"
		case c.Kind == ConflictHospital && c.Ref != "" && c.Ref == req.Hospital:
			return "conflict: treating hospital"
		}
	}
	if len(req.Specialties) > 0 && !slices.ContainsFunc(e.Specialties, func(s string) bool { return slices.Contains(req.Specialties, s) }) {
		return "no needed specialty"
	}
	return ""
}

// DrawPanel draws req.Size experts from the eligible members of pool with the generator seeded
// by seed, and returns the full record. Errors: a size other than 3 or 5, more specialties than
// seats, fewer eligible experts than seats, or a specialty no eligible expert has.
func DrawPanel(pool []Expert, req DrawRequest, seed Seed) (Draw, error) {
	if req.Size != 3 && req.Size != 5 {
		return Draw{}, invalid("size", "a panel has 3 or 5 experts (条例 Art. 25)")
	}
	specs := slices.Clone(req.Specialties)
	slices.Sort(specs)
	specs = slices.Compact(specs)
	if len(specs) > req.Size {
		return Draw{}, invalid("specialties", "%d specialties cannot be covered by %d experts", len(specs), req.Size)
	}
	cands, excl := Eligible(pool, req)
	d := Draw{Seed: seed, Size: req.Size, Specialties: specs, Candidates: cands, Excluded: excl}
	panel, err := d.Replay()
	if err != nil {
		return Draw{}, err
	}
	d.Panel = panel
	return d, nil
}

// Replay recomputes the panel from the record's seed, size, specialties and candidates. The
// rule: first, for each specialty in sorted order, one expert drawn uniformly from the
// candidates not yet chosen who have it; then the remaining seats drawn uniformly from all
// candidates not yet chosen. An auditor compares the result with Panel.
func (d Draw) Replay() ([]int64, error) {
	if len(d.Candidates) < d.Size {
		return nil, invalid("experts", "only %d eligible experts for a panel of %d", len(d.Candidates), d.Size)
	}
	r := rand.New(rand.NewPCG(d.Seed[0], d.Seed[1]))
	left := slices.Clone(d.Candidates)
	var panel []int64
	take := func(from []int) {
		i := from[r.IntN(len(from))]
		panel = append(panel, left[i].ID)
		left = slices.Delete(left, i, i+1)
	}
	for _, s := range d.Specialties {
		var with []int
		for i, c := range left {
			if slices.Contains(c.Specialties, s) {
				with = append(with, i)
			}
		}
		if len(with) == 0 {
			return nil, invalid("specialties", "no eligible expert left in %s", s)
		}
		take(with)
	}
	for len(panel) < d.Size {
		all := make([]int, len(left))
		for i := range all {
			all[i] = i
		}
		take(all)
	}
	return panel, nil
}
