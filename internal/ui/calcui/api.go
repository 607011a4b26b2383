package calcui

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"wiis/internal/benefit"
	"wiis/internal/benefitpolicy"
	"wiis/internal/web"
)

// CalcError is the error answer of POST /api/v1/calc: the contract's {"field", "message"}
// (field always present, "" when the input as a whole is at fault), plus the web layer's
// "code" and the Chinese message.
type CalcError struct {
	Code      string `json:"code"`
	Field     string `json:"field"`
	Message   string `json:"message"`
	MessageZH string `json:"message_zh,omitempty"`
}

// calcErrorBody wraps CalcError as {"error": {...}}.
type calcErrorBody struct {
	Error CalcError `json:"error"`
}

// apiCalc is POST /api/v1/calc: the same engine and answer as `wiis calc`.
func (h *handlers) apiCalc(w http.ResponseWriter, r *http.Request) error {
	if ok, wait := h.limit.Allow(clientOf(r)); !ok {
		w.Header().Set("Retry-After", retryAfter(wait))
		return web.WriteJSON(w, http.StatusTooManyRequests, calcErrorBody{CalcError{Code: "rate_limited",
			Message:   fmt.Sprintf("too many calculations from this address: at most %d a minute", RatePerMinute),
			MessageZH: fmt.Sprintf("本地址测算过于频繁：每分钟最多 %d 次", RatePerMinute)}})
	}
	c, err := benefit.DecodeCase(r.Body)
	if err == nil {
		err = benefitpolicy.Fill(r.Context(), h.db, &c)
	}
	var res benefit.Result
	if err == nil {
		res, err = benefit.Calculate(c)
	}
	var fe *benefit.FieldError
	if errors.As(err, &fe) {
		return web.WriteJSON(w, http.StatusUnprocessableEntity, calcErrorBody{CalcError{Code: "invalid",
			Field: fe.Field, Message: fe.Message, MessageZH: fe.MessageZH}})
	}
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, res)
}

// retryAfter formats a wait as whole seconds, at least one.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(math.Max(1, math.Ceil(d.Seconds()))))
}
