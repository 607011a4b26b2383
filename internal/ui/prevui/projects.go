package prevui

import (
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/fund"
	"wiis/internal/money"
	"wiis/internal/prevention"
	"wiis/internal/prevention/prevstore"
	"wiis/internal/privacy"
	"wiis/internal/web"
)

type committeeData struct {
	Region    string
	Committee prevstore.Committee
	Names     map[int64]string
	Member    map[string]string
	Meeting   map[string]string
	Errors    map[string]string
	Notice    string
}

func (h *handlers) renderCommittee(w http.ResponseWriter, r *http.Request, status int, d committeeData) error {
	var err error
	if d.Region == "" {
		if d.Region, err = region(r); err != nil {
			return err
		}
	}
	if d.Committee, err = prevstore.GetCommittee(r.Context(), h.db, d.Region, today()); err != nil {
		return err
	}
	d.Names = map[int64]string{}
	for _, m := range d.Committee.Members {
		d.Names[m.ID] = m.Name
	}
	if d.Member == nil {
		d.Member = map[string]string{"from_on": today()}
	}
	if d.Meeting == nil {
		d.Meeting = map[string]string{"held_on": today()}
	}
	if d.Notice == "" {
		d.Notice = flash(r)
	}
	h.s.Render(w, r, status, "prev_committee", d)
	return nil
}

// committee shows the region's prevention committee: serving members, meetings with the
// information exchanged and their decisions, and the forms to add either.
func (h *handlers) committee(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommittee(w, r, http.StatusOK, committeeData{})
}

func (h *handlers) addMember(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "name", "department", "position", "from_on")
	reg := web.CurrentUser(r).Region
	_, err := prevstore.AddMember(r.Context(), h.db, web.ActorOf(r), prevstore.Member{Region: reg, Name: f["name"],
		Department: f["department"], Position: f["position"], FromOn: f["from_on"]})
	if err == nil {
		http.Redirect(w, r, "/prevention/committee?ok=member", http.StatusSeeOther)
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	return h.renderCommittee(w, r, status, committeeData{Region: reg, Member: f, Errors: fe})
}

func (h *handlers) addMeeting(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "held_on", "topic", "exchanged", "decisions")
	reg := web.CurrentUser(r).Region
	m := prevstore.Meeting{Region: reg, HeldOn: f["held_on"], Topic: f["topic"], Exchanged: f["exchanged"]}
	for _, a := range r.PostForm["attendees"] {
		if id, err := strconv.ParseInt(a, 10, 64); err == nil {
			m.Attendees = append(m.Attendees, id)
		}
	}
	// One decision a line: "decision | responsible department | due date".
	for _, line := range strings.Split(f["decisions"], "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		d := prevstore.Decision{Decision: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			d.Responsible = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			d.DueOn = strings.TrimSpace(parts[2])
		}
		m.Decisions = append(m.Decisions, d)
	}
	_, err := prevstore.RecordMeeting(r.Context(), h.db, web.ActorOf(r), m)
	if err == nil {
		http.Redirect(w, r, "/prevention/committee?ok=meeting", http.StatusSeeOther)
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	return h.renderCommittee(w, r, status, committeeData{Region: reg, Meeting: f, Errors: fe})
}

type projectsData struct {
	Region   string
	Year     int
	Projects []prevstore.ProjectSummary
	Pos      posView
	Types    []prevention.Code
	Form     map[string]string
	Errors   map[string]string
	Notice   string
}

func (h *handlers) renderProjects(w http.ResponseWriter, r *http.Request, status int, d projectsData) error {
	var err error
	if d.Region, err = region(r); err != nil {
		return err
	}
	if d.Year, err = year(r, "year", clock().Year()); err != nil {
		return err
	}
	if d.Projects, err = prevstore.ListProjects(r.Context(), h.db, d.Region, d.Year); err != nil {
		return err
	}
	if d.Pos, err = h.position(r, d.Region, d.Year); err != nil {
		return err
	}
	d.Types = prevention.ProjectTypes
	if d.Form == nil {
		d.Form = map[string]string{"start_on": today(), "end_on": today(), "type": "training"}
	}
	if d.Notice == "" {
		d.Notice = flash(r)
	}
	h.s.Render(w, r, status, "prev_projects", d)
	return nil
}

