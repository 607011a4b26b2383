package web

import (
	"fmt"
	"net/http"
	"strings"
)

// Msg is one catalogue entry in both languages.
type Msg struct{ Zh, En string }

// Messages maps keys to texts; templates and errors name keys, never literal strings.
type Messages map[string]Msg

// Languages: Chinese is the default, English the switch.
const (
	LangZh = "zh"
	LangEn = "en"
)

var langs = []string{LangZh, LangEn}

// catalogue holds the core messages (from the start, so the CLI can translate errors too) plus
// every module's (added by New before any request).
var catalogue = func() Messages { m := Messages{}; m.add(coreMessages); return m }()

func (m Messages) add(from Messages) {
	for k, v := range from {
		if _, dup := m[k]; dup {
			panic("web: duplicate message key " + k)
		}
		m[k] = v
	}
}

// T translates key into lang, filling %-verbs from args. An unknown key is returned as it is
// (so an apperr message may be a plain sentence); the catalogue test keeps templates honest.
func T(lang, key string, args ...any) string {
	m, ok := catalogue[key]
	if !ok {
		if len(args) > 0 {
			return fmt.Sprintf(key, args...)
		}
		return key
	}
	s := m.Zh
	if lang == LangEn && m.En != "" {
		s = m.En
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// langCookie remembers the chosen language for anonymous and signed-in users alike.
const langCookie = "lang"

// pickLang reads ?lang= (remembering it in a cookie) or the cookie; Chinese by default.
func pickLang(w http.ResponseWriter, r *http.Request) string {
	if q := strings.ToLower(r.URL.Query().Get("lang")); q == LangZh || q == LangEn {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == LangZh || c.Value == LangEn) {
		return c.Value
	}
	return LangZh
}

// HasMessage reports whether key is in the catalogue with both a Chinese and an English text.
func HasMessage(key string) bool {
	m, ok := catalogue[key]
	return ok && m.Zh != "" && m.En != ""
}
