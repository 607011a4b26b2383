package supui

import (
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/supervise"
	"wiis/internal/supervise/supstore"
	"wiis/internal/web"
)

type confsView struct {
	List   []supstore.Conference
	CanAct bool
	Marks  []string
	Form   map[string]string
	Errors map[string]string
}

func (h *handlers) conferences(w http.ResponseWriter, r *http.Request) error {
	return h.showConferences(w, r, nil, nil, http.StatusOK)
}

func (h *handlers) showConferences(w http.ResponseWriter, r *http.Request, form, errs map[string]string, status int) error {
	u := web.CurrentUser(r)
	list, err := h.sup.Conferences(r.Context(), supstore.ConfFilter{Region: u.Region, State: r.URL.Query().Get("state")})
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{"entity": r.URL.Query().Get("entity"), "case_id": r.URL.Query().Get("case_id"), "on": today()}
	}
	h.s.Render(w, r, status, "sup_conferences", confsView{List: list, CanAct: PermConfWrite.Allows(u), Marks: supervise.Marks, Form: form, Errors: errs})
	return nil
}

// parseMembers reads one member a line, "name, position" (a Chinese comma works too).
func parseMembers(s string) []supervise.Member {
	var out []supervise.Member
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(strings.ReplaceAll(line, "，", ","))
		if line == "" {
			continue
		}
		name, pos, _ := strings.Cut(line, ",")
		out = append(out, supervise.Member{Name: strings.TrimSpace(name), Position: strings.TrimSpace(pos)})
	}
	return out
}

func (h *handlers) convene(w http.ResponseWriter, r *http.Request) error {
	caseID, _ := formInt(r, "case_id")
	n := supervise.NewConference{Entity: r.FormValue("entity"), CaseID: caseID, Mark: r.FormValue("mark"), Question: r.FormValue("question"),
		Materials: r.FormValue("materials"), Members: parseMembers(r.FormValue("members")), On: r.FormValue("on")}
	c, err := h.sup.Convene(r.Context(), web.ActorOf(r), n)
	if err == nil && !web.CurrentUser(r).Sees(c.Region) {
		err = apperr.Invalidf("case_id", "sup.err.source_missing")
	}
	if err != nil {
		fe, ferr := web.FieldErrors(r, err)
		if ferr != nil {
			if apperr.CodeOf(err) != apperr.Conflict {
				return ferr
			}
			fe = map[string]string{"case_id": web.T(web.Lang(r), apperr.As(err).Message, apperr.As(err).Args...)}
		}
		form := map[string]string{}
		for _, k := range []string{"entity", "case_id", "mark", "question", "materials", "members", "on"} {
			form[k] = r.FormValue(k)
		}
		return h.showConferences(w, r, form, fe, http.StatusUnprocessableEntity)
	}
	return redirect(w, r, "/supervise/conferences/"+strconv.FormatInt(c.ID, 10))
}

// memberRow numbers a member from 1 for the form's field names.
type memberRow struct {
	N int
	supervise.Member
}

type confView struct {
	C         supstore.Conference
	CanAct    bool
	Decisions []string
	Tally     map[string]int
	Rows      []memberRow
	Docs      []supstore.Document
	Today     string
	Errors    map[string]string
}

func (h *handlers) conferencePage(w http.ResponseWriter, r *http.Request) error {
	return h.showConference(w, r, nil, http.StatusOK)
}

func (h *handlers) loadConference(r *http.Request) (supstore.Conference, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return supstore.Conference{}, err
	}
	c, err := h.sup.Conference(r.Context(), id)
	if err != nil {
		return c, err
	}
	return c, inScope(r, c.Region)
}

func (h *handlers) showConference(w http.ResponseWriter, r *http.Request, errs map[string]string, status int) error {
	c, err := h.loadConference(r)
	if err != nil {
		return err
	}
	u := web.CurrentUser(r)
	v := confView{C: c, CanAct: PermConfWrite.Allows(u), Decisions: supervise.Decisions, Tally: supervise.Tally(c.Members), Today: today(), Errors: errs}
	for i, m := range c.Members {
		v.Rows = append(v.Rows, memberRow{N: i + 1, Member: m})
	}
	if PermArchiveRead.Allows(u) {
		if v.Docs, err = h.sup.Search(r.Context(), supstore.DocFilter{Region: c.Region, Entity: c.Entity, CaseID: c.CaseID}); err != nil {
			return err
		}
	}
	h.s.Render(w, r, status, "sup_conference", v)
	return nil
}

func (h *handlers) hold(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadConference(r)
	if err != nil {
		return err
	}
	ops := make([]supervise.Member, len(c.Members))
	for i := range c.Members {
		k := strconv.Itoa(i + 1)
		ops[i] = supervise.Member{Opinion: r.FormValue("opinion_" + k), Vote: r.FormValue("vote_" + k)}
	}
	version, _ := formInt(r, "version")
	if _, err := h.sup.Hold(r.Context(), web.ActorOf(r), c.ID, int(version), r.FormValue("held_on"), r.FormValue("minutes"), ops); err != nil {
		return h.confFail(w, r, err)
	}
	return redirect(w, r, "/supervise/conferences/"+strconv.FormatInt(c.ID, 10))
}

func (h *handlers) confFail(w http.ResponseWriter, r *http.Request, err error) error {
	e := apperr.As(err)
	if e.Code == apperr.Internal || e.Code == apperr.NotFound {
		return err
	}
	f := e.Field
	if f == "" {
		f = "_"
	}
	return h.showConference(w, r, map[string]string{f: web.T(web.Lang(r), e.Message, e.Args...)}, web.HTTPStatus(err))
}

func (h *handlers) conclude(w http.ResponseWriter, r *http.Request) error {
	c, err := h.loadConference(r)
	if err != nil {
		return err
	}
	version, _ := formInt(r, "version")
	if _, err := h.sup.Conclude(r.Context(), web.ActorOf(r), h.cases(r), c.ID, int(version), r.FormValue("decision"), r.FormValue("conclusion"), r.FormValue("on")); err != nil {
		return h.confFail(w, r, err)
	}
	return redirect(w, r, "/supervise/conferences/"+strconv.FormatInt(c.ID, 10))
}
