package seal

import "testing"

// BenchmarkSealText is the cost the driver adds to each ID number written or looked up.
func BenchmarkSealText(b *testing.B) {
	r := testRing(b, 1)
	for b.Loop() {
		r.SealText(id2)
	}
}

// BenchmarkSealTextNoID is the cost on a string argument holding no ID number (most of them).
func BenchmarkSealTextNoID(b *testing.B) {
	r := testRing(b, 1)
	for b.Loop() {
		r.SealText("91341500MA2N0000XX 2024-05 regular")
	}
}

// BenchmarkOpen is the cost on each token read back.
func BenchmarkOpen(b *testing.B) {
	r := testRing(b, 1)
	tok := r.SealText(id2)
	for b.Loop() {
		r.Open(tok)
	}
}
