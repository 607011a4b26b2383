package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"wiis/internal/auth"
	"wiis/internal/calendar"
	"wiis/internal/privacy"
)

//go:embed templates/*.html
var coreTemplates embed.FS

//go:embed static
var staticFiles embed.FS

// shanghai is the agencies' time zone (calendar.Shanghai).
var shanghai = calendar.Shanghai

type templateSet struct{ t *template.Template }

// assets maps a file name to its content-hashed URL, so assets can be cached forever.
var assets = map[string]string{}
var assetByHashed = map[string]string{}

func init() {
	entries, _ := fs.ReadDir(staticFiles, "static")
	for _, e := range entries {
		b, _ := staticFiles.ReadFile("static/" + e.Name())
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:5]) + ext
		assets[e.Name()] = "/static/" + hashed
		assetByHashed[hashed] = e.Name()
	}
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t": func(key string, args ...any) string { return T(lang, key, args...) },
		"asset": func(name string) (string, error) {
			if u, ok := assets[name]; ok {
				return u, nil
			}
			return "", fmt.Errorf("web: no asset %q", name)
		},
		// Lists show personal numbers masked (security.md); the full value goes through Reveal.
		"maskID":    privacy.MaskID,
		"maskBank":  privacy.MaskBank,
		"maskPhone": privacy.MaskPhone,
		"maskText":  privacy.MaskText,
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(shanghai).Format("2006-01-02 15:04")
		},
		"role": func(r auth.Role) string {
			if lang == LangEn {
				return r.Info().En
			}
			return r.Info().Zh
		},
		"lang": func() string { return lang },
	}
}

// parseTemplates parses, once per language, the core layout with every page of every module.
// Each page file NAME.html defines "title" and "content"; it is rendered by Render(..., "NAME").
func (s *Server) parseTemplates(extra []fs.FS) error {
	s.views = map[string]map[string]*templateSet{}
	all := append([]fs.FS{mustSub(coreTemplates, "templates")}, extra...)
	for _, lang := range langs {
		fm := funcs(lang)
		// A link to a person carries the person's reference, never the ID number (which would
		// sit in the page, the browser's history and the request log): see PersonParam.
		fm["personRef"] = s.DB.PersonRef
		base, err := template.New("base").Funcs(fm).ParseFS(mustSub(coreTemplates, "templates"), "_*.html")
		if err != nil {
			return fmt.Errorf("web: layout: %w", err)
		}
		views := map[string]*templateSet{}
		for _, fsys := range all {
			names, err := fs.Glob(fsys, "*.html")
			if err != nil {
				return err
			}
			for _, n := range names {
				if strings.HasPrefix(n, "_") {
					continue
				}
				name := strings.TrimSuffix(n, ".html")
				if _, dup := views[name]; dup {
					return fmt.Errorf("web: two pages named %q", name)
				}
				t, err := template.Must(base.Clone()).ParseFS(fsys, n)
				if err != nil {
					return fmt.Errorf("web: page %s: %w", n, err)
				}
				views[name] = &templateSet{t}
			}
		}
		s.views[lang] = views
	}
	return nil
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// View is what every page template receives: the page's own data in .Data and the frame
// around it.
type View struct {
	Lang     string
	User     *auth.User
	CSRF     string
	Path     string
	OtherURL string // the same page in the other language
	Status   int
	Data     any
}

// Render writes page (a template name) with data inside the layout. Rendering goes to a buffer
// first, so a template error becomes a clean 500 instead of half a page.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	lang := Lang(r)
	ts, ok := s.views[lang][page]
	if !ok {
		s.log.Error("no such page", "page", page)
		http.Error(w, T(lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	q := r.URL.Query()
	other := LangEn
	if lang == LangEn {
		other = LangZh
	}
	q.Set("lang", other)
	v := &View{Lang: lang, User: CurrentUser(r), CSRF: s.csrfToken(w, r), Path: r.URL.Path,
		OtherURL: r.URL.Path + "?" + q.Encode(), Status: status, Data: data}
	var buf bytes.Buffer
	if err := ts.t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render", "page", page, "err", err)
		http.Error(w, T(lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// serveStatic serves an embedded asset by its hashed name, cacheable for a year.
func serveStatic(w http.ResponseWriter, r *http.Request) error {
	name, ok := assetByHashed[r.PathValue("file")]
	if !ok {
		return notFound()
	}
	b, _ := staticFiles.ReadFile("static/" + name)
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
	return nil
}
