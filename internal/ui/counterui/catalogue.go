package counterui

import (
	"net/http"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/auth"
	"wiis/internal/counter"
	"wiis/internal/counter/counterstore"
	"wiis/internal/web"
)

// cataloguePage lists every item of the service catalogue, inactive ones too.
func (h *handlers) cataloguePage(w http.ResponseWriter, r *http.Request) error {
	items, err := counterstore.Items(r.Context(), h.s.DB, false)
	if err != nil {
		return err
	}
	type row struct {
		counter.Item
		RoleCodes []auth.Role
	}
	rows := make([]row, len(items))
	for i, it := range items {
		rows[i].Item = it
		for _, ro := range it.Roles {
			rows[i].RoleCodes = append(rows[i].RoleCodes, auth.Role(ro))
		}
	}
	h.s.Render(w, r, http.StatusOK, "counter_catalogue", map[string]any{"Items": rows})
	return nil
}

type itemForm struct {
	Item    counter.Item
	New     bool
	Roles   []auth.RoleInfo
	Has     map[string]bool
	Mats    string // one material a line
	Errors  map[string]string
	Saved   bool
	Classes []string
}

func (h *handlers) renderItem(w http.ResponseWriter, r *http.Request, status int, f itemForm) error {
	f.Roles, f.Has = auth.Roles, map[string]bool{}
	f.Classes = []string{counter.Immediate, counter.BackOffice, counter.Township}
	for _, ro := range f.Item.Roles {
		f.Has[ro] = true
	}
	if f.Mats == "" {
		f.Mats = strings.Join(f.Item.Materials, "\n")
	}
	h.s.Render(w, r, status, "counter_item", f)
	return nil
}

// itemPage edits one item; "new" starts a new one.
func (h *handlers) itemPage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	if code == "new" {
		return h.renderItem(w, r, http.StatusOK, itemForm{New: true, Item: counter.Item{Class: counter.Immediate, Subject: counter.ForPerson, Active: true}})
	}
	it, err := counterstore.Item(r.Context(), h.s.DB, code)
	if err != nil {
		return err
	}
	return h.renderItem(w, r, http.StatusOK, itemForm{Item: it})
}

// itemSave stores the edited item (validated and audited by counterstore.SaveItem).
func (h *handlers) itemSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("_", "cu.counter.bad_form")
	}
	code := r.PathValue("code")
	isNew := code == "new"
	if isNew {
		code = strings.TrimSpace(r.PostFormValue("code"))
	}
	it := counter.Item{Code: code, Name: strings.TrimSpace(r.PostFormValue("name")), NameEn: strings.TrimSpace(r.PostFormValue("name_en")),
		Basis: strings.TrimSpace(r.PostFormValue("basis")), Class: r.PostFormValue("class"), Subject: r.PostFormValue("subject"),
		Online: r.PostFormValue("online") != "", Active: r.PostFormValue("active") != "", Roles: r.PostForm["roles"]}
	for _, m := range strings.Split(r.PostFormValue("materials"), "\n") {
		if m = strings.TrimSpace(m); m != "" {
			it.Materials = append(it.Materials, m)
		}
	}
	if it.Materials == nil {
		it.Materials = []string{}
	}
	f := itemForm{Item: it, New: isNew, Mats: r.PostFormValue("materials")}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("limit_days")))
	if err != nil {
		f.Errors = map[string]string{"limit_days": web.T(web.Lang(r), "cu.catalogue.bad_days")}
		return h.renderItem(w, r, http.StatusUnprocessableEntity, f)
	}
	f.Item.LimitDays = days
	if err := counterstore.SaveItem(r.Context(), h.s.DB, web.ActorOf(r), f.Item); err != nil {
		fe, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		f.Errors = fe
		return h.renderItem(w, r, http.StatusUnprocessableEntity, f)
	}
	if isNew {
		http.Redirect(w, r, "/admin/catalogue/"+it.Code, http.StatusSeeOther)
		return nil
	}
	f.Saved = true
	return h.renderItem(w, r, http.StatusOK, f)
}
