package caseui

import (
	"bytes"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/casework"
	"wiis/internal/medical"
	"wiis/internal/medical/medsvc"
	"wiis/internal/money"
	"wiis/internal/web"
)

// bills is the medical auditor's review queue (doubtful lines) and the newest bills.
func (h *handlers) bills(w http.ResponseWriter, r *http.Request) error {
	svc := h.medical(r)
	region := web.CurrentUser(r).Region
	queue, err := svc.ReviewQueue(r.Context(), region)
	if err != nil {
		return err
	}
	state := r.URL.Query().Get("state")
	if state != medsvc.BillReviewing && state != medsvc.BillSettled {
		state = ""
	}
	recent, err := svc.Bills(r.Context(), region, state, "", 50)
	if err != nil {
		return err
	}
	h.s.Render(w, r, http.StatusOK, "case_bills", map[string]any{"Queue": queue, "Recent": recent, "State": state})
	return nil
}

func (h *handlers) loadBill(r *http.Request) (medsvc.Bill, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return medsvc.Bill{}, err
	}
	b, err := h.medical(r).Bill(r.Context(), id)
	if err != nil {
		return b, err
	}
	return b, inScope(r, b.Region)
}

func (h *handlers) billPage(w http.ResponseWriter, r *http.Request) error {
	b, err := h.loadBill(r)
	if err != nil {
		return err
	}
	return h.renderBill(w, r, http.StatusOK, b, 0, nil, nil)
}

func (h *handlers) renderBill(w http.ResponseWriter, r *http.Request, status int, b medsvc.Bill, line int, form, errs map[string]string) error {
	h.s.Render(w, r, status, "case_bill", map[string]any{"B": b, "Line": line, "Form": form, "Errors": errs, "Notice": notice(r),
		"Review": medical.Review})
	return nil
}

// billDecide records the auditor's decision on one doubtful line.
func (h *handlers) billDecide(w http.ResponseWriter, r *http.Request) error {
	b, err := h.loadBill(r)
	if err != nil {
		return err
	}
	no, err := strconv.Atoi(r.PathValue("no"))
	if err != nil {
		return apperr.NotFoundf("error.not_found")
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	form := map[string]string{"note": strings.TrimSpace(r.PostFormValue("note")), "amount": strings.TrimSpace(r.PostFormValue("amount"))}
	err = func() error {
		v, err := version(r.PostFormValue("version"))
		if err != nil {
			return err
		}
		var amount *money.Amount
		if form["amount"] != "" {
			a, err := money.Parse(form["amount"])
			if err != nil {
				return apperr.Invalidf("amount", "case.err.amount")
			}
			amount = &a
		}
		accept := r.PostFormValue("decision") == "accept"
		if !accept && r.PostFormValue("decision") != "refuse" {
			return apperr.Invalidf("decision", "case.err.decision")
		}
		_, err = h.medical(r).DecideLine(r.Context(), web.CurrentUser(r).Username, b.ID, v, no, accept, amount, form["note"])
		return err
	}()
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		if fresh, lerr := h.medical(r).Bill(r.Context(), b.ID); lerr == nil {
			b = fresh
		}
		return h.renderBill(w, r, http.StatusUnprocessableEntity, b, no, form, errs)
	}
	return done(w, r, "/medical/bills/"+strconv.FormatInt(b.ID, 10), "case.ok.saved")
}

// institutions lists the agreement institutions and registers one with an agreement.
func (h *handlers) institutions(w http.ResponseWriter, r *http.Request) error {
	return h.renderInstitutions(w, r, http.StatusOK, map[string]string{"region": web.CurrentUser(r).Region,
		"from": h.today().String(), "status": medical.AgreementActive}, map[string]string{})
}

func (h *handlers) renderInstitutions(w http.ResponseWriter, r *http.Request, status int, form, errs map[string]string) error {
	list, err := h.medical(r).Institutions(r.Context(), web.CurrentUser(r).Region)
	if err != nil {
		return err
	}
	h.s.Render(w, r, status, "case_institutions", map[string]any{"List": list,
		"AgreementStates": []string{medical.AgreementActive, medical.AgreementSuspended, medical.AgreementTerminated}, "Form": form, "Errors": errs, "Notice": notice(r)})
	return nil
}

func (h *handlers) institutionPut(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("body", "error.bad_form")
	}
	form := map[string]string{}
	for _, k := range []string{"code", "name", "region", "level", "from", "to", "status"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := medical.Institution{Code: form["code"], Name: form["name"], Region: form["region"]}
	err := func() error {
		if !web.CurrentUser(r).Sees(in.Region) {
			return apperr.Invalidf("region", "case.err.region")
		}
		a := medical.Agreement{Level: form["level"], Status: form["status"]}
		var err error
		if a.From, err = casework.ParseDate(form["from"]); err != nil {
			return apperr.Invalidf("from", "case.err.date")
		}
		if form["to"] != "" {
			if a.To, err = casework.ParseDate(form["to"]); err != nil {
				return apperr.Invalidf("to", "case.err.date")
			}
		}
		if old, err := h.medical(r).Institution(r.Context(), in.Code); err == nil {
			in.Agreements = old.Agreements
		}
		in.Agreements = append(in.Agreements, a)
		return h.medical(r).PutInstitution(r.Context(), web.CurrentUser(r).Username, in)
	}()
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		return h.renderInstitutions(w, r, http.StatusUnprocessableEntity, form, errs)
	}
	return done(w, r, "/medical/institutions", "case.ok.saved")
}

// catalogue is the catalogue import page.
func (h *handlers) catalogue(w http.ResponseWriter, r *http.Request) error {
	h.s.Render(w, r, http.StatusOK, "case_catalogue", map[string]any{"Columns": medical.CatalogueColumns})
	return nil
}

// catalogueImport reads an uploaded CSV or XLSX catalogue; rejected rows are listed with their
// reasons and nothing is stored unless every row is good.
func (h *handlers) catalogueImport(w http.ResponseWriter, r *http.Request) error {
	file, hdr, err := r.FormFile("file")
	data := map[string]any{"Columns": medical.CatalogueColumns}
	render := func(status int) error {
		h.s.Render(w, r, status, "case_catalogue", data)
		return nil
	}
	if err != nil {
		data["Error"] = web.T(web.Lang(r), "case.err.file")
		return render(http.StatusUnprocessableEntity)
	}
	defer file.Close()
	b, err := io.ReadAll(file)
	if err != nil {
		return apperr.Invalidf("file", "error.bad_form")
	}
	var items []medical.CatalogueItem
	var bad []medical.RowError
	switch strings.ToLower(path.Ext(hdr.Filename)) {
	case ".xlsx":
		items, bad, err = medical.ReadCatalogueXLSX(bytes.NewReader(b))
	default:
		items, bad, err = medical.ReadCatalogueCSV(bytes.NewReader(b))
	}
	if err != nil {
		data["Error"] = err.Error()
		return render(http.StatusUnprocessableEntity)
	}
	if len(bad) > 0 {
		data["Bad"] = bad
		return render(http.StatusUnprocessableEntity)
	}
	n, err := h.medical(r).ImportCatalogue(r.Context(), web.CurrentUser(r).Username, items)
	if err != nil {
		errs, ferr := errorsOf(r, err)
		if ferr != nil {
			return ferr
		}
		for _, m := range errs {
			data["Error"] = m
		}
		return render(http.StatusUnprocessableEntity)
	}
	data["Stored"] = n
	return render(http.StatusOK)
}
