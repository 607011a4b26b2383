package counterui

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/counter"
	"wiis/internal/counter/counterstore"
	"wiis/internal/web"
)

// reviewQueue is the back office's queue: pending tickets accepted in the reviewer's region
// for items whose catalogue roles include one of the reviewer's roles (their authority).
func (h *handlers) reviewQueue(w http.ResponseWriter, r *http.Request) error {
	return h.renderQueue(w, r, http.StatusOK, nil, "")
}

func (h *handlers) renderQueue(w http.ResponseWriter, r *http.Request, status int, errs map[int64]string, notice string) error {
	u := web.CurrentUser(r)
	ts, err := counterstore.Tickets(r.Context(), h.s.DB, counterstore.Filter{OfficePrefix: auth.ScopePrefix(u.Region), State: counter.StatePending, Limit: 500})
	if err != nil {
		return err
	}
	rows, err := h.ticketRows(r.Context(), ts)
	if err != nil {
		return err
	}
	var mine []ticketRow
	for _, t := range rows {
		if mayReview(u, t.Item) {
			mine = append(mine, t)
		}
	}
	// Oldest promise first: what is due soonest is decided first.
	sort.SliceStable(mine, func(i, j int) bool { return mine[i].PromisedBy.Before(mine[j].PromisedBy) })
	fig, err := h.officeFigures(r.Context(), u, 30)
	if err != nil {
		return err
	}
	h.s.Render(w, r, status, "counter_review", map[string]any{"Tickets": mine, "Errors": errs, "Notice": notice, "Figures": fig})
	return nil
}

// mayReview: a reviewer decides items whose roles name one of their roles other than teller
// (the teller takes items in; the back office decides them).
func mayReview(u *auth.User, it counter.Item) bool {
	return slices.ContainsFunc(it.Roles, func(r string) bool { return r != string(auth.Teller) && u.Has(auth.Role(r)) })
}

// reviewDecide records the decision on one ticket (four-eyes and versions are checked by
// counterstore.Review); a refusal comes back on the queue next to the ticket.
func (h *handlers) reviewDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.NotFoundf("cu.counter.ticket_not_found")
	}
	u := web.CurrentUser(r)
	t, err := counterstore.Ticket(r.Context(), h.s.DB, id)
	if err != nil {
		return err
	}
	it, err := counterstore.Item(r.Context(), h.s.DB, t.ItemCode)
	if err != nil {
		return err
	}
	if !u.Sees(t.Office) {
		return apperr.NotFoundf("cu.counter.ticket_not_found")
	}
	if !mayReview(u, it) {
		return apperr.Forbiddenf("cu.counter.item_not_yours")
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err = counterstore.Review(r.Context(), h.s.DB, web.ActorOf(r), id, version, r.PostFormValue("decision"), r.PostFormValue("note"), clock())
	if err != nil {
		e := apperr.As(err)
		if e.Code == apperr.Internal {
			return err
		}
		return h.renderQueue(w, r, http.StatusUnprocessableEntity, map[int64]string{id: web.T(web.Lang(r), e.Message, e.Args...)}, "")
	}
	return h.renderQueue(w, r, http.StatusOK, nil, t.No)
}

// tellerCount is one teller's tickets of a day by state.
type tellerCount struct {
	Teller                  string
	Total, Done, Pending, X int
	Sampled                 int
}