// projects lists the year's projects with the prevention-fee position of the region's fund
// unit (cap, spent, training share, warnings) and the form for a new project.
func (h *handlers) projects(w http.ResponseWriter, r *http.Request) error {
	return h.renderProjects(w, r, http.StatusOK, projectsData{})
}

// amount reads a yuan amount field. Errors: invalid naming the field.
func amount(f map[string]string, name string) (money.Amount, error) {
	a, err := money.Parse(f[name])
	if err != nil {
		return 0, apperr.Invalidf(name, "pv.err.amount")
	}
	return a, nil
}

func (h *handlers) createProject(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "name", "type", "provider", "procurement", "budget", "start_on", "end_on", "targets", "objective")
	reg := web.CurrentUser(r).Region
	err := func() error {
		budget, err := amount(f, "budget")
		if err != nil {
			return err
		}
		p := prevention.Project{Region: reg, Name: f["name"], Type: f["type"], Provider: f["provider"], Procured: f["procurement"],
			Budget: budget, StartOn: f["start_on"], EndOn: f["end_on"], Objective: f["objective"], Targets: fieldsOf(f["targets"])}
		if len(p.StartOn) >= 4 {
			p.Year, _ = strconv.Atoi(p.StartOn[:4])
		}
		id, err := prevstore.CreateProject(r.Context(), h.db, web.ActorOf(r), p)
		if err != nil {
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/prevention/projects/%d?ok=created", id), http.StatusSeeOther)
		return nil
	}()
	if err == nil {
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	return h.renderProjects(w, r, status, projectsData{Form: f, Errors: fe})
}

// fieldsOf splits a list typed one a line or separated by commas or spaces.
func fieldsOf(s string) []string {
	return strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == '，' || c == '\n' || c == '\r' || c == ' ' || c == '\t' })
}

// participantRow is a participant as listed: the ID number masked (security.md).
type participantRow struct{ Masked, USCC, Certificate string }

type projectData struct {
	P            prevstore.StoredProject
	Spending     []prevstore.Spending
	Participants []participantRow
	Pos          posView
	BeforeAfter  *prevstore.BeforeAfter
	AsOf         string
	Training     bool
	Form         map[string]string
	Errors       map[string]string
	Notice       string
}

func (h *handlers) loadProject(r *http.Request) (prevstore.StoredProject, error) {
	id, err := pathID(r)
	if err != nil {
		return prevstore.StoredProject{}, err
	}
	p, err := prevstore.GetProject(r.Context(), h.db, id)
	if err != nil {
		return p, err
	}
	return p, scoped(r, p.Region)
}

