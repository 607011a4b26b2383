package web

import (
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var wildcardRE = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)(\.\.\.)?\}`)

// OpenAPI builds the OpenAPI 3.1 document from the registered /api/ routes that carry an API
// doc, so the document cannot drift from the routes.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, rt := range s.Routes() {
		if rt.API == nil {
			continue
		}
		p := wildcardRE.ReplaceAllString(rt.Pattern, "{$1}")
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		status := rt.API.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if rt.API.Response != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.API.Response))}}
		}
		errResp := map[string]any{"$ref": "#/components/responses/Error"}
		op := map[string]any{
			"summary":     rt.API.Summary,
			"operationId": strings.ToLower(rt.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", ".", "").Replace(p),
			"responses": map[string]any{
				strconv.Itoa(status): ok, "401": errResp, "403": errResp, "404": errResp,
				"409": errResp, "422": errResp, "500": errResp,
			},
			"x-wiis-permission": rt.Perm.Name,
		}
		if !rt.Perm.Public {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
		} else {
			op["security"] = []any{}
		}
		if rt.API.Description != "" {
			op["description"] = rt.API.Description
		}
		var params []any
		for _, m := range wildcardRE.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true,
				"schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.API.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.API.Request))}}}
		}
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "wiis API — 工伤保险信息系统接口", "version": "v1",
			"description": "Every call is authorised on the server; other systems use Authorization: Bearer TOKEN."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"responses": map[string]any{"Error": map[string]any{"description": "Error",
				"content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(ErrorBody{}))}}}},
		},
	}
}

var timeType = reflect.TypeOf(time.Time{})

// schemaOf describes a Go type as a JSON Schema (the subset OpenAPI 3.1 needs for plain
// structs of strings, numbers, booleans, slices and maps), following json tags.
func schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		// An embedded struct without a JSON name has its fields inlined, as encoding/json
		// does; the outer struct's own fields go after it so they win a name both use.
		for _, inline := range []bool{true, false} {
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
				ft := f.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				embedded := f.Anonymous && name == "" && ft.Kind() == reflect.Struct
				if embedded != inline || name == "-" || !f.IsExported() && !embedded {
					continue
				}
				if embedded {
					inner := schemaOf(ft)
					for k, v := range inner["properties"].(map[string]any) {
						props[k] = v
					}
					if req, ok := inner["required"].([]string); ok {
						required = append(required, req...)
					}
					continue
				}
				if name == "" {
					name = f.Name
				}
				props[name] = schemaOf(f.Type)
				required = slices.DeleteFunc(required, func(r string) bool { return r == name })
				if !strings.Contains(opts, "omit") {
					required = append(required, name)
				}
			}
		}
		out := map[string]any{"type": "object", "properties": props}
		if required != nil {
			out["required"] = required
		}
		return out
	}
	return map[string]any{}
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	return WriteJSON(w, http.StatusOK, s.OpenAPI())
}
