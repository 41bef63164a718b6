package textmatch

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScanReportsOriginalPositions(t *testing.T) {
	m, err := Compile([]string{"终身免费升级", "免费", "vip会员", "he", "she", "his", "hers"})
	if err != nil {
		t.Fatal(err)
	}
	text := "本产品 终身 免费升级！ＶＩＰ 会员 ushers"
	got := m.AppendMatches(nil, text)
	type span struct {
		id  int
		sub string
	}
	var spans []span
	for _, x := range got {
		spans = append(spans, span{x.Pattern, text[x.Start:x.End]})
	}
	want := []span{
		{1, "免费"},
		{0, "终身 免费升级"},
		{2, "ＶＩＰ 会员"},
		{4, "she"},
		{3, "he"},
		{6, "hers"},
	}
	if diff := cmp.Diff(want, spans, cmp.AllowUnexported(span{})); diff != "" {
		t.Fatalf("matches (-want +got):\n%s", diff)
	}
	// Normalised positions.
	norm := []rune(Normalize(text))
	for _, x := range got {
		if g, w := string(norm[x.NormStart:x.NormEnd]), Normalize(text[x.Start:x.End]); g != w {
			t.Errorf("match %+v: normalised span %q, original span normalises to %q", x, g, w)
		}
	}
}

