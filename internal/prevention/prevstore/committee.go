package prevstore

import (
	"context"
	"fmt"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/store"
)

// Member is a member of a region's prevention committee (工伤预防委员会 / 联席会议).
type Member struct {
	ID         int64  `json:"id"`
	Region     string `json:"region"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Position   string `json:"position"`
	FromOn     string `json:"from_on"`
	ToOn       string `json:"to_on,omitempty"`
}

// Decision is one decision of a meeting, with who carries it out.
type Decision struct {
	Decision    string `json:"decision"`
	Responsible string `json:"responsible"`
	DueOn       string `json:"due_on,omitempty"`
}

// Meeting is a committee meeting with the information exchanged and its decisions.
type Meeting struct {
	ID        int64      `json:"id"`
	Region    string     `json:"region"`
	HeldOn    string     `json:"held_on"`
	Topic     string     `json:"topic"`
	Attendees []int64    `json:"attendees"`
	Exchanged string     `json:"exchanged"` // hazard findings, accident trends
	Decisions []Decision `json:"decisions"`
}

// Committee is a region's committee: serving members and meetings, newest first.
type Committee struct {
	Members  []Member  `json:"members"`
	Meetings []Meeting `json:"meetings"`
}

// AddMember appoints a committee member. Errors: invalid.
func AddMember(ctx context.Context, db *store.DB, by audit.Actor, m Member) (int64, error) {
	switch {
	case m.Region == "":
		return 0, apperr.Invalidf("region", "地区必填 / region is required")
	case m.Name == "":
		return 0, apperr.Invalidf("name", "姓名必填 / name is required")
	case m.Department == "":
		return 0, apperr.Invalidf("department", "成员单位必填 / department is required")
	}
	if _, err := parseDay("from_on", m.FromOn); err != nil {
		return 0, err
	}
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO prevention_committee_members (region, name, department, position, from_on, to_on)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, m.Region, m.Name, m.Department, m.Position, m.FromOn, nullable(m.ToOn)).Scan(&id); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "prevention.committee.member", Entity: "prevention_committee_member", EntityID: fmt.Sprint(id), After: m}.By(by))
		return err
	})
	return id, err
}

// RecordMeeting stores a meeting with its decisions. Errors: invalid.
func RecordMeeting(ctx context.Context, db *store.DB, by audit.Actor, m Meeting) (int64, error) {
	if m.Region == "" || m.Topic == "" {
		return 0, apperr.Invalidf("topic", "地区与议题必填 / region and topic are required")
	}
	if _, err := parseDay("held_on", m.HeldOn); err != nil {
		return 0, err
	}
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		ids := make([]string, len(m.Attendees))
		for i, a := range m.Attendees {
			ids[i] = fmt.Sprint(a)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO prevention_meetings (region, held_on, topic, attendees, exchanged, created_by)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, m.Region, m.HeldOn, m.Topic, strings.Join(ids, ","), m.Exchanged, by.Username).Scan(&id); err != nil {
			return err
		}
		for i, d := range m.Decisions {
			if d.Decision == "" {
				return apperr.Invalidf(fmt.Sprintf("decisions[%d].decision", i), "决定内容必填 / the decision is required")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO prevention_decisions (meeting_id, seq, decision, responsible, due_on) VALUES (?, ?, ?, ?, ?)`,
				id, i+1, d.Decision, d.Responsible, nullable(d.DueOn)); err != nil {
				return err
			}
		}
		_, err := audit.Append(ctx, tx, audit.Record{Action: "prevention.committee.meeting", Entity: "prevention_meeting", EntityID: fmt.Sprint(id), After: m}.By(by))
		return err
	})
	return id, err
}

// GetCommittee returns the committee of region: members serving on asOf and every meeting.
func GetCommittee(ctx context.Context, q store.Querier, region, asOf string) (Committee, error) {
	var c Committee
	rows, err := q.Query(ctx, `SELECT id, region, name, department, position, from_on, COALESCE(to_on, '') FROM prevention_committee_members
		WHERE region = ? AND from_on <= ? AND (to_on IS NULL OR to_on >= ?) ORDER BY department, name`, region, asOf, asOf)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.Region, &m.Name, &m.Department, &m.Position, &m.FromOn, &m.ToOn); err != nil {
			rows.Close()
			return c, err
		}
		c.Members = append(c.Members, m)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT m.id, m.region, m.held_on, m.topic, m.attendees, m.exchanged, COALESCE(d.seq, 0),
		COALESCE(d.decision, ''), COALESCE(d.responsible, ''), COALESCE(d.due_on, '')
		FROM prevention_meetings m LEFT JOIN prevention_decisions d ON d.meeting_id = m.id
		WHERE m.region = ? ORDER BY m.held_on DESC, m.id DESC, d.seq`, region)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Meeting
		var att string
		var seq int
		var d Decision
		if err := rows.Scan(&m.ID, &m.Region, &m.HeldOn, &m.Topic, &att, &m.Exchanged, &seq, &d.Decision, &d.Responsible, &d.DueOn); err != nil {
			return c, err
		}
		if n := len(c.Meetings); n == 0 || c.Meetings[n-1].ID != m.ID {
			for _, a := range strings.Split(att, ",") {
				var v int64
				if _, err := fmt.Sscan(a, &v); err == nil {
					m.Attendees = append(m.Attendees, v)
				}
			}
			c.Meetings = append(c.Meetings, m)
		}
		if seq > 0 {
			last := &c.Meetings[len(c.Meetings)-1]
			last.Decisions = append(last.Decisions, d)
		}
	}
	return c, rows.Err()
}
