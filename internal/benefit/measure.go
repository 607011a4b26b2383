package benefit

import (
	"bytes"
	"encoding/json"
	"time"
)

// SampleCase is a realistic case (grade 5, employment ended, 12 months of wages, a suspension
// period, partial self-care dependency) used to measure throughput.
const SampleCase = `{"injury_date": "2024-03-15", "wage_history": ["5800", "6000", "6200", "5800", "6000", "6200", "5800", "6000", "6200", "5800", "6000", "6200"],
	"grade": 5, "employment_ended": true, "suspension_months": 6, "original_wage": "6000.00", "self_care": "partial",
	"params": {"area_avg_wage": "7236.00", "min_wage": "2060.00", "national_income": 51821,
		"medical_subsidy_months": {"5": 22, "6": 18, "7": 13, "8": 10, "9": 7, "10": 4},
		"employment_subsidy_months": {"5": 22, "6": 18, "7": 13, "8": 10, "9": 7, "10": 4}, "subsidy_base": "area_avg_wage"}}`

// Measure decodes and calculates SampleCase n times, and decodes the same JSON into a generic
// value n times as the raw baseline of the same run: `wiis bench` and BenchmarkCalculate
// report calculations per second next to it.
func Measure(n int) (calc, raw time.Duration, err error) {
	in := []byte(SampleCase)
	start := time.Now()
	for i := 0; i < n; i++ {
		c, err := DecodeCase(bytes.NewReader(in))
		if err != nil {
			return 0, 0, err
		}
		if _, err := Calculate(c); err != nil {
			return 0, 0, err
		}
	}
	calc = time.Since(start)
	start = time.Now()
	for i := 0; i < n; i++ {
		var v any
		if err := json.Unmarshal(in, &v); err != nil {
			return 0, 0, err
		}
	}
	return calc, time.Since(start), nil
}
