package textmatch

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

type occurrence struct{ id, start, end int }

// naiveMatches finds every (overlapping) occurrence of every pattern in the
// normalised text with strings.Index, in normalised rune offsets.
func naiveMatches(text string, patterns []string) []occurrence {
	norm := Normalize(text)
	runeAt := make([]int, len(norm)+1) // byte offset → rune offset
	ri := 0
	for i := range norm {
		runeAt[i] = ri
		ri++
	}
	runeAt[len(norm)] = ri
	var out []occurrence
	for id, p := range patterns {
		np := Normalize(p)
		for from := 0; from <= len(norm); {
			k := strings.Index(norm[from:], np)
			if k < 0 {
				break
			}
			b := from + k
			out = append(out, occurrence{id, runeAt[b], runeAt[b] + utf8.RuneCountInString(np)})
			_, w := utf8.DecodeRuneInString(norm[b:])
			from = b + max(w, 1)
		}
	}
	return out
}

func sortOcc(o []occurrence) {
	slices.SortFunc(o, func(a, b occurrence) int {
		if a.end != b.end {
			return a.end - b.end
		}
		if a.start != b.start {
			return a.start - b.start
		}
		return a.id - b.id
	})
}

func FuzzMatch(f *testing.F) {
	f.Add("本产品终身 免费升级，ＶＩＰ会员", "终身免费升级|免费|vip会员|会员")
	f.Add("ushers", "he|she|his|hers")
	f.Add("aaaa", "a|aa|aaa")
	f.Add("a\xffb\xe4\xbd", "\xff|b\xe4")
	f.Add("转人工", "转人工|人工|人")
	f.Fuzz(func(t *testing.T, text, joined string) {
		var patterns []string
		for _, p := range strings.Split(joined, "|") {
			if Normalize(p) != "" {
				patterns = append(patterns, p)
			}
		}
		m, err := Compile(patterns)
		if err != nil {
			t.Fatalf("Compile(%q): %v", patterns, err)
		}
		var got []occurrence
		slots := m.Slots()
		normLen := m.Scan(text, func(x Match) bool {
			got = append(got, occurrence{x.Pattern, x.NormStart, x.NormEnd})
			if x.Slot < 0 || x.Slot >= len(slots) || slots[x.Slot] != x.Pattern {
				t.Fatalf("match %+v: slot does not map back to its pattern (Slots %v)", x, slots)
			}
			if x.Start < 0 || x.Start > x.End || x.End > len(text) {
				t.Fatalf("match %+v out of range for text of %d bytes", x, len(text))
			}
			if g, w := Normalize(text[x.Start:x.End]), Normalize(patterns[x.Pattern]); g != w {
				t.Fatalf("text[%d:%d] = %q normalises to %q, want pattern %q", x.Start, x.End, text[x.Start:x.End], g, w)
			}
			if r, _ := utf8.DecodeRuneInString(text[x.Start:]); !isKept(r) {
				t.Fatalf("match %+v starts on a dropped rune", x)
			}
			return true
		})
		if want := utf8.RuneCountInString(Normalize(text)); normLen != want {
			t.Fatalf("Scan returned length %d, want %d", normLen, want)
		}
		// AppendHits, with the outputs walked as kb does, finds the same
		// occurrences in the same order.
		hits, hitsLen := m.AppendHits(nil, text)
		var fromHits []occurrence
		for _, h := range hits {
			lo, hi, l, next := int(h.Lo), int(h.Hi), int(h.Len), h.Next
			for {
				for k := lo; k < hi; k++ {
					fromHits = append(fromHits, occurrence{slots[k], h.N - l, h.N})
				}
				if next == 0 {
					break
				}
				lo, hi, l, next = m.Outputs(next)
			}
		}
		if hitsLen != normLen || !slices.Equal(fromHits, got) {
			t.Fatalf("AppendHits: %v (length %d), Scan: %v (length %d)", fromHits, hitsLen, got, normLen)
		}
		want := naiveMatches(text, patterns)
		sortOcc(got)
		sortOcc(want)
		if !slices.Equal(got, want) {
			t.Fatalf("text %q patterns %q:\n got  %v\n want %v", text, patterns, got, want)
		}
		var wantExact []int
		for id, p := range patterns {
			if Normalize(p) == Normalize(text) {
				wantExact = append(wantExact, id)
			}
		}
		if gotExact := m.Exact(text); !slices.Equal(gotExact, wantExact) {
			t.Fatalf("Exact(%q) = %v, want %v", text, gotExact, wantExact)
		}
	})
}

func isKept(r rune) bool {
	_, ok := NormalizeRune(r)
	return ok
}
