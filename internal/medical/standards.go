package medical

import (
	"strconv"

	"wiis/internal/money"
)

// ParamStandards is the policy key of the area's Standards (seeded by migration 00044).
const ParamStandards = "medical.standards"

// Standards are the area's figures for what 条例 Art. 30 ¶3 leaves to the pooling area's
// government: the inpatient food subsidy and out-of-area travel, food and lodging.
//
//	{"food_subsidy_per_day": "30.00", "lodging_per_night": "300.00", "travel_food_per_day": "100.00"}
type Standards struct {
	FoodSubsidyPerDay money.Amount `json:"food_subsidy_per_day"` // 住院伙食补助费 per inpatient day
	LodgingPerNight   money.Amount `json:"lodging_per_night"`    // 异地就医住宿费 cap per night
	TravelFoodPerDay  money.Amount `json:"travel_food_per_day"`  // 异地就医伙食费 per day
}

// Subsidy codes: the lines food and travel add to a bill.
const (
	SubsidyFood       = "food_subsidy"     // 住院伙食补助费
	SubsidyTransport  = "travel_transport" // 异地就医交通费
	SubsidyLodging    = "travel_lodging"   // 异地就医住宿费
	SubsidyTravelFood = "travel_food"      // 异地就医伙食费
)

// Subsidy is one computed subsidy amount with its formula.
type Subsidy struct {
	Code     string       `json:"code"`
	Amount   money.Amount `json:"amount"`
	Formula  string       `json:"formula"`
	Decision Decision     `json:"decision"`
	Reason   Reason       `json:"reason,omitempty"`
	Text     string       `json:"text,omitempty"`
}

// InpatientDays counts the days of a hospital stay: discharge minus admission, the way
// hospitals count 住院天数 (in on the 1st, out on the 3rd: 2 days); a same-day stay is 1.
func InpatientDays(admitted, discharged Date) int {
	n := discharged.DaysSince(admitted)
	if n < 1 && !discharged.Before(admitted) {
		return 1
	}
	return max(n, 0)
}

// FoodSubsidy is the inpatient food subsidy for a stay: the area's daily standard × the
// inpatient days (条例 Art. 30 ¶3, paid by the fund since the 2010 revision).
func FoodSubsidy(std Standards, admitted, discharged Date) Subsidy {
	days := InpatientDays(admitted, discharged)
	return Subsidy{Code: SubsidyFood, Amount: std.FoodSubsidyPerDay.Times(int64(days)), Decision: Accept,
		Formula: std.FoodSubsidyPerDay.String() + " × " + strconv.Itoa(days) + " 天"}
}

// Travel is a claim for out-of-area treatment (统筹地区以外就医).
type Travel struct {
	// Approved: the hospital certified the need and the agency agreed (经医疗机构出具证明，
	// 报经办机构同意); without it nothing is paid.
	Approved  bool         `json:"approved"`
	Transport money.Amount `json:"transport"` // tickets, as billed
	Lodging   money.Amount `json:"lodging"`   // as billed
	Nights    int          `json:"nights"`
	Days      int          `json:"days"`
}

// TravelSubsidies pays an approved out-of-area claim at the area's standards: transport as
// billed, lodging up to the nightly cap × nights, food at the daily standard × days.
// Reading: 条例 Art. 30 ¶3 leaves the standards to the area; we cap lodging per night and pay
// transport as billed (the tickets are the evidence of the class of travel, which the
// reviewer checks when the claim is approved).
func TravelSubsidies(std Standards, t Travel) []Subsidy {
	if !t.Approved {
		return []Subsidy{{Code: SubsidyTransport, Decision: Refuse, Reason: TravelNotApproved, Text: TravelNotApproved.Text(),
			Formula: "未经同意 / not approved"}}
	}
	lodgingCap := std.LodgingPerNight.Times(int64(t.Nights))
	lodging := min(t.Lodging, lodgingCap)
	out := []Subsidy{
		{Code: SubsidyTransport, Amount: t.Transport, Decision: Accept, Formula: "按票据 " + t.Transport.String()},
		{Code: SubsidyLodging, Amount: lodging, Decision: Accept,
			Formula: "min(" + t.Lodging.String() + ", " + std.LodgingPerNight.String() + " × " + strconv.Itoa(t.Nights) + " 晚)"},
		{Code: SubsidyTravelFood, Amount: std.TravelFoodPerDay.Times(int64(t.Days)), Decision: Accept,
			Formula: std.TravelFoodPerDay.String() + " × " + strconv.Itoa(t.Days) + " 天"},
	}
	if lodging < t.Lodging {
		out[1].Reason, out[1].Text = OverPriceLimit, OverPriceLimit.Text()
	}
	return out
}
