package prevention

import (
	"slices"

	"wiis/internal/apperr"
	"wiis/internal/auth"
)

// healthDataRoles are the roles whose work needs occupational health examination results and
// other health data (security.md: "visible only to the roles whose work needs it"; PIPL Art. 28
// makes medical health information sensitive personal information, to be processed only for a
// specific purpose and when necessary). The choice, role by role:
//
//   - prevention_officer: runs surveillance, follows up suspected occupational disease and
//     screens and manages rehabilitation; the results are the work itself.
//   - determination_officer: decides occupational-disease determinations (Art. 14(四) of the
//     Regulation), for which the surveillance record and exposure history are evidence.
//   - assessment_secretary: prepares disability assessments, which read the medical record.
//   - medical_auditor: audits medical and rehabilitation bills against diagnoses.
//
// Not listed, and why: teller (takes materials, needs no findings), benefits_reviewer and
// payment_officer (work from the determination and the grade, not the findings),
// fund_officer (money only), risk_investigator (investigates payments and enrollment; when a
// case needs medical facts they come through the determination file), auditor, sysadmin and
// secadmin (三员分立: they keep the system and its log, never the business content), employer
// and worker (portal roles: an employer receives its own workers' reports from the
// examination institution and is told of a suspected case by the notice; a worker's right to
// their own record, PIPL Art. 45, is a per-person rule, not a role rule, and is not granted by
// holding the role).
var healthDataRoles = []auth.Role{auth.PreventionOfficer, auth.DeterminationOfficer, auth.AssessmentSecretary, auth.MedicalAuditor}

// HealthDataRoles returns the roles that may see health data, for the permission table.
func HealthDataRoles() []auth.Role { return slices.Clone(healthDataRoles) }

// CanSeeHealthData reports whether a user holding roles may see examination results and other
// health data: true when any of the roles needs them.
func CanSeeHealthData(roles []auth.Role) bool {
	for _, r := range roles {
		if slices.Contains(healthDataRoles, r) {
			return true
		}
	}
	return false
}

// RequireHealthData returns a forbidden error unless roles may see health data; every service
// function that reads or writes examination results calls it first.
func RequireHealthData(roles []auth.Role) error {
	if CanSeeHealthData(roles) {
		return nil
	}
	return apperr.Forbiddenf("无权查看健康信息 / your role may not see health data")
}

// Hazard factors an employer declares (职业病危害因素, 《职业病危害因素分类目录》 groups).
var HazardFactors = []Code{
	{"dust", "粉尘"}, {"chemical", "化学因素（毒物）"}, {"physical_noise", "噪声"}, {"physical_vibration", "振动"},
	{"physical_heat", "高温"}, {"radiation", "放射性因素"}, {"biological", "生物因素"}, {"other", "其他因素"},
}

// Code is a stored code with its Chinese name.
type Code struct{ Code, Name string }

// ValidCode reports whether c is one of codes.
func ValidCode(codes []Code, c string) bool {
	return slices.ContainsFunc(codes, func(x Code) bool { return x.Code == c })
}

// Examination kinds of 《职业病防治法》 Art. 35: before, during and on leaving work with a hazard.
var ExamKinds = []Code{{"pre_employment", "上岗前"}, {"on_the_job", "在岗期间"}, {"leaving", "离岗时"}}

// Examination conclusions (GBZ 188 conclusion classes).
var ExamResults = []Code{
	{"normal", "目前未见异常"}, {"abnormal", "复查"}, {"contraindication", "职业禁忌证"},
	{"suspected", "疑似职业病"}, {"other_disease", "其他疾病或异常"},
}

// Follow-up states of a suspected occupational-disease case: flagged to the employer, under
// diagnosis, then excluded or confirmed; a confirmed case links to the claim of its
// determination.
var SuspectStates = []Code{
	{"flagged", "已告知用人单位"}, {"diagnosing", "诊断中"}, {"excluded", "排除"}, {"confirmed", "确诊职业病"},
}

// suspectNext are the legal follow-up moves.
var suspectNext = map[string][]string{
	"flagged":    {"diagnosing", "excluded", "confirmed"},
	"diagnosing": {"excluded", "confirmed"},
}

// CanFollowUp reports whether a suspected case may move from one state to another.
func CanFollowUp(from, to string) bool { return slices.Contains(suspectNext[from], to) }
