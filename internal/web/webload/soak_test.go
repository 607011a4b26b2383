package webload_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"wiis/internal/store"
	"wiis/internal/store/storetest"
	_ "wiis/internal/ui/counterui" // the teller's routes: search, person pages
	"wiis/internal/web/webload"
)

// A short soak of the teller mix over the demo city: no error answer, and neither the heap
// nor the goroutines grow between the first and the last third of the samples. The full
// ten-minute soak runs in .ci/run (wiis bench soak).
func TestShortSoakHasNoErrorsAndNoGrowth(t *testing.T) {
	if testing.Short() {
		t.Skip("soak skipped in -short")
	}
	db := storetest.Open(t, store.SQLite)
	s, err := webload.RunSoak(context.Background(), db, webload.SoakOptions{Duration: 20 * time.Second, Every: time.Second, Conns: 16})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	s.Print(&b)
	t.Log("\n" + b.String())
	if len(s.Failures) > 0 || s.Requests == 0 || len(s.Samples) < 12 {
		t.Fatalf("soak failed: %q (%d requests, %d samples)", s.Failures, s.Requests, len(s.Samples))
	}
}
