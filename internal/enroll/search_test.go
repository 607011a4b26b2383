package enroll_test

import (
	"context"
	"slices"
	"testing"

	"wiis/internal/enroll"
	"wiis/internal/store"
	"wiis/internal/store/storetest"
)

const uscc = "91341502MA2N0XYZ1X"

// The search box finds a person by the beginning of the name (in code-point order on both
// engines) or by the whole ID number, and not by a part of an ID number: stored ID numbers
// become ciphertext, which keeps equality only. Employers by the beginning of the credit code,
// and by name: two or more characters anywhere, one at the beginning.
func TestSearchFindsPersonsByNamePrefixAndWholeIDNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, p := range [][2]string{{"341502199001010011", "王伟"}, {"341502199001010038", "王芳"}, {"341502199001010054", "王"},
			{"341502199001010070", "汪洋"}, {"34150219900101009X", "李王"}} {
			if _, err := db.Exec(ctx, `INSERT INTO persons (id_number, name) VALUES (?, ?)`, p[0], p[1]); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(ctx, `INSERT INTO employers (uscc, name, region, industry_code, status) VALUES (?, '六安测试服装有限公司', '341502', '1810', 'active')`, uscc); err != nil {
			t.Fatal(err)
		}
		keys := func(term string, limit int) []string {
			hits, err := enroll.Search(ctx, db, term, limit)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, h := range hits {
				out = append(out, h.Name)
			}
			return out
		}
		for _, c := range []struct {
			term  string
			limit int
			want  []string
		}{
			{"王", 10, []string{"王", "王伟", "王芳"}}, // code-point order: 伟 U+4F1F before 芳 U+82B3
			{"王伟", 10, []string{"王伟"}},
			{"王", 2, []string{"王", "王伟"}},
			{"伟", 10, nil},                             // no substring search on names
			{"34150219900101009x", 10, []string{"李王"}}, // the whole ID number, any case
			{"341502199001010070", 10, []string{"汪洋"}},
			{"3415021990", 10, nil}, // no prefix search on ID numbers
		} {
			if got := keys(c.term, c.limit); !slices.Equal(got, c.want) {
				t.Errorf("search %q (limit %d) = %q, want %q", c.term, c.limit, got, c.want)
			}
		}
	})
}
