// Package auth holds the accounts of security.md: roles, users with a region scope, password
// hashing (argon2id) with complexity and history rules, login lockout, server-side sessions
// with idle expiry and CSRF tokens, API tokens for other systems, and permissions that name
// which roles may call a route. Every function that changes a user writes an audit record in
// the same transaction.
package auth

import (
	"slices"
	"strings"

	"wiis/internal/apperr"
)

// Role is a job in the agency (or outside it: employer, worker); permissions name roles.
type Role string

// The roles of security.md. Codes are stored in users.roles, comma-separated.
const (
	Teller               Role = "teller"                // 综合柜员
	DeterminationOfficer Role = "determination_officer" // 工伤认定
	AssessmentSecretary  Role = "assessment_secretary"  // 劳动能力鉴定办
	BenefitsReviewer     Role = "benefits_reviewer"     // 待遇审核
	PaymentOfficer       Role = "payment_officer"       // 基金支付
	FundOfficer          Role = "fund_officer"          // 基金财务
	RiskInvestigator     Role = "risk_investigator"     // 稽核
	PreventionOfficer    Role = "prevention_officer"    // 工伤预防与康复
	MedicalAuditor       Role = "medical_auditor"       // 医疗费用审核
	Auditor              Role = "auditor"               // 审计管理员
	SysAdmin             Role = "sysadmin"              // 系统管理员
	SecAdmin             Role = "secadmin"              // 安全管理员
	Employer             Role = "employer"              // 用人单位（网上服务厅）
	Worker               Role = "worker"                // 参保职工（自助服务）
)

// RoleInfo names a role for people.
type RoleInfo struct {
	Code Role
	Zh   string
	En   string
}

// Roles lists every role in display order; AllRoles and the route-permission test use it.
var Roles = []RoleInfo{
	{Teller, "综合柜员", "Integrated teller"},
	{DeterminationOfficer, "工伤认定员", "Determination officer"},
	{AssessmentSecretary, "劳动能力鉴定秘书", "Assessment secretary"},
	{BenefitsReviewer, "待遇审核员", "Benefits reviewer"},
	{PaymentOfficer, "基金支付员", "Payment officer"},
	{FundOfficer, "基金财务员", "Fund officer"},
	{RiskInvestigator, "稽核员", "Risk investigator"},
	{PreventionOfficer, "预防康复专员", "Prevention officer"},
	{MedicalAuditor, "医疗费用审核员", "Medical auditor"},
	{Auditor, "审计管理员", "Auditor"},
	{SysAdmin, "系统管理员", "System administrator"},
	{SecAdmin, "安全管理员", "Security administrator"},
	{Employer, "用人单位", "Employer"},
	{Worker, "参保职工", "Worker"},
}

// AllRoles returns every role code.
func AllRoles() []Role {
	out := make([]Role, len(Roles))
	for i, r := range Roles {
		out[i] = r.Code
	}
	return out
}

// Info returns the names of a role (the code itself for an unknown one).
func (r Role) Info() RoleInfo {
	for _, ri := range Roles {
		if ri.Code == r {
			return ri
		}
	}
	return RoleInfo{r, string(r), string(r)}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return slices.ContainsFunc(Roles, func(ri RoleInfo) bool { return ri.Code == r })
}

// separated are the three roles 三员分立 keeps apart: no user may hold two of them.
var separated = []Role{SysAdmin, SecAdmin, Auditor}

// ParseRoles reads a comma-separated list of role codes, checking each is known.
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		r := Role(p)
		if !r.Valid() {
			return nil, apperr.Invalidf("roles", "auth.role_unknown", p)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// CheckRoles enforces the rules on a set of roles: at least one, all known, and at most one of
// sysadmin, secadmin and auditor (三员分立, security.md). It returns an invalid error for field
// "roles".
func CheckRoles(roles []Role) error {
	if len(roles) == 0 {
		return apperr.Invalidf("roles", "auth.roles_required")
	}
	n := 0
	for _, r := range roles {
		if !r.Valid() {
			return apperr.Invalidf("roles", "auth.role_unknown", string(r))
		}
		if slices.Contains(separated, r) {
			n++
		}
	}
	if n > 1 {
		return apperr.Invalidf("roles", "auth.roles_separated")
	}
	return nil
}

func joinRoles(roles []Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// Perm is a permission: the rule that says who may call a route. Every route declares one;
// the route-permission test checks the server answers exactly as it says.
type Perm struct {
	Name    string // short name, shown in the permission table and OpenAPI
	Public  bool   // anyone, signed in or not
	AnyUser bool   // any signed-in user
	Roles   []Role // otherwise: users holding one of these roles
}

// Public and SignedIn are the two permissions that name no role.
var (
	Public   = Perm{Name: "public", Public: true}
	SignedIn = Perm{Name: "signed-in", AnyUser: true}
)

// NewPerm names a permission held by the given roles.
func NewPerm(name string, roles ...Role) Perm { return Perm{Name: name, Roles: roles} }

// Declared reports whether p was set at all; a route with a zero Perm is refused.
func (p Perm) Declared() bool { return p.Name != "" && (p.Public || p.AnyUser || len(p.Roles) > 0) }

// Allows reports whether u (nil when anonymous) may act under p.
func (p Perm) Allows(u *User) bool {
	switch {
	case p.Public:
		return true
	case u == nil:
		return false
	case p.AnyUser:
		return true
	}
	for _, r := range p.Roles {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// AllowsRole reports whether a user holding only role r may act under p.
func (p Perm) AllowsRole(r Role) bool { return p.Allows(&User{Roles: []Role{r}}) }
