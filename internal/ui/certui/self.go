package certui

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"wiis/internal/apperr"
	"wiis/internal/payrollsvc"
	"wiis/internal/privacy"
	"wiis/internal/web"
)

// selfView is what the worker's self-certification page shows.
type selfView struct {
	Name, Masked string
	Beneficiary  bool
	Status       *payrollsvc.CertStatus
	Last         *payrollsvc.Certification
	Done         bool
	Lifted       int
	Errors       map[string]string
}

// selfPage is the worker's self-certification: their position and a form that takes a photo
// (on a phone, the camera) and sends it to the region's identity service.
func (h *handlers) selfPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderSelf(w, r, http.StatusOK, &selfView{})
}

func (h *handlers) renderSelf(w http.ResponseWriter, r *http.Request, status int, v *selfView) error {
	u := web.CurrentUser(r)
	id := u.PersonIDNumber
	if id == "" {
		return apperr.NotFoundf("ce.self.not_linked")
	}
	ctx := r.Context()
	v.Masked = privacy.MaskID(id)
	var n int
	if err := h.s.DB.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM payroll_entitlements WHERE id_number = ?)
		+ (SELECT COUNT(*) FROM beneficiaries WHERE id_number = ?)`, id, id).Scan(&n); err != nil {
		return err
	}
	v.Beneficiary = n > 0
	var err error
	if v.Name, err = payeeName(ctx, h.s.DB, id); err != nil {
		return err
	}
	if v.Name == "" {
		v.Name = u.DisplayName
	}
	if v.Status, err = payrollsvc.PersonCertification(ctx, h.s.DB, id, today()); err != nil {
		return err
	}
	hist, err := h.svc(r).Certifications(ctx, id)
	if err != nil {
		return err
	}
	for i := range hist {
		if !hist[i].Revoked {
			v.Last = &hist[i]
			break
		}
	}
	h.s.Render(w, r, status, "cert_self", v)
	return nil
}

// selfSubmit sends the photo or video to the identity service; a match is recorded as a
// self-service certification and lifts a suspension, a non-match records nothing.
func (h *handlers) selfSubmit(w http.ResponseWriter, r *http.Request) error {
	u := web.CurrentUser(r)
	if u.PersonIDNumber == "" {
		return apperr.NotFoundf("ce.self.not_linked")
	}
	v := &selfView{}
	fail := func(err error) error {
		errs, err := web.FieldErrors(r, err)
		if err != nil {
			return err
		}
		v.Errors = errs
		return h.renderSelf(w, r, http.StatusUnprocessableEntity, v)
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return fail(apperr.Invalidf("media", "ce.self.too_big"))
	}
	var media []byte
	mediaType := ""
	if f, hdr, err := r.FormFile("media"); err == nil {
		defer f.Close()
		if media, err = io.ReadAll(f); err != nil {
			return fail(apperr.Invalidf("media", "ce.self.too_big"))
		}
		mediaType = hdr.Header.Get("Content-Type")
	}
	if len(media) == 0 {
		return fail(apperr.Invalidf("media", "ce.self.media_required"))
	}
	if !strings.HasPrefix(mediaType, "image/") && !strings.HasPrefix(mediaType, "video/") {
		return fail(apperr.Invalidf("media", "ce.self.media_type"))
	}
	device := "web"
	if r.FormValue("device") == "phone" {
		device = "phone"
	}
	_, lifted, err := h.svc(r).SelfCertify(r.Context(), payrollsvc.MatchRequest{IDNumber: u.PersonIDNumber, Name: u.DisplayName,
		Media: media, MediaType: mediaType, Device: device})
	if errors.Is(err, payrollsvc.ErrNotFound) {
		return fail(apperr.Invalidf("media", "ce.self.not_beneficiary"))
	}
	if err != nil {
		return fail(classify(err))
	}
	v.Done, v.Lifted = true, lifted
	return h.renderSelf(w, r, http.StatusOK, v)
}
