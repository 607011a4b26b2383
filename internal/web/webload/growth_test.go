package webload

import (
	"testing"
	"time"
)

// The soak's verdict: noise of requests in flight passes; a steady climb of heap or
// goroutines fails.
func TestSoakVerdictTellsGrowthFromNoise(t *testing.T) {
	series := func(heap func(i int) uint64, gor func(i int) int) []Sample {
		var ss []Sample
		for i := 0; i < 18; i++ {
			ss = append(ss, Sample{At: time.Duration(i) * time.Minute, HeapInUse: heap(i), Goroutines: gor(i)})
		}
		return ss
	}
	noise := []int{0, 30, -12, 25, 3, -20}
	flatHeap := func(i int) uint64 { return 25<<20 + uint64(noise[i%6]+20)<<16 }
	flatGor := func(i int) int { return 330 + noise[i%6] }
	if f := growth(series(flatHeap, flatGor), 64); len(f) != 0 {
		t.Errorf("noise failed the soak: %q", f)
	}
	if f := growth(series(func(i int) uint64 { return 25<<20 + uint64(i)<<20 }, flatGor), 64); len(f) != 1 {
		t.Errorf("heap climbing 1 MB a sample: %q", f)
	}
	if f := growth(series(flatHeap, func(i int) int { return 330 + 10*i }), 64); len(f) != 1 {
		t.Errorf("goroutines climbing 10 a sample: %q", f)
	}
}
