package kb_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/kb"
)

func TestLookupSeesOnlyPublishedEntriesInsideTheirWindow(t *testing.T) {
	from := t0.Add(-time.Hour)
	to := t0.Add(time.Hour)
	tests := []struct {
		name     string
		status   kb.Status
		from, to time.Time
		at       time.Time
		want     bool
	}{
		{"published, unbounded", kb.StatusPublished, time.Time{}, time.Time{}, t0, true},
		{"draft", kb.StatusDraft, time.Time{}, time.Time{}, t0, false},
		{"empty status counts as draft", "", time.Time{}, time.Time{}, t0, false},
		{"hidden", kb.StatusHidden, time.Time{}, time.Time{}, t0, false},
		{"before valid_from", kb.StatusPublished, from, to, from.Add(-time.Nanosecond), false},
		{"at valid_from", kb.StatusPublished, from, to, from, true},
		{"inside", kb.StatusPublished, from, to, t0, true},
		{"last instant before valid_to", kb.StatusPublished, from, to, to.Add(-time.Nanosecond), true},
		{"at valid_to", kb.StatusPublished, from, to, to, false},
		{"only valid_from, later", kb.StatusPublished, from, time.Time{}, t0.AddDate(10, 0, 0), true},
		{"only valid_to, earlier", kb.StatusPublished, time.Time{}, to, t0.AddDate(-10, 0, 0), true},
		{"hidden inside window", kb.StatusHidden, from, to, t0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := pub("promo", "双十一活动", "双十一")
			e.Status, e.ValidFrom, e.ValidTo = tt.status, tt.from, tt.to
			ix := mustBuild(t, kb.Data{Entries: []kb.Entry{e, pub("other", "营业时间")}})
			got := len(ix.Lookup("双十一活动", tt.at)) > 0
			if got != tt.want {
				t.Fatalf("Lookup found the entry = %v, want %v", got, tt.want)
			}
			if e.LiveAt(tt.at) != tt.want {
				t.Fatalf("LiveAt = %v, want %v", !tt.want, tt.want)
			}
			if d := ix.Answer("双十一活动", tt.at); (d.Outcome == kb.OutcomeAuto) != tt.want {
				t.Fatalf("Answer outcome %s, want auto=%v", d.Outcome, tt.want)
			}
		})
	}
}

func TestPromotionStartsAndEndsWithoutRebuild(t *testing.T) {
	start := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)
	promo := pub("double11", "双十一活动", "双十一", "双11")
	promo.ValidFrom, promo.ValidTo = start, end
	k := mustNew(t, kb.Data{Entries: []kb.Entry{promo, pub("hours", "营业时间")}})
	ix := k.Index()
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{start.Add(-time.Second), kb.ExpectNoAnswer},
		{start, "double11"},
		{end.Add(-time.Second), "double11"},
		{end, kb.ExpectNoAnswer},
	} {
		d := k.Answer("双11有什么活动", tc.at)
		if got := d.ID(); got != tc.want {
			t.Errorf("at %v: answered %q, want %q (%s)", tc.at, got, tc.want, d.Reason)
		}
	}
	if k.Index() != ix {
		t.Fatal("the index was rebuilt; the window must be checked at lookup time")
	}
}

