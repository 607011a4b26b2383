package counterui

import (
	"net/http"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/enroll"
	"wiis/internal/privacy"
	"wiis/internal/web"
)

// Contact phones at the counter (security.md: phone numbers are personal data). The person
// page is the audited full record, so it shows and edits the number in full; the employer
// page shows its contact's number masked, with an audited reveal, and the contact form never
// echoes the stored number. Every change goes through enroll, which seals the number and
// writes the audit record with it masked.

// personPhone changes a person's contact phone from the person page. A refused number comes
// back on the page with the input kept and the reason next to the field (422).
func (h *handlers) personPhone(w http.ResponseWriter, r *http.Request) error {
	id := h.s.PersonParam(r, "id")
	p, err := h.personFor(r, id)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("_", "cu.counter.bad_form")
	}
	input := strings.TrimSpace(r.PostFormValue("phone"))
	if _, err := h.enroll.SetPersonPhone(r.Context(), web.ActorOf(r), id, input); err != nil {
		errs, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		return h.renderPerson(w, r, http.StatusUnprocessableEntity, p, map[string]string{"phone": input}, errs)
	}
	http.Redirect(w, r, "/counter/persons/"+h.s.PersonRef(id)+"#contact", http.StatusSeeOther)
	return nil
}

// employerContact changes an employer's contact person and phone from the employer page. An
// empty phone keeps the stored number unless clear_phone is set.
func (h *handlers) employerContact(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.employerFor(r, strings.ToUpper(r.PathValue("uscc")))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalidf("_", "cu.counter.bad_form")
	}
	c := enroll.ContactChange{Name: r.PostFormValue("contact_name"), Phone: strings.TrimSpace(r.PostFormValue("phone")),
		ClearPhone: r.PostFormValue("clear_phone") == "1"}
	if _, err := h.enroll.SetEmployerContact(r.Context(), web.ActorOf(r), emp.USCC, c); err != nil {
		errs, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		return h.renderEmployer(w, r, http.StatusUnprocessableEntity, emp, employerExtras{
			Form: map[string]string{"contact_name": c.Name, "phone": c.Phone}, Errors: errs})
	}
	http.Redirect(w, r, "/counter/employers/"+emp.USCC+"#contact", http.StatusSeeOther)
	return nil
}

// employerRevealPhone shows the employer page with the contact's full number, after
// recording the reveal in the audit log (who, when, which employer; never the number).
func (h *handlers) employerRevealPhone(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.employerFor(r, strings.ToUpper(r.PathValue("uscc")))
	if err != nil {
		return err
	}
	if err := privacy.Reveal(r.Context(), h.s.DB, web.ActorOf(r), "employer", emp.USCC, privacy.Phone); err != nil {
		return err
	}
	return h.renderEmployer(w, r, http.StatusOK, emp, employerExtras{Revealed: true})
}

// apiEmployerRevealPhone answers the employer contact's full number to an API caller, audited
// by web.Server.Reveal.
func (h *handlers) apiEmployerRevealPhone(w http.ResponseWriter, r *http.Request) error {
	emp, err := h.employerFor(r, strings.ToUpper(r.PathValue("uscc")))
	if err != nil {
		return err
	}
	return h.s.Reveal(w, r, "employer", emp.USCC, privacy.Phone, emp.Phone)
}
