package web

import (
	"reflect"
	"slices"
	"testing"
)

// An embedded struct's fields are inlined as encoding/json writes them, and the outer
// struct's own field wins a name both use.
func TestSchemaInlinesEmbeddedStructs(t *testing.T) {
	type inner struct {
		ID   string `json:"id_number"`
		Name string `json:"name,omitempty"`
	}
	type outer struct {
		inner
		ID  int    `json:"id_number"`
		Ref string `json:"person_ref"`
	}
	s := schemaOf(reflect.TypeOf(outer{}))
	props := s["properties"].(map[string]any)
	if len(props) != 3 || props["id_number"].(map[string]any)["type"] != "integer" || props["name"] == nil || props["person_ref"] == nil {
		t.Errorf("properties: %v", props)
	}
	req := s["required"].([]string)
	slices.Sort(req)
	if !slices.Equal(req, []string{"id_number", "person_ref"}) {
		t.Errorf("required: %v", req)
	}
}
