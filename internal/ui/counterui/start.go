package counterui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/audit"
	"wiis/internal/auth"
	"wiis/internal/calendar"
	"wiis/internal/counter"
	"wiis/internal/counter/counterstore"
	"wiis/internal/enroll"
	"wiis/internal/idcode"
	"wiis/internal/money"
	"wiis/internal/store"
	"wiis/internal/web"
)

// enrollKinds are the immediate catalogue items whose form records an enrollment event
// through enroll.Service; the ticket is opened once the event is recorded.
var enrollKinds = map[string]string{"GS0103": "add", "GS0104": "remove", "GS0105": "base"}

// Employer registration items whose form registers or changes the employer.
const (
	itemRegister = "GS0101"
	itemChange   = "GS0102"
)

type startData struct {
	Item       counter.Item
	Kind       string // add | remove | base | register | change | ""
	Subject    string
	Name       string // subject's name
	Form       map[string]string
	Materials  map[string]bool
	Errors     map[string]string
	Categories any
	Action     string
}

func formKind(code string) string {
	switch code {
	case itemRegister:
		return "register"
	case itemChange:
		return "change"
	}
	return enrollKinds[code]
}

// startItem loads an item the teller may start for a subject. Codes: not_found, forbidden.
func (h *handlers) startItem(r *http.Request) (counter.Item, string, string, error) {
	it, err := counterstore.Item(r.Context(), h.s.DB, r.PathValue("code"))
	if err != nil {
		return it, "", "", err
	}
	if !it.Active || !mayHandle(web.CurrentUser(r), it) {
		return it, "", "", apperr.Forbiddenf("cu.counter.item_not_yours")
	}
	subject := h.s.Person(strings.TrimSpace(r.FormValue("subject"))) // the person page's links carry the reference
	if it.Code == itemRegister {
		return it, "", "", nil
	}
	if it.Subject == counter.ForEmployer {
		emp, err := h.employerFor(r, subject)
		return it, subject, emp.Name, err
	}
	p, err := h.personFor(r, subject)
	return it, subject, p.Name, err
}

func (h *handlers) startForm(w http.ResponseWriter, r *http.Request) error {
	it, subject, name, err := h.startItem(r)
	if err != nil {
		return err
	}
	form := map[string]string{"month": thisMonth(), "category": "regular", "region": web.CurrentUser(r).Region}
	if it.Code == itemChange {
		emp, _ := enroll.GetEmployer(r.Context(), h.s.DB, subject)
		form["name"], form["region"], form["industry_code"], form["status"] = emp.Name, emp.Region, emp.IndustryCode, emp.Status
	}
	return h.renderStart(w, r, http.StatusOK, startData{Item: it, Subject: subject, Name: name, Form: form, Materials: map[string]bool{}})
}

func (h *handlers) renderStart(w http.ResponseWriter, r *http.Request, status int, d startData) error {
	d.Kind, d.Categories = formKind(d.Item.Code), enroll.Categories
	d.Action = "/counter/start/" + d.Item.Code
	h.s.Render(w, r, status, "counter_start", d)
	return nil
}

// fieldErrors turns an invalid error — or a conflict that names a field — into messages next
// to the form's fields; other errors go to Fail.
func fieldErrors(r *http.Request, err error) (map[string]string, error) {
	e := apperr.As(err)
	if e.Code == apperr.Conflict || (e.Code == apperr.NotFound && e.Field != "") {
		f := e.Field
		if f == "" {
			f = "_"
		}
		return map[string]string{f: web.T(web.Lang(r), e.Message, e.Args...)}, nil
	}
	return web.FieldErrors(r, err)
}

