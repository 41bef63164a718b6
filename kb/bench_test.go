package kb

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// Benchmark corpus: 10,000 entries with 50,000 keywords (five each),
// generated deterministically from a pool of common Chinese characters
// (customer-service vocabulary) plus some ASCII model names and codes.
const (
	benchEntries         = 10000
	benchKeywordsPerItem = 5
)

// benchCorpus draws characters with a Zipf distribution over benchChars.
type benchCorpus struct {
	chars []rune
	zipf  *rand.Zipf
	r     *rand.Rand
}

func newBenchCorpus(seed uint64) *benchCorpus {
	r := rand.New(rand.NewPCG(1, seed))
	chars := []rune(benchChars)
	return &benchCorpus{chars: chars, r: r, zipf: rand.NewZipf(r, 1.1, 8, uint64(len(chars)-1))}
}

func (c *benchCorpus) char() rune { return c.chars[c.zipf.Uint64()] }

// benchWords returns n distinct two-character words.
func (c *benchCorpus) words(n int) []string {
	seen := make(map[string]bool, n)
	words := make([]string, 0, n)
	for len(words) < n {
		w := string([]rune{c.char(), c.char()})
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// benchData generates the benchmark knowledge base: 10,000 published
// entries (a tenth with a validity window), each with a three-word question
// and five keywords: one- or two-word Chinese keywords and, one time in ten,
// an ASCII model name or code ("x300", "vip7").
func benchData() Data {
	c := newBenchCorpus(2)
	words := c.words(20000)
	r := c.r
	entries := make([]Entry, benchEntries)
	for i := range entries {
		kws := make([]string, benchKeywordsPerItem)
		for k := range kws {
			switch n := r.IntN(10); {
			case n == 0:
				kws[k] = []string{"x", "vip", "pro", "max", "iphone", "sku"}[r.IntN(6)] + strconv.Itoa(r.IntN(1000))
			case n < 5:
				kws[k] = words[r.IntN(len(words))]
			default:
				kws[k] = words[r.IntN(len(words))] + words[r.IntN(len(words))]
			}
		}
		entries[i] = Entry{
			ID:       "e" + strconv.Itoa(i),
			Category: []string{"类" + strconv.Itoa(i%20), "子" + strconv.Itoa(i%7)},
			Question: words[r.IntN(len(words))] + words[r.IntN(len(words))] + words[r.IntN(len(words))],
			Keywords: kws,
			Answer:   "回答" + strconv.Itoa(i),
			Status:   StatusPublished,
			Priority: r.IntN(5),
		}
		if i%10 == 0 { // some promotions with a window
			entries[i].ValidFrom = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			entries[i].ValidTo = time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)
		}
	}
	return Data{Entries: entries}
}

// benchMessages returns 64 messages of n runes each, as customers type
// them: a quarter of the tokens are keywords of random entries, the rest
// Zipf-distributed characters, punctuation, spaces and full-width letters.
// About half the characters of a message belong to keywords, more than in
// real questions, so the figures are on the pessimistic side.
func benchMessages(d Data, n int) []string {
	c := newBenchCorpus(3 + uint64(n))
	msgs := make([]string, 64)
	for i := range msgs {
		var b []rune
		for len(b) < n {
			switch k := c.r.IntN(20); {
			case k < 5:
				e := &d.Entries[c.r.IntN(len(d.Entries))]
				b = append(b, []rune(e.Keywords[c.r.IntN(len(e.Keywords))])...)
			case k == 5:
				b = append(b, []rune("ＶＩＰ")...)
			case k == 6:
				b = append(b, '，')
			case k == 7:
				b = append(b, ' ')
			default:
				b = append(b, c.char())
			}
		}
		msgs[i] = string(b[:n])
	}
	return msgs
}

// keywordHits counts the keyword hits (one per entry using the wording
// found) in msgs, per message.
func keywordHits(ix *Index, msgs []string) float64 {
	hits := 0
	for _, m := range msgs {
		ix.entries.matcher.Scan(m, func(textmatch.Match) bool { hits++; return true })
	}
	return float64(hits) / float64(len(msgs))
}

var benchNow = time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)

func BenchmarkLookup(b *testing.B) {
	d := benchData()
	ix, err := Build(d)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{30, 300} {
		msgs := benchMessages(d, n)
		hitsPerMsg := keywordHits(ix, msgs)
		b.Run("chars="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			i := 0
			cpu := startCPU()
			for b.Loop() {
				hits += len(ix.Lookup(msgs[i%len(msgs)], benchNow))
				i++
			}
			cpu.report(b)
			b.ReportMetric(hitsPerMsg, "hits/msg")
			if hits == 0 {
				b.Fatal("no lookup found anything")
			}
		})
	}
}

// BenchmarkNaiveLookup is the baseline: strings.Contains of every
// normalised keyword in the normalised message.
func BenchmarkNaiveLookup(b *testing.B) {
	d := benchData()
	type kw struct {
		text  string
		entry int
	}
	var kws []kw
	for i, e := range d.Entries {
		for _, k := range e.Keywords {
			kws = append(kws, kw{textmatch.Normalize(k), i})
		}
	}
	if len(kws) != benchEntries*benchKeywordsPerItem {
		b.Fatalf("%d keywords", len(kws))
	}
	for _, n := range []int{30, 300} {
		msgs := benchMessages(d, n)
		b.Run("chars="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			i := 0
			cpu := startCPU()
			for b.Loop() {
				msg := textmatch.Normalize(msgs[i%len(msgs)])
				for _, k := range kws {
					if strings.Contains(msg, k.text) {
						hits++
					}
				}
				i++
			}
			cpu.report(b)
			if hits == 0 {
				b.Fatal("no keyword found")
			}
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	d := benchData()
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		if _, err := Build(d); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
	b.StopTimer()
	b.ReportMetric(float64(indexHeapBytes(b, d)), "index-bytes")
}

// indexHeapBytes measures the live heap held by an Index built from d.
func indexHeapBytes(tb testing.TB, d Data) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC() // a second cycle frees what the first one's finalisers released
	runtime.ReadMemStats(&before)
	ix, err := Build(d)
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ix)
	return after.HeapAlloc - before.HeapAlloc
}

func TestIndexMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 10,000-entry benchmark corpus")
	}
	d := benchData()
	n := indexHeapBytes(t, d)
	t.Logf("index of %d entries / %d keywords: %.1f MiB live heap (includes the index's copy of the entries)",
		len(d.Entries), len(d.Entries)*benchKeywordsPerItem, float64(n)/(1<<20))
	if n == 0 || n > 200<<20 {
		t.Fatalf("implausible index size %d bytes", n)
	}
}