func (h *handlers) renderProject(w http.ResponseWriter, r *http.Request, status int, d projectData) error {
	p, err := h.loadProject(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d.P, d.Training = p, prevention.IsTraining(p.Type)
	if d.Spending, err = prevstore.ProjectSpending(ctx, h.db, p.ID); err != nil {
		return err
	}
	ps, err := prevstore.ProjectParticipants(ctx, h.db, p.ID)
	if err != nil {
		return err
	}
	for _, x := range ps {
		d.Participants = append(d.Participants, participantRow{Masked: privacy.MaskID(x.IDNumber), USCC: x.USCC, Certificate: x.Certificate})
	}
	if d.Pos, err = h.position(r, p.Region, p.Year); err != nil {
		return err
	}
	d.AsOf = clock().AddDate(0, -1, 0).Format("2006-01")
	if ba, err := prevstore.ProjectBeforeAfter(ctx, h.db, p.ID, d.AsOf); err == nil {
		d.BeforeAfter = &ba
	} else {
		return err
	}
	if d.Form == nil {
		d.Form = map[string]string{"date": today(), "people_trained": strconv.Itoa(p.PeopleTrained),
			"certificates": strconv.Itoa(p.Certificates), "results": p.Results}
	}
	if d.Notice == "" {
		d.Notice = flash(r)
	}
	h.s.Render(w, r, status, "prev_project", d)
	return nil
}

// project is a project's page: type, provider, budget, targets, dates, participants,
// results, spending with its ledger postings, the fee position and the before/after accident
// rates of the employers it reached.
func (h *handlers) project(w http.ResponseWriter, r *http.Request) error {
	return h.renderProject(w, r, http.StatusOK, projectData{})
}

// projectPost runs a project form's action and answers with a redirect, or the page again
// with the input and the reason (422 invalid, 409 conflict).
func (h *handlers) projectPost(w http.ResponseWriter, r *http.Request, f map[string]string, ok string,
	act func(p prevstore.StoredProject) error) error {
	p, err := h.loadProject(r)
	if err != nil {
		return err
	}
	if err = act(p); err == nil {
		http.Redirect(w, r, fmt.Sprintf("/prevention/projects/%d?ok=%s", p.ID, ok), http.StatusSeeOther)
		return nil
	}
	fe, status, err := formFailure(r, err)
	if err != nil {
		return err
	}
	return h.renderProject(w, r, status, projectData{Form: f, Errors: fe})
}

// spend posts a spending to the fund ledger through prevstore.Spend, which refuses it over
// the cap or the budget; the refusal comes back next to the amount with the figures.
func (h *handlers) spend(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "date", "amount", "memo")
	return h.projectPost(w, r, f, "spent", func(p prevstore.StoredProject) error {
		a, err := amount(f, "amount")
		if err != nil {
			return err
		}
		_, err = prevstore.Spend(r.Context(), h.db, web.ActorOf(r), p.ID, f["date"], a, f["memo"])
		return err
	})
}

// addParticipants records participants typed one a line: "ID number, employer USCC,
// certificate".
func (h *handlers) addParticipants(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "participants")
	return h.projectPost(w, r, f, "participants", func(p prevstore.StoredProject) error {
		var ps []prevstore.Participant
		for _, line := range strings.Split(f["participants"], "\n") {
			parts := strings.FieldsFunc(line, func(c rune) bool { return c == ',' || c == '，' || c == '\t' || c == ' ' })
			if len(parts) == 0 {
				continue
			}
			x := prevstore.Participant{IDNumber: parts[0]}
			if len(parts) > 1 {
				x.USCC = parts[1]
			}
			if len(parts) > 2 {
				x.Certificate = parts[2]
			}
			ps = append(ps, x)
		}
		if len(ps) == 0 {
			return apperr.Invalidf("participants", "pv.err.participants")
		}
		return prevstore.AddParticipants(r.Context(), h.db, web.ActorOf(r), p.ID, ps)
	})
}

func (h *handlers) recordResults(w http.ResponseWriter, r *http.Request) error {
	f := form(r, "version", "people_trained", "certificates", "results")
	return h.projectPost(w, r, f, "results", func(p prevstore.StoredProject) error {
		v, _ := strconv.ParseInt(f["version"], 10, 64)
		trained, err := strconv.Atoi(f["people_trained"])
		if err != nil {
			return apperr.Invalidf("people_trained", "pv.err.count")
		}
		certs, err := strconv.Atoi(f["certificates"])
		if err != nil {
			return apperr.Invalidf("certificates", "pv.err.count")
		}
		return prevstore.RecordResults(r.Context(), h.db, web.ActorOf(r), p.ID, v, trained, certs, f["results"])
	})
}

// posView is the prevention-fee position of a unit and year as a page shows it: the
// figures, or why there are none (no cap in force).
type posView struct {
	P         *fund.Prevention
	Err       string
	Year      int
	Remaining money.Amount
	Share     string // training ÷ spent, percent
}

func (h *handlers) position(r *http.Request, region string, year int) (posView, error) {
	v := posView{Year: year}
	pos, err := prevstore.FeePosition(r.Context(), h.db, region, year)
	switch {
	case err == nil:
		v.P, v.Remaining = &pos, max(pos.Cap-pos.Spent, 0)
		if pos.Spent > 0 {
			v.Share = big.NewRat(int64(pos.Training)*100, int64(pos.Spent)).FloatString(1)
		}
	case apperr.CodeOf(err) == apperr.Invalid:
		v.Err = web.T(web.Lang(r), apperr.As(err).Message, apperr.As(err).Args...)
	default:
		return v, err
	}
	return v, nil
}
