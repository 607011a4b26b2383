// Package medical is the medical side of work-injury insurance (spec/casework.md, "Medical
// treatment, rehabilitation, assistive devices"; 条例 Art. 30–32): agreement institutions
// (协议机构) and their agreements, the catalogues (drugs, treatment items, service facilities,
// rehabilitation items, assistive devices) with their price limits and effective dates, the
// line-by-line audit of a bill — each refused or doubtful line with a reason code and its
// Chinese text — and the hospital food subsidy and out-of-area travel at the area's standards.
//
// It is plain Go: the audit takes the bill and what it is audited against and returns a
// result per line, so every rule is a table test. Storage, the direct-settlement and
// reimbursement services, the human review queue and the ledger postings live in the
// medsvc sub-package.
package medical

import (
	"fmt"
	"math/big"
	"strings"

	"wiis/internal/calendar"
	"wiis/internal/money"
)

// Date is a calendar day.
type Date = calendar.Date

// Kind is a catalogue: what a bill line is.
type Kind string

// The catalogues of 条例 Art. 30 and 32 and casework.md.
const (
	KindDrug      Kind = "drug"      // 工伤保险药品目录
	KindTreatment Kind = "treatment" // 诊疗项目目录
	KindFacility  Kind = "facility"  // 住院服务设施标准
	KindRehab     Kind = "rehab"     // 康复项目
	KindDevice    Kind = "device"    // 辅助器具配置目录
)

// Kinds lists the catalogues in display order.
var Kinds = []Kind{KindDrug, KindTreatment, KindFacility, KindRehab, KindDevice}

// Valid reports whether k is one of the catalogues.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// CatalogueItem is one entry of a catalogue in one effective period. A new price limit is a new
// entry from a later date, so a bill is always audited against the entry in force on the day
// of the treatment.
type CatalogueItem struct {
	Kind Kind   `json:"kind"`
	Code string `json:"code"`
	Name string `json:"name"`
	// Category is the payment category (甲/乙 for drugs and items). Reading: in work-injury
	// insurance both categories are paid in full by the fund (there is no self-paid share as
	// in basic medical insurance), so the category is recorded and shown, not used to cut the
	// amount; a restricted item is flagged by Restricted instead.
	Category string `json:"category"`
	Unit     string `json:"unit"`
	// PriceLimit is the highest unit price paid; 0 means no limit.
	PriceLimit money.Amount `json:"price_limit"`
	From       Date         `json:"from"`
	To         Date         `json:"to"` // last day in force; zero: open
	// Restricted items (限定支付范围) are paid only for the indications the catalogue names:
	// a human checks them.
	Restricted bool `json:"restricted"`
	// MaxQuantity is the largest plausible quantity on one line; 0: no check.
	MaxQuantity Qty `json:"max_quantity"`
}

// InForce reports whether the entry is in force on day d.
func (c CatalogueItem) InForce(d Date) bool {
	return !d.Before(c.From) && (c.To.IsZero() || !d.After(c.To))
}

// Catalogue holds the entries of all catalogues, every period of each.
type Catalogue struct {
	items map[string][]CatalogueItem
}

// NewCatalogue indexes entries by catalogue and code.
func NewCatalogue(items []CatalogueItem) Catalogue {
	c := Catalogue{items: map[string][]CatalogueItem{}}
	for _, it := range items {
		k := string(it.Kind) + "\x00" + it.Code
		c.items[k] = append(c.items[k], it)
	}
	return c
}

// Lookup returns the entry of code in catalogue k in force on day d; listed reports whether
// the code is in the catalogue at all (in any period).
func (c Catalogue) Lookup(k Kind, code string, d Date) (item CatalogueItem, listed, inForce bool) {
	all := c.items[string(k)+"\x00"+code]
	for _, it := range all {
		if it.InForce(d) {
			return it, true, true
		}
	}
	return CatalogueItem{}, len(all) > 0, false
}

// Agreement is a service agreement (服务协议) of an institution with the agency.
type Agreement struct {
	From   Date   `json:"from"`
	To     Date   `json:"to"`     // last day; zero: open
	Level  string `json:"level"`  // hospital level (e.g. 三级甲等), shown and used for local price tiers
	Status string `json:"status"` // active | suspended | terminated
	// Kinds are the services agreed (medical, rehab, device); empty: all.
	Kinds []string `json:"kinds,omitempty"`
}

// Agreement statuses.
const (
	AgreementActive     = "active"
	AgreementSuspended  = "suspended"
	AgreementTerminated = "terminated"
)

// Institution is a medical, rehabilitation or device institution and its agreements.
type Institution struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	Region     string      `json:"region"`
	Agreements []Agreement `json:"agreements"`
}

// AgreementOn returns the active agreement covering day d.
func (i Institution) AgreementOn(d Date) (Agreement, bool) {
	for _, a := range i.Agreements {
		if a.Status == AgreementActive && !d.Before(a.From) && (a.To.IsZero() || !d.After(a.To)) {
			return a, true
		}
	}
	return Agreement{}, false
}

// Qty is a quantity in thousandths of a unit (half a vial is 500), so amounts stay exact.
type Qty int64

// ParseQty reads a decimal quantity with at most three decimals.
func ParseQty(s string) (Qty, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 3 || !digits(whole) || (frac != "" && !digits(frac)) {
		return 0, fmt.Errorf("quantity %q: want a number with at most three decimals", s)
	}
	var q int64
	for _, c := range whole + (frac + "000")[:3] {
		q = q*10 + int64(c-'0')
	}
	return Qty(q), nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// String formats the quantity without trailing zeros.
func (q Qty) String() string {
	s := fmt.Sprintf("%d.%03d", q/1000, q%1000)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// Times returns price × q, rounded half-up to the fen.
func (q Qty) Times(price money.Amount) money.Amount {
	return money.RoundHalfUp(new(big.Rat).Mul(price.Rat(), big.NewRat(int64(q), 1000)))
}
