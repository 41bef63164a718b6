package kb

import (
	"strings"
	"testing"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// TestBenchCorpusHits checks the index against a naive search at the scale
// of the benchmarks: on 300-character messages, the matcher reports every
// occurrence of every posting's wording that strings.Index finds, no more,
// no fewer. (Large pattern sets build automaton states with hundreds of
// edges, which small tests and the fuzzer rarely reach.)
func TestBenchCorpusHits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 10,000-entry benchmark corpus")
	}
	d := benchData()
	ix, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	e := ix.entries
	wordings := make([]string, len(e.postText))
	for k, text := range e.postText {
		wordings[k] = textmatch.Normalize(text)
	}
	for i, msg := range benchMessages(d, 300)[:4] {
		got := make([]int, len(wordings))
		e.matcher.Scan(msg, func(m textmatch.Match) bool { got[m.Slot]++; return true })
		norm := textmatch.Normalize(msg)
		for k, w := range wordings {
			want := 0
			for from := 0; ; {
				j := strings.Index(norm[from:], w)
				if j < 0 {
					break
				}
				want++
				from += j + 1 // overlapping occurrences count too
			}
			if got[k] != want {
				t.Errorf("message %d, wording %q (slot %d): %d hits, want %d", i, w, k, got[k], want)
			}
		}
	}
}
