package risk

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// r09 多人共用收款账户: payments go to this account for two or more persons who are not all
// beneficiaries of the same worker.
//
// Reading: the persons are the distinct id_numbers of payments (up to the as-of month) to the
// account; they are "all beneficiaries of the same worker" when one worker_id_number appears
// in the beneficiaries rows of every one of them (survivors of one deceased worker sharing a
// family account are normal). A payee with no beneficiaries row belongs to no worker.
func (s *Scanner) r09() {
	accounts := slices.Sorted(maps.Keys(s.paid))
	for _, acct := range accounts {
		pays := s.paid[acct]
		persons := map[string]bool{}
		for _, p := range pays {
			persons[p.ID] = true
		}
		if len(persons) < 2 || s.oneWorker(persons) {
			continue
		}
		sort.Slice(pays, func(i, j int) bool {
			if pays[i].ID != pays[j].ID {
				return pays[i].ID < pays[j].ID
			}
			return pays[i].Month < pays[j].Month
		})
		ev := make([]Evidence, len(pays))
		for i, p := range pays {
			ev[i] = p.evidence()
		}
		s.out.add(finding{
			rule: "R09", subject: acct,
			detail:   fmt.Sprintf("%d 人的待遇支付到同一账户，且不同属一名工伤职工的受益人", len(persons)),
			evidence: ev,
		})
	}
}

// oneWorker reports whether some worker has every one of persons among its beneficiaries.
func (s *Scanner) oneWorker(persons map[string]bool) bool {
	count := map[string]int{} // worker → how many of persons are its beneficiaries
	for id := range persons {
		seen := map[string]bool{}
		for _, b := range s.benef[id] {
			if !seen[b.Worker] {
				seen[b.Worker] = true
				count[b.Worker]++
			}
		}
	}
	for _, n := range count {
		if n == len(persons) {
			return true
		}
	}
	return false
}
