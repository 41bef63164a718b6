package kb_test

import (
	"strconv"
	"sync"
	"testing"

	"github.com/kefu-go/kefu/kb"
)

func TestStatsReport(t *testing.T) {
	k := mustNew(t, kb.Data{Rules: kb.DefaultRules(), Entries: []kb.Entry{
		pub("hours", "营业时间", "几点开门"),
		pub("shipping", "快递多久到", "快递"),
		pub("refund", "怎么退款", "退款"),
	}})
	msgs := []string{
		"营业时间", "营业时间？", "几点开门", // hours answered ×3
		"快递多久到",                     // shipping answered
		"退款的快递",                     // recommend: refund and shipping tie; refund first (id order)
		"转人工",                       // human, no suggestions
		"投诉退款",                      // human, refund suggested first
		"在吗？", "在吗", "在 吗!", "今天天气", // misses: 在吗 ×3 (normalised together), 今天天气 ×1
	}
	for _, m := range msgs {
		k.Answer(m, t0)
	}
	k.Lookup("营业时间", t0) // Lookup records nothing
	r := k.Stats().Report(0)
	if r.Questions != 11 || r.Answered != 4 || r.Recommended != 1 || r.Human != 2 || r.Unanswered != 4 || r.OtherMisses != 0 {
		t.Fatalf("totals %+v", r)
	}
	wantEntries := []kb.EntryCount{
		{ID: "hours", Question: "营业时间", Answered: 3},
		{ID: "refund", Question: "怎么退款", Suggested: 2},
		{ID: "shipping", Question: "快递多久到", Answered: 1},
	}
	if len(r.TopEntries) != len(wantEntries) {
		t.Fatalf("TopEntries %+v", r.TopEntries)
	}
	for i, w := range wantEntries {
		if r.TopEntries[i] != w {
			t.Errorf("TopEntries[%d] = %+v, want %+v", i, r.TopEntries[i], w)
		}
	}
	wantMisses := []kb.MissCount{{Text: "在吗？", Count: 3}, {Text: "今天天气", Count: 1}}
	if len(r.TopMisses) != 2 || r.TopMisses[0] != wantMisses[0] || r.TopMisses[1] != wantMisses[1] {
		t.Fatalf("TopMisses %+v, want %+v", r.TopMisses, wantMisses)
	}
	if r1 := k.Stats().Report(1); len(r1.TopEntries) != 1 || len(r1.TopMisses) != 1 || r1.Questions != 11 {
		t.Fatalf("Report(1) = %+v", r1)
	}
	k.Stats().Reset()
	if r := k.Stats().Report(0); r.Questions != 0 || len(r.TopEntries) != 0 || len(r.TopMisses) != 0 {
		t.Fatalf("after Reset: %+v", r)
	}
}

func TestStatsMaxMisses(t *testing.T) {
	s := kb.Stats{MaxMisses: 2}
	miss := kb.Decision{Outcome: kb.OutcomeNoAnswer}
	for _, m := range []string{"a", "b", "c", "d", "a"} {
		s.Record(m, miss)
	}
	r := s.Report(0)
	if len(r.TopMisses) != 2 || r.OtherMisses != 2 || r.Unanswered != 5 || r.TopMisses[0] != (kb.MissCount{Text: "a", Count: 2}) {
		t.Fatalf("report %+v", r)
	}
}

func TestStatsConcurrent(t *testing.T) {
	k := mustNew(t, kb.Data{Entries: []kb.Entry{pub("hours", "营业时间")}})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k.Answer("营业时间", t0)
				k.Answer("miss "+strconv.Itoa(g*100+i%5), t0)
				_ = k.Stats().Report(3)
			}
		})
	}
	wg.Wait()
	r := k.Stats().Report(0)
	if r.Questions != 800 || r.Answered != 400 || r.Unanswered != 400 || len(r.TopMisses) != 40 {
		t.Fatalf("report %+v", r)
	}
}
