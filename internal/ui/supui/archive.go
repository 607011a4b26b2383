package supui

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"wiis/internal/apperr"
	"wiis/internal/supervise"
	"wiis/internal/supervise/supstore"
	"wiis/internal/web"
)

type archiveView struct {
	Q          string
	Category   string
	Categories []string
	List       []supstore.Document
	CanFile    bool
	Filed      int
	ShowFiled  bool
	Form       map[string]string
	Errors     map[string]string
	MaxMB      int
}

func (h *handlers) archive(w http.ResponseWriter, r *http.Request) error {
	return h.showArchive(w, r, archiveView{}, http.StatusOK)
}

func (h *handlers) showArchive(w http.ResponseWriter, r *http.Request, v archiveView, status int) error {
	u := web.CurrentUser(r)
	v.Q, v.Category = r.URL.Query().Get("q"), r.URL.Query().Get("category")
	v.Categories, v.CanFile, v.MaxMB = supervise.Categories, PermArchive.Allows(u), supervise.MaxDocumentBytes>>20
	list, err := h.sup.Search(r.Context(), supstore.DocFilter{Region: u.Region, Text: v.Q, Category: v.Category})
	if err != nil {
		return err
	}
	v.List = list
	if v.Form == nil {
		v.Form = map[string]string{"on": today(), "entity": "determination"}
	}
	h.s.Render(w, r, status, "sup_archive", v)
	return nil
}

func (h *handlers) archiveUpload(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{}
	fail := func(err error) error {
		fe, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		return h.showArchive(w, r, archiveView{Form: form, Errors: fe}, http.StatusUnprocessableEntity)
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail(apperr.Invalidf("file", "sup.err.too_big", supervise.MaxDocumentBytes>>20))
		}
		return fail(apperr.Invalidf("file", "sup.err.empty"))
	}
	for _, k := range []string{"entity", "case_id", "category", "title", "source", "on"} {
		form[k] = r.FormValue(k)
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return fail(apperr.Invalidf("file", "sup.err.empty"))
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, supervise.MaxDocumentBytes+1))
	if err != nil {
		return err
	}
	caseID, _ := formInt(r, "case_id")
	ctype := hdr.Header.Get("Content-Type")
	if _, _, err := mime.ParseMediaType(ctype); err != nil {
		ctype = "application/octet-stream"
	}
	d := supervise.NewDocument{Entity: r.FormValue("entity"), CaseID: caseID, Category: r.FormValue("category"), Title: r.FormValue("title"),
		Source: r.FormValue("source"), MIME: ctype, Content: content, On: r.FormValue("on")}
	if d.Title == "" {
		d.Title = hdr.Filename
	}
	doc, err := h.sup.File(r.Context(), web.ActorOf(r), d)
	if err == nil && !web.CurrentUser(r).Sees(doc.Region) {
		err = apperr.Invalidf("case_id", "sup.err.source_missing")
	}
	if err != nil {
		return fail(err)
	}
	return redirect(w, r, "/archive/"+strconv.FormatInt(doc.ID, 10))
}

func (h *handlers) archiveIssued(w http.ResponseWriter, r *http.Request) error {
	n, err := h.sup.FileIssued(r.Context(), web.ActorOf(r), web.CurrentUser(r).Region)
	if err != nil {
		return err
	}
	return h.showArchive(w, r, archiveView{Filed: n, ShowFiled: true}, http.StatusOK)
}

type docView struct {
	D         supstore.Document
	Reads     []supstore.ReadLog
	CanDelete bool
	Retained  bool
	Errors    map[string]string
}

func (h *handlers) loadDoc(r *http.Request) (supstore.Document, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return supstore.Document{}, err
	}
	d, err := h.sup.Doc(r.Context(), id)
	if err != nil {
		return d, err
	}
	return d, inScope(r, d.Region)
}

func (h *handlers) docPage(w http.ResponseWriter, r *http.Request) error {
	return h.showDoc(w, r, nil, http.StatusOK)
}

func (h *handlers) showDoc(w http.ResponseWriter, r *http.Request, errs map[string]string, status int) error {
	d, err := h.loadDoc(r)
	if err != nil {
		return err
	}
	reads, err := h.sup.Reads(r.Context(), d.ID)
	if err != nil {
		return err
	}
	h.s.Render(w, r, status, "sup_document", docView{D: d, Reads: reads, Errors: errs,
		CanDelete: PermArchive.Allows(web.CurrentUser(r)) && d.DisposedOn == "", Retained: today() < d.RetainUntil})
	return nil
}

// docContent sends the document's bytes; the read is logged and audited before a byte leaves.
func (h *handlers) docContent(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadDoc(r)
	if err != nil {
		return err
	}
	_, content, err := h.sup.Read(r.Context(), web.ActorOf(r), d.ID, r.URL.Query().Get("purpose"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", d.MIME)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="archive-%d"`, d.ID))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(content)
	return err
}

func (h *handlers) docDispose(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadDoc(r)
	if err != nil {
		return err
	}
	if err := h.sup.Dispose(r.Context(), web.ActorOf(r), d.ID); err != nil {
		e := apperr.As(err)
		if e.Code != apperr.Conflict {
			return err
		}
		return h.showDoc(w, r, map[string]string{"_": web.T(web.Lang(r), e.Message, e.Args...)}, http.StatusConflict)
	}
	return redirect(w, r, "/archive/"+strconv.FormatInt(d.ID, 10))
}

type retentionView struct {
	Rows     []supstore.RetentionRow
	Verified bool
	Checked  int
	Bad      []supstore.Mismatch
}

// retention is the retention report; ?verify=1 also recomputes every document's hash.
func (h *handlers) retention(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	rows, err := h.sup.Retention(r.Context(), u.Region)
	if err != nil {
		return err
	}
	v := retentionView{Rows: rows}
	if r.URL.Query().Get("verify") == "1" {
		if v.Bad, v.Checked, err = h.sup.Verify(r.Context(), u.Region); err != nil {
			return err
		}
		v.Verified = true
	}
	h.s.Render(w, r, http.StatusOK, "sup_retention", v)
	return nil
}