func TestHidingTakesEffectForTheNextLookup(t *testing.T) {
	ctx := t.Context()
	k := mustNew(t, kb.Data{Entries: []kb.Entry{pub("phone-x", "X手机保修", "x手机")}})
	before := k.Index()
	if d := k.Answer("x手机保修多久", t0); d.ID() != "phone-x" {
		t.Fatalf("before hiding: %s", d.Reason)
	}
	if _, err := k.SetStatus(ctx, "phone-x", kb.StatusHidden); err != nil {
		t.Fatal(err)
	}
	if rs := k.Lookup("x手机保修多久", t0); len(rs) != 0 {
		t.Fatalf("hidden entry still found: %v", ids(rs))
	}
	if d := k.Answer("x手机保修多久", t0); d.Outcome != kb.OutcomeNoAnswer {
		t.Fatalf("hidden entry still answered: %s", d.Reason)
	}
	if e, ok := k.Index().Entry("phone-x"); !ok || e.Status != kb.StatusHidden {
		t.Fatalf("Entry after hiding = %+v, %v", e, ok)
	}
	// An Index taken before the change is an immutable snapshot.
	if rs := before.Lookup("x手机保修多久", t0); len(rs) != 1 {
		t.Fatalf("old snapshot changed: %v", ids(rs))
	}
	if _, err := k.SetStatus(ctx, "phone-x", kb.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if rs := k.Lookup("x手机保修多久", t0); len(rs) != 1 {
		t.Fatalf("republished entry not found: %v", ids(rs))
	}
	if _, err := k.SetStatus(ctx, "phone-x", "gone"); err == nil {
		t.Fatal("SetStatus accepted an unknown status")
	}
	if _, err := k.SetStatus(ctx, "missing", kb.StatusHidden); !errorsIs(err, kb.ErrNotFound) {
		t.Fatalf("SetStatus(missing) = %v, want ErrNotFound", err)
	}
}

func TestNormalisation(t *testing.T) {
	ix := mustBuild(t, kb.Data{Entries: []kb.Entry{
		pub("vip", "会员权益", "vip会员"),
		pub("fullwidth-kw", "Ｗｉ－Ｆｉ密码", "ＷＩＦＩ"),
	}})
	tests := []struct {
		msg, want string
	}{
		{"ＶＩＰ 会员?", "vip"},
		{"VIP会员", "vip"},
		{"v i p 会 员！！", "vip"},
		{"【Ｖｉｐ】会员，有什么权益？", "vip"},
		{"vip\u200b会员", "vip"}, // zero-width space
		{"wifi", "fullwidth-kw"},
		{"Wi-Fi 密码多少", "fullwidth-kw"},
		{"vi p", ""},
		{"会员vip", ""}, // order matters
	}
	for _, tt := range tests {
		rs := ix.Lookup(tt.msg, t0)
		got := ""
		if len(rs) > 0 {
			got = rs[0].Entry.ID
		}
		if got != tt.want {
			t.Errorf("Lookup(%q) top = %q, want %q", tt.msg, got, tt.want)
		}
	}
	// Punctuation around the whole message keeps it exact.
	rs := ix.Lookup("  ＶＩＰ 会员?", t0)
	if len(rs) == 0 || !rs[0].Reason.Exact {
		t.Fatalf("normalised whole-message keyword not exact: %+v", rs)
	}
}

func TestLookupRanksWithScoresAndReasons(t *testing.T) {
	low := pub("low", "售后服务", "退款")
	high := pub("high", "退款进度", "退款")
	high.Priority = 5
	ix := mustBuild(t, kb.Data{Entries: []kb.Entry{
		pub("case", "手机壳", "手机壳"),
		pub("shell", "机壳", "机壳"),
		low, high,
		{ID: "syn", Question: "退货流程", Synonyms: []string{"退钱"}, Answer: "a", Status: kb.StatusPublished},
		pub("kw", "退钱怎么办", "退钱"),
		{ID: "excl", Question: "退款政策", Keywords: []string{"退款"}, Exclusions: []string{"不退款"}, Answer: "a", Status: kb.StatusPublished},
	}})

	t.Run("longer keyword wins", func(t *testing.T) {
		rs := ix.Lookup("手机壳坏了", t0)
		if got := ids(rs); len(got) < 2 || got[0] != "case" || got[1] != "shell" {
			t.Fatalf("ranking %v, want case before shell", got)
		}
		r := rs[0]
		if !slices.Equal(r.Reason.Keywords, []string{"手机壳"}) {
			t.Fatalf("keywords %q", r.Reason.Keywords)
		}
		if r.Reason.Strength != 1 || math.Abs(r.Reason.Coverage-0.6) > 1e-9 || r.Reason.Exact {
			t.Fatalf("reason %+v, want strength 1, coverage 3/5, not exact", r.Reason)
		}
		if math.Abs(r.Score-(0.6+0.4*0.6)) > 1e-9 {
			t.Fatalf("score %v, want 0.84", r.Score)
		}
		if s := r.Reason.String(); !strings.Contains(s, "keywords 手机壳") || !strings.Contains(s, "coverage 0.60") {
			t.Fatalf("Reason.String() = %q", s)
		}
	})

	t.Run("exact whole message", func(t *testing.T) {
		rs := ix.Lookup("手机壳", t0)
		if rs[0].Entry.ID != "case" || !rs[0].Reason.Exact || math.Abs(rs[0].Score-1.1) > 1e-9 {
			t.Fatalf("got %+v", rs[0])
		}
		if !strings.Contains(rs[0].Reason.String(), "exact") {
			t.Fatalf("reason %q lacks exact", rs[0].Reason)
		}
	})

	t.Run("priority breaks ties", func(t *testing.T) {
		rs := ix.Lookup("我想问一下退款", t0)
		got := ids(rs)
		if len(got) < 3 || got[0] != "high" {
			t.Fatalf("ranking %v, want high first", got)
		}
		// "excl" and "low" tie on score: the earlier id wins.
		if got[1] != "excl" || got[2] != "low" {
			t.Fatalf("ranking %v, want excl then low after high", got)
		}
		if d := rs[0].Score - rs[1].Score; math.Abs(d-0.005) > 1e-9 {
			t.Fatalf("priority 5 adds %v, want 0.005", d)
		}
		if rs[0].Reason.Priority != 5 || !strings.Contains(rs[0].Reason.String(), "priority 5") {
			t.Fatalf("reason %+v", rs[0].Reason)
		}
	})

	t.Run("exclusion vetoes", func(t *testing.T) {
		if got := ids(ix.Lookup("为什么不退款", t0)); slices.Contains(got, "excl") {
			t.Fatalf("excluded entry proposed: %v", got)
		}
		if got := ids(ix.Lookup("不 退 款", t0)); slices.Contains(got, "excl") {
			t.Fatalf("normalised exclusion missed: %v", got)
		}
	})

	t.Run("synonyms weigh less than keywords", func(t *testing.T) {
		rs := ix.Lookup("我要退钱啊", t0)
		if got := ids(rs); len(got) < 2 || got[0] != "kw" || got[1] != "syn" {
			t.Fatalf("ranking %v, want kw before syn", got)
		}
		if rs[0].Reason.Strength <= rs[1].Reason.Strength {
			t.Fatalf("strengths %v <= %v", rs[0].Reason.Strength, rs[1].Reason.Strength)
		}
	})

	t.Run("repeated keyword counts once", func(t *testing.T) {
		a := ix.Lookup("手机壳", t0)[0]
		b := ix.Lookup("手机壳手机壳手机壳", t0)[0]
		if a.Reason.Strength != b.Reason.Strength || len(b.Reason.Keywords) != 1 {
			t.Fatalf("repeat changed strength or keywords: %+v vs %+v", a.Reason, b.Reason)
		}
	})

	t.Run("score matches the documented formula", func(t *testing.T) {
		for _, msg := range []string{"手机壳坏了", "退款", "我要退钱啊", "手机壳退款", "机壳"} {
			for _, r := range ix.Lookup(msg, t0) {
				want := 0.6*r.Reason.Strength + 0.4*r.Reason.Coverage + 0.001*float64(r.Reason.Priority)
				if r.Reason.Exact {
					want += 0.1
				}
				if math.Abs(r.Score-want) > 1e-6 {
					t.Errorf("%q/%s: score %v, formula gives %v (%+v)", msg, r.Entry.ID, r.Score, want, r.Reason)
				}
			}
		}
	})

	t.Run("coverage is the union of the hits", func(t *testing.T) {
		ix := mustBuild(t, kb.Data{Entries: []kb.Entry{pub("u", "手机的壳", "手", "的")}})
		// Hits 手 [0,1), 的 [2,3) and 手机的壳 [0,4) cover 4 of 6 runes.
		rs := ix.Lookup("手机的壳坏了", t0)
		if len(rs) != 1 || math.Abs(rs[0].Reason.Coverage-4.0/6) > 1e-9 {
			t.Fatalf("coverage %+v, want 4/6", rs)
		}
		rs = ix.Lookup("手 的 坏了手", t0) // 手 twice, 的: 3 of 5 runes
		if len(rs) != 1 || math.Abs(rs[0].Reason.Coverage-3.0/5) > 1e-9 {
			t.Fatalf("coverage %+v, want 3/5", rs)
		}
	})

	t.Run("nothing relevant", func(t *testing.T) {
		for _, msg := range []string{"", "？？？", "今天天气不错", "\xff\xfe"} {
			if rs := ix.Lookup(msg, t0); len(rs) != 0 {
				t.Errorf("Lookup(%q) = %v", msg, ids(rs))
			}
		}
	})
}

func TestLookupLimitAndMinScore(t *testing.T) {
	var entries []kb.Entry
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		entries = append(entries, pub(id, "问题"+id, "快递"))
	}
	entries = append(entries, pub("weak", "退", "快")) // one rune: weight 0.4
	for _, tc := range []struct {
		settings kb.Settings
		wantLen  int
	}{
		{kb.Settings{}, 3},
		{kb.Settings{Recommendations: 1}, 2}, // Lookup returns at least two, so Answer can compare
		{kb.Settings{Recommendations: 5}, 5},
		{kb.Settings{Recommendations: 10}, 6},
		{kb.Settings{Recommendations: 10, MinScore: 0.35}, 5},
	} {
		ix := mustBuild(t, kb.Data{Settings: tc.settings, Entries: entries})
		rs := ix.Lookup("快递到哪了", t0)
		if len(rs) != tc.wantLen {
			t.Errorf("settings %+v: %d results %v, want %d", tc.settings, len(rs), ids(rs), tc.wantLen)
		}
		for i := 1; i < len(rs); i++ {
			if rs[i].Score > rs[i-1].Score {
				t.Errorf("results not sorted: %v", ids(rs))
			}
		}
	}
}