// startSubmit does an item: an enrollment or registration item records its change through
// enroll.Service and is done at once; every item gets its ticket (immediate items done,
// the others pending for the back office) and the teller lands on the receipt. On an error
// the form comes back with the input kept and the reason next to the field.
func (h *handlers) startSubmit(w http.ResponseWriter, r *http.Request) error {
	var tooBig *http.MaxBytesError
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(1 << 20); errors.As(err, &tooBig) {
			return apperr.Invalidf("materials", "cu.counter.files_too_big", maxStartBody>>20)
		} else if err != nil {
			return apperr.Invalidf("_", "cu.counter.bad_form")
		}
		defer r.MultipartForm.RemoveAll()
	} else if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("_", "cu.counter.bad_form")
	}
	it, subject, name, err := h.startItem(r)
	if err != nil {
		return err
	}
	files, filesErr := materialFiles(r, it)
	form := map[string]string{}
	for k, v := range r.PostForm {
		if k != "csrf" && k != "materials" && len(v) > 0 {
			form[k] = strings.TrimSpace(v[0])
		}
	}
	mats := r.PostForm["materials"]
	have := map[string]bool{}
	for _, m := range mats {
		have[m] = true
	}
	// A material handed in as a file is taken, checked or not.
	for _, f := range files {
		if !have[f.Material] {
			have[f.Material] = true
			mats = append(mats, f.Material)
		}
	}
	d := startData{Item: it, Subject: subject, Name: name, Form: form, Materials: have}
	fail := func(err error) error {
		fe, err := fieldErrors(r, err)
		if err != nil {
			return err
		}
		d.Errors = fe
		return h.renderStart(w, r, http.StatusUnprocessableEntity, d)
	}
	// Materials are taken once: check them, and their files, before changing anything.
	if filesErr != nil {
		return fail(filesErr)
	}
	for _, f := range files {
		if _, err := counterstore.CheckMaterialFile(it, f); err != nil {
			return fail(err)
		}
	}
	if _, err := counter.Accept(it, subject, "", "", mats, clock(), calendar.Calendar{}); err != nil {
		var mm *counter.MissingMaterials
		if errors.As(err, &mm) {
			return fail(apperr.Invalidf("materials", "cu.counter.missing_materials", strings.Join(mm.Missing, "、")))
		}
		return fail(apperr.Invalidf("_", "%s", err.Error()))
	}
	ctx, by, u := r.Context(), web.ActorOf(r), web.CurrentUser(r)
	switch kind := formKind(it.Code); kind {
	case "add", "remove", "base":
		if _, err := h.recordEvent(ctx, by, subject, kind, form); err != nil {
			return fail(err)
		}
	case "register":
		subject = strings.ToUpper(form["uscc"])
		e := enroll.Employer{USCC: subject, Name: form["name"], Region: form["region"], IndustryCode: form["industry_code"], RegisteredOn: form["registered_on"]}
		if !u.Sees(e.Region) {
			return fail(apperr.Invalidf("region", "cu.counter.region_outside"))
		}
		if err := h.enroll.RegisterEmployer(ctx, by, e); err != nil {
			return fail(err)
		}
	case "change":
		e := enroll.Employer{USCC: subject, Name: form["name"], Region: form["region"], IndustryCode: form["industry_code"], Status: form["status"]}
		if !u.Sees(e.Region) {
			return fail(apperr.Invalidf("region", "cu.counter.region_outside"))
		}
		if err := h.enroll.UpdateEmployer(ctx, by, e); err != nil {
			return fail(err)
		}
	}
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	t, err := counterstore.Open(ctx, h.s.DB, by, roles, it.Code, subject, u.Region, "counter", mats, clock(), files...)
	if err != nil {
		return fail(err)
	}
	http.Redirect(w, r, fmt.Sprintf("/counter/tickets/%d", t.ID), http.StatusSeeOther)
	return nil
}

// maxStartBody caps the start form with its material files: a few scans of
// counterstore.MaxMaterialBytes each.
const maxStartBody = 4*counterstore.MaxMaterialBytes + 1<<20

