// Package privacy holds the personal-data controls of security.md that every module shares:
// masking of ID numbers, bank accounts and phone numbers in lists (3415**********123X), the
// audited reveal of a full value, and the audited export that records how many rows of
// personal data left the system. Encryption at rest is designed in docs/privacy.md.
package privacy

import (
	"context"
	"strings"
	"unicode/utf8"

	"wiis/internal/audit"
	"wiis/internal/idcode"
	"wiis/internal/store"
)

// mask keeps the first head and last tail characters of s and stars the rest; a value too
// short to keep anything hidden is starred whole, so a mask never shows a full value.
func mask(s string, head, tail int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	if len(r) <= head+tail+2 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// MaskID masks a citizen ID number the way the agency prints it in lists: the first four
// digits (province and city) and the last four (sequence and check) stay, e.g.
// 341502198001011234 → 3415**********1234.
func MaskID(s string) string { return mask(s, 4, 4) }

// MaskBank masks a bank account: the first four digits (the bank) and the last four stay.
func MaskBank(s string) string { return mask(s, 4, 4) }

// MaskPhone masks a phone number: a mobile keeps its first three and last four digits
// (138****5678); other numbers keep the last four.
func MaskPhone(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) == 11 && strings.HasPrefix(s, "1") {
		return mask(s, 3, 4)
	}
	return mask(s, 0, 4)
}

// Field names a kind of personal value for masking and for reveal records.
type Field string

// The masked kinds of security.md.
const (
	IDNumber    Field = "id_number"
	BankAccount Field = "bank_account"
	Phone       Field = "phone"
)

// Mask masks v as a value of kind f.
func (f Field) Mask(v string) string {
	switch f {
	case BankAccount:
		return MaskBank(v)
	case Phone:
		return MaskPhone(v)
	}
	return MaskID(v)
}

// Reveal records in the audit log that by was shown the full value of field f of entity
// entityID (security.md: "showing the full value is an audited action"). Call it before
// answering with the value, and answer only if it succeeds; the value itself is not logged.
func Reveal(ctx context.Context, db *store.DB, by audit.Actor, entity, entityID string, f Field) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		_, err := audit.Append(ctx, tx, audit.Record{Action: "reveal." + string(f), Entity: entity,
			EntityID: entityID}.By(by))
		return err
	})
}

// Export describes an export of personal data for its audit record.
type Export struct {
	What   string         // the layout, report or list exported, e.g. "persons"
	Format string         // csv, xlsx, json
	Params map[string]any // the filter that chose the rows (no personal values)
}

// Audited runs an export (fn returns how many rows it wrote) and appends an "export" audit
// record with the row count, also when fn fails part-way (then with the rows written so far
// and the error), because rows already written may have left the system.
func Audited(ctx context.Context, db *store.DB, by audit.Actor, e Export, fn func() (int64, error)) (int64, error) {
	n, err := fn()
	after := map[string]any{"format": e.Format, "rows": n}
	if len(e.Params) > 0 {
		after["params"] = e.Params
	}
	if err != nil {
		after["error"] = err.Error()
	}
	aerr := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := audit.Append(ctx, tx, audit.Record{Action: "export", Entity: e.What, After: after}.By(by))
		return err
	})
	if err != nil {
		return n, err
	}
	return n, aerr
}

// MaskText masks every resident ID number standing in s (a risk finding's evidence, an audit
// record's subject, a request path), so text written for people can go in a list or a log.
func MaskText(s string) string { return ReplaceIDs(s, MaskID) }

// ReplaceIDs replaces every resident ID number standing in s (idcode.IDAt) with f of it, the
// number passed upper-cased: people type the check character as a small x too.
func ReplaceIDs(s string, f func(id string) string) string {
	if len(s) < 18 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+18 <= len(s); i++ {
		if !idAtFolded(s, i) {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(f(strings.ToUpper(s[i : i+18])))
		last = i + 18
		i = last - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// idAtFolded is idcode.IDAt that also takes a small x as the check character. It checks a
// copy of the number and the character either side, not of the whole text.
func idAtFolded(s string, i int) bool {
	if s[i+17] == 'x' {
		from, to := max(0, i-1), min(len(s), i+19)
		return idcode.IDAt(s[from:i+17]+"X"+s[i+18:to], i-from)
	}
	return idcode.IDAt(s, i)
}
