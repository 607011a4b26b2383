package caseui

import (
	"io/fs"
	"regexp"
	"testing"
)

var keyIn = regexp.MustCompile(`\{\{t "([a-z_.0-9]+)"`)

// TestEveryTemplateKeyHasBothLanguages checks the literal keys of the casework templates.
func TestEveryTemplateKeyHasBothLanguages(t *testing.T) {
	names, err := fs.Glob(templates, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	for _, n := range names {
		b, _ := fs.ReadFile(templates, n)
		for _, m := range keyIn.FindAllStringSubmatch(string(b), -1) {
			if msg, ok := messages[m[1]]; !ok || msg.Zh == "" || msg.En == "" {
				t.Errorf("%s: key %s lacks a Chinese or English text", n, m[1])
			}
		}
	}
}