// materialFiles reads the files uploaded for the item's materials: field file_N for the N-th
// material of the catalogue item (any number of files each). Errors: invalid on materials.
func materialFiles(r *http.Request, it counter.Item) ([]counterstore.MaterialFile, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []counterstore.MaterialFile
	for i, m := range it.Materials {
		for _, fh := range r.MultipartForm.File["file_"+strconv.Itoa(i)] {
			if fh.Size == 0 && fh.Filename == "" {
				continue // an empty file input
			}
			if fh.Size > counterstore.MaxMaterialBytes {
				return nil, apperr.Invalidf("materials", "cu.counter.file_too_big", m, counterstore.MaxMaterialBytes>>20)
			}
			f, err := fh.Open()
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(io.LimitReader(f, counterstore.MaxMaterialBytes+1))
			f.Close()
			if err != nil {
				return nil, err
			}
			out = append(out, counterstore.MaterialFile{Material: m, Filename: filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/")), Content: b})
		}
	}
	return out, nil
}

// recordEvent records an add, remove or base change for employer uscc from form fields
// (id_number, name, month, monthly_base, category). Errors as enroll.Service.Record.
func (h *handlers) recordEvent(ctx context.Context, by audit.Actor, uscc, kind string, form map[string]string) (enroll.Event, error) {
	ev := enroll.Event{USCC: uscc, Event: kind, Month: form["month"], Category: form["category"]}
	if kind != "remove" {
		b, err := money.Parse(form["monthly_base"])
		if err != nil {
			return ev, apperr.Invalidf("monthly_base", "cu.counter.bad_amount")
		}
		ev.MonthlyBase = &b
	}
	if kind != "add" {
		ev.Category = ""
	}
	return h.enroll.Record(ctx, by, enroll.Person{IDNumber: strings.ToUpper(form["id_number"]), Name: form["name"]}, ev)
}

// subjectName finds the name of a ticket's subject (a person or an employer).
func subjectName(ctx context.Context, q store.Querier, subject string) string {
	if p, err := enroll.GetPerson(ctx, q, subject); err == nil {
		return p.Name
	}
	if e, err := enroll.GetEmployer(ctx, q, subject); err == nil {
		return e.Name
	}
	return ""
}

type receiptData struct {
	T       ticketRow
	Files   []counterstore.FileInfo
	Subject string // masked when a person
	Name    string
	Back    string
}

// loadReceipt loads a ticket for its receipt (受理回执).
func (h *handlers) loadReceipt(r *http.Request) (receiptData, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return receiptData{}, apperr.NotFoundf("cu.counter.ticket_not_found")
	}
	t, err := counterstore.Ticket(r.Context(), h.s.DB, id)
	if err != nil {
		return receiptData{}, err
	}
	rows, err := h.ticketRows(r.Context(), []counter.Ticket{t})
	if err != nil {
		return receiptData{}, err
	}
	files, err := counterstore.Files(r.Context(), h.s.DB, t.ID)
	if err != nil {
		return receiptData{}, err
	}
	return receiptData{T: rows[0], Files: files, Subject: rows[0].Masked, Name: subjectName(r.Context(), h.s.DB, t.Subject)}, nil
}

// ticketFile sends one material file of a ticket to staff within the accepting office's
// region; the read is audited.
func (h *handlers) ticketFile(w http.ResponseWriter, r *http.Request) error {
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	fid, err2 := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err1 != nil || err2 != nil {
		return apperr.NotFoundf("cu.counter.file_not_found")
	}
	t, err := counterstore.Ticket(r.Context(), h.s.DB, id)
	if err != nil {
		return err
	}
	if !web.CurrentUser(r).Sees(t.Office) {
		return apperr.NotFoundf("cu.counter.ticket_not_found")
	}
	f, content, err := counterstore.ReadFile(r.Context(), h.s.DB, web.ActorOf(r), id, fid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.MIME)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(content)
	return err
}

// receiptPage shows a ticket's receipt to staff within the accepting office's region.
func (h *handlers) receiptPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadReceipt(r)
	if err != nil {
		return err
	}
	if !web.CurrentUser(r).Sees(d.T.Office) {
		return apperr.NotFoundf("cu.counter.ticket_not_found")
	}
	d.Back = "/counter"
	if web.CurrentUser(r).Has(auth.Teller) {
		if len(d.T.Subject) == 18 && idcode.ValidateID(d.T.Subject) == nil {
			d.Back = "/counter/persons/" + h.s.PersonRef(d.T.Subject)
		} else {
			d.Back = "/counter/employers/" + d.T.Subject
		}
	} else {
		d.Back = "/review"
	}
	h.s.Render(w, r, http.StatusOK, "counter_receipt", d)
	return nil
}