func TestScanStopsEarlyAndAny(t *testing.T) {
	m, err := Compile([]string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	n := m.Scan("xaxbxa", func(Match) bool { calls++; return false })
	if calls != 1 || n != 2 {
		t.Fatalf("calls=%d n=%d, want 1 and 2", calls, n)
	}
	if n := m.Scan("x a, b!", func(Match) bool { return true }); n != 3 {
		t.Fatalf("normalised length = %d, want 3", n)
	}
	if !m.Any("xxB") || m.Any("xyz") {
		t.Fatal("Any wrong")
	}
}

func TestExact(t *testing.T) {
	m, err := Compile([]string{"转人工", "人工", "客服", "转 人工！", "hi"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []int
	}{
		{"转人工", []int{0, 3}},
		{"  转人工？ ", []int{0, 3}},
		{"人工", []int{1}},
		{"我要转人工", nil},
		{"转人", nil},
		{"HI!", []int{4}},
		{"", nil},
		{"。", nil},
		{"客服在吗", nil},
	}
	for _, tt := range tests {
		if got := m.Exact(tt.text); !slicesEqual(got, tt.want) {
			t.Errorf("Exact(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCompileErrors(t *testing.T) {
	_, err := Compile([]string{"ok", " ？ "})
	var pe *PatternError
	if !errors.As(err, &pe) || pe.Index != 1 || !errors.Is(err, ErrEmptyPattern) {
		t.Fatalf("err = %v, want *PatternError for index 1 wrapping ErrEmptyPattern", err)
	}
	if !strings.HasPrefix(err.Error(), "textmatch: ") {
		t.Fatalf("error %q lacks package prefix", err)
	}
}

func TestZeroAndEmptyMatcher(t *testing.T) {
	var zero Matcher
	empty, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*Matcher{&zero, empty} {
		if m.Any("anything 任何") || m.Exact("x") != nil || m.Len() != 0 {
			t.Fatal("empty matcher matched")
		}
		if n := m.Scan("ab c", func(Match) bool { return true }); n != 3 {
			t.Fatalf("n = %d", n)
		}
	}
}

func TestDuplicatePatterns(t *testing.T) {
	m, err := Compile([]string{"退款", "退 款", "款"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	m.Scan("我要退款", func(x Match) bool { ids = append(ids, x.Pattern); return true })
	if want := []int{0, 1, 2}; !slicesEqual(ids, want) {
		t.Fatalf("ids = %v, want %v", ids, want)
	}
}

func TestScanNoAlloc(t *testing.T) {
	m, err := Compile([]string{"退款", "快递", "营业时间", "vip"})
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	allocs := testing.AllocsPerRun(100, func() {
		m.Scan("请问ＶＩＰ的快递多久到？怎么退款", func(Match) bool { count++; return true })
		_ = m.Exact("退款")
	})
	if allocs != 0 {
		t.Fatalf("Scan allocated %v times per run", allocs)
	}
	if count == 0 {
		t.Fatal("no matches")
	}
}

func TestScanLongPatternPositions(t *testing.T) {
	long := strings.Repeat("长", 70) // longer than Scan's ring of start offsets
	m, err := Compile([]string{long, "长长"})
	if err != nil {
		t.Fatal(err)
	}
	text := "前 " + strings.Repeat("长 ", 70) + "后"
	var got []Match
	m.Scan(text, func(x Match) bool {
		if x.Pattern == 0 {
			got = append(got, x)
		}
		return true
	})
	want := Match{Pattern: 0, Start: 4, End: len(text) - len(" 后"), NormStart: 1, NormEnd: 71, Slot: slices.Index(m.Slots(), 0)}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("matches %+v, want [%+v]", got, want)
	}
}

// TestScanManyCJKPatterns exercises the direct CJK class table (used when
// patterns hold at least 256 distinct ideographs) against the naive search.
func TestScanManyCJKPatterns(t *testing.T) {
	var patterns []string
	for k := rune(0); k < 400; k++ {
		patterns = append(patterns, string([]rune{0x4E00 + k*7, 0x4E00 + (k*13)%400*7}))
	}
	patterns = append(patterns, "一", "ａ丁", "丁 七")
	m, err := Compile(patterns)
	if err != nil {
		t.Fatal(err)
	}
	if m.classes.cjk == nil {
		t.Fatal("direct CJK table not built")
	}
	var text []rune
	for k := rune(0); k < 2000; k++ {
		text = append(text, 0x4E00+(k*k*31+k)%420*7)
		if k%17 == 0 {
			text = append(text, 'Ａ', ' ', '\u4dff', 0x9FFF, 0x3400)
		}
	}
	s := string(text) + "\xe4\xb8" // truncated sequence at the end
	var got []occurrence
	m.Scan(s, func(x Match) bool {
		got = append(got, occurrence{x.Pattern, x.NormStart, x.NormEnd})
		if Normalize(s[x.Start:x.End]) != Normalize(patterns[x.Pattern]) {
			t.Fatalf("match %+v spans %q", x, s[x.Start:x.End])
		}
		return true
	})
	want := naiveMatches(s, patterns)
	sortOcc(got)
	sortOcc(want)
	if len(want) < 100 || !slicesEqualOcc(got, want) {
		t.Fatalf("got %d matches, want %d", len(got), len(want))
	}
}

func slicesEqualOcc(a, b []occurrence) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWideFanout checks states with many goto edges (one prefix followed by
// hundreds of different runes, as in a large knowledge base where many
// keywords start with 的 or 在): every pattern is found by Scan and Exact,
// and failure links through such states are right. A binary search that
// dropped its midpoint once lost a tenth of the hits of the kb benchmark.
func TestWideFanout(t *testing.T) {
	var patterns []string
	for k := rune(0); k < 300; k++ {
		patterns = append(patterns, "的"+string(0x4E00+k*3))    // wide state after 的
		patterns = append(patterns, "在的"+string(0x4E00+k*3+1)) // fails into it
	}
	m, err := Compile(patterns)
	if err != nil {
		t.Fatal(err)
	}
	for id, p := range patterns {
		if got := m.Exact(p); !slices.Equal(got, []int{id}) {
			t.Fatalf("Exact(%q) = %v, want [%d]", p, got, id)
		}
		text := "前" + p + "后在" + p
		var got []occurrence
		m.Scan(text, func(x Match) bool {
			got = append(got, occurrence{x.Pattern, x.NormStart, x.NormEnd})
			return true
		})
		want := naiveMatches(text, patterns)
		sortOcc(got)
		sortOcc(want)
		if !slices.Equal(got, want) {
			t.Fatalf("Scan(%q):\n got  %v\n want %v", text, got, want)
		}
	}
}