func TestZeroIndex(t *testing.T) {
	var ix kb.Index
	if rs := ix.Lookup("退款", t0); rs != nil {
		t.Fatal("zero index found something")
	}
	if d := ix.Answer("退款", t0); d.Outcome != kb.OutcomeNoAnswer {
		t.Fatalf("zero index answered %v", d.Outcome)
	}
	if v := ix.Guard("终身免费升级"); v != nil {
		t.Fatal("zero index guarded")
	}
	if c := ix.SearchCanned(""); c != nil {
		t.Fatal("zero index has canned replies")
	}
	if _, err := ix.FillCanned("/x", nil); !errorsIs(err, kb.ErrNotFound) {
		t.Fatalf("FillCanned on zero index = %v", err)
	}
	if ix.Len() != 0 || len(ix.Categories().Children) != 0 {
		t.Fatal("zero index not empty")
	}
}

// TestLookupEntryWithManyKeywords checks an entry with more wordings than a
// lookup tells apart by bit (63): a wording found twice still counts once,
// beyond the 63rd as before it, and each is listed once, in order of first
// occurrence.
func TestLookupEntryWithManyKeywords(t *testing.T) {
	var kws []string
	for k := range 70 {
		kws = append(kws, string(rune(0x4E00+k))) // one-rune keywords: weight 0.4 each
	}
	ix := mustBuild(t, kb.Data{Entries: []kb.Entry{
		{ID: "many", Question: "多关键词条目", Keywords: kws, Answer: "a", Status: kb.StatusPublished},
	}})
	for _, tc := range []struct {
		name string
		text string
		want []string
	}{
		{"both late", kws[65] + kws[66] + kws[65] + kws[66], []string{kws[65], kws[66]}},
		{"early and late", kws[65] + kws[3] + kws[65] + kws[3], []string{kws[65], kws[3]}},
		{"both early", kws[3] + kws[4] + kws[4] + kws[3], []string{kws[3], kws[4]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := ix.Lookup(tc.text, time.Now())
			if len(rs) != 1 {
				t.Fatalf("Lookup(%q) = %d results, want 1", tc.text, len(rs))
			}
			r := rs[0].Reason
			if !slices.Equal(r.Keywords, tc.want) {
				t.Errorf("keywords %q, want %q", r.Keywords, tc.want)
			}
			if math.Abs(r.Strength-0.8) > 1e-6 {
				t.Errorf("strength %v, want 0.8 (two one-rune wordings, each once)", r.Strength)
			}
		})
	}
}
