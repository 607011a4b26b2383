// Package casework is the domain of the cases that decide whether an injury is a work injury
// and how disabled the worker is, and of the fund's advances and their recovery
// (spec/casework.md; law-reference.md §1–3, §11): the injury determination state machine
// (工伤认定), the disability assessment (劳动能力鉴定) with its recorded, replayable expert draw,
// and the advance-payment recovery ledger (先行支付/追偿).
//
// It is plain Go: every transition takes a case and an action and returns the new case or an
// *Error naming the field and the reason, and every time limit is a Step with a due date
// computed from the region's policy (Limits), so the rules can be tested by the table. Storage
// and the services the web layer calls live in the caseservice sub-package.
package casework