// controlPage is internal control: the day's tickets of every teller in the region, the
// sample drawn for after-the-fact review, and one teller's actions when chosen.
func (h *handlers) controlPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderControl(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderControl(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, drawn []int64) error {
	u := web.CurrentUser(r)
	q := r.URL.Query()
	dayS := q.Get("day")
	if r.Method == http.MethodPost {
		dayS = r.PostFormValue("day")
	}
	day, err := time.ParseInLocation("2006-01-02", dayS, shanghai)
	if err != nil {
		t := today()
		day = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, shanghai)
	}
	prefix := auth.ScopePrefix(u.Region)
	ts, err := counterstore.Tickets(r.Context(), h.s.DB, counterstore.Filter{OfficePrefix: prefix, From: day, To: day.AddDate(0, 0, 1), Limit: 2000})
	if err != nil {
		return err
	}
	rows, err := h.ticketRows(r.Context(), ts)
	if err != nil {
		return err
	}
	counts := map[string]*tellerCount{}
	var sampled []ticketRow
	for _, t := range rows {
		c := counts[t.Teller]
		if c == nil {
			c = &tellerCount{Teller: t.Teller}
			counts[t.Teller] = c
		}
		c.Total++
		switch t.State {
		case counter.StateDone:
			c.Done++
		case counter.StatePending, counter.StateReturned:
			c.Pending++
		default:
			c.X++
		}
		if t.Sampled {
			c.Sampled++
			sampled = append(sampled, t)
		}
	}
	var tellers []tellerCount
	for _, c := range counts {
		tellers = append(tellers, *c)
	}
	sort.Slice(tellers, func(i, j int) bool { return tellers[i].Teller < tellers[j].Teller })
	var actions []ticketRow
	teller := q.Get("teller")
	if teller != "" {
		ts, err := counterstore.Tickets(r.Context(), h.s.DB, counterstore.Filter{OfficePrefix: prefix, Teller: teller, Limit: 200})
		if err != nil {
			return err
		}
		if actions, err = h.ticketRows(r.Context(), ts); err != nil {
			return err
		}
	}
	form := map[string]string{"day": day.Format("2006-01-02"), "percent": "10", "seed": day.Format("20060102")}
	if r.Method == http.MethodPost {
		form["percent"], form["seed"] = r.PostFormValue("percent"), r.PostFormValue("seed")
	}
	h.s.Render(w, r, status, "counter_control", map[string]any{"Day": day.Format("2006-01-02"), "Tellers": tellers, "Sampled": sampled,
		"Teller": teller, "Actions": actions, "Form": form, "Errors": errs, "Drawn": drawn, "DidDraw": drawn != nil})
	return nil
}

// controlSample draws the day's sample of immediate items (reproducible from the seed).
func (h *handlers) controlSample(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	day, err := time.ParseInLocation("2006-01-02", r.PostFormValue("day"), shanghai)
	if err != nil {
		return h.renderControl(w, r, http.StatusUnprocessableEntity, map[string]string{"day": web.T(web.Lang(r), "cu.counter.bad_date")}, nil)
	}
	pct, err := strconv.Atoi(r.PostFormValue("percent"))
	if err != nil || pct < 1 || pct > 100 {
		return h.renderControl(w, r, http.StatusUnprocessableEntity, map[string]string{"percent": web.T(web.Lang(r), "cu.control.bad_percent")}, nil)
	}
	seed, err := strconv.ParseUint(r.PostFormValue("seed"), 10, 64)
	if err != nil {
		return h.renderControl(w, r, http.StatusUnprocessableEntity, map[string]string{"seed": web.T(web.Lang(r), "cu.control.bad_seed")}, nil)
	}
	ids, err := counterstore.SampleDay(r.Context(), h.s.DB, web.ActorOf(r), auth.ScopePrefix(u.Region), day, pct, seed)
	if err != nil {
		return err
	}
	if ids == nil {
		ids = []int64{}
	}
	return h.renderControl(w, r, http.StatusOK, nil, ids)
}

// itemFigures are one item's time-limit figures.
type itemFigures struct {
	Item counter.Item
	counter.Figures
}

// figuresPage shows the office's time-limit figures over a window, overall and per item,
// with the on-time share drawn as bars on the server.
func (h *handlers) figuresPage(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	days, _ := strconv.Atoi(r.URL.Query().Get("days"))
	if days <= 0 || days > 366 {
		days = 30
	}
	now := clock()
	prefix := auth.ScopePrefix(u.Region)
	ts, err := counterstore.Tickets(r.Context(), h.s.DB, counterstore.Filter{OfficePrefix: prefix, From: now.AddDate(0, 0, -days), To: now.Add(time.Second), Limit: 1 << 30})
	if err != nil {
		return err
	}
	cal, err := counterstore.Calendar(r.Context(), h.s.DB, (prefix + "000000")[:6], now)
	if err != nil {
		return err
	}
	by := map[string][]counter.Ticket{}
	for _, t := range ts {
		by[t.ItemCode] = append(by[t.ItemCode], t)
	}
	items, err := counterstore.Items(r.Context(), h.s.DB, false)
	if err != nil {
		return err
	}
	var per []itemFigures
	for _, it := range items {
		if len(by[it.Code]) > 0 {
			per = append(per, itemFigures{it, counter.Measure(by[it.Code], now, cal)})
		}
	}
	h.s.Render(w, r, http.StatusOK, "counter_figures", map[string]any{"Days": days, "Windows": []int{7, 30, 90, 365}, "All": counter.Measure(ts, now, cal), "PerItem": per})
	return nil
}
