package routing_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/kefu-go/kefu/internal/textmatch"
	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/require"
)

var vocab = []string{"退款", "退货", "投诉", "骗子", "加盟", "雅思", "备考", "vip", "人工", "发票", "物流", "快递"}

func randCond(r *rand.Rand, depth int) routing.Condition {
	pick := func() []string {
		n := 1 + r.IntN(3)
		w := make([]string, n)
		for i := range w {
			w[i] = vocab[r.IntN(len(vocab))]
		}
		return w
	}
	k := r.IntN(9)
	if depth >= 3 && k < 3 {
		k = 3 + r.IntN(6)
	}
	switch k {
	case 0:
		return routing.And(randCond(r, depth+1), randCond(r, depth+1))
	case 1:
		return routing.Or(randCond(r, depth+1), randCond(r, depth+1))
	case 2:
		return routing.Not(randCond(r, depth+1))
	case 3, 4:
		return routing.Keywords([]routing.SetMode{routing.AnyOf, routing.AllOf, routing.NoneOf}[r.IntN(3)],
			[]routing.MatchKind{routing.Contains, routing.Contains, routing.Exact}[r.IntN(3)], pick()...)
	case 5:
		return routing.MemberLevelAtLeast(r.IntN(10))
	case 6:
		return routing.KindIs([]string{"text", "image"}[r.IntN(2)])
	case 7:
		return routing.IsFirstContact(r.IntN(2) == 0)
	default:
		return routing.AnyKeyword(pick()...)
	}
}

// oracle evaluates a condition naively, independently of the compiled form.
func oracle(c routing.Condition, in routing.Input) bool {
	norm := textmatch.Normalize(in.Text)
	switch {
	case c.All != nil:
		for _, k := range c.All {
			if !oracle(k, in) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for _, k := range c.Any {
			if oracle(k, in) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !oracle(*c.Not, in)
	case c.Keywords != nil:
		n := 0
		for _, w := range c.Keywords.Words {
			wn := textmatch.Normalize(w)
			if (c.Keywords.Match == routing.Exact && norm == wn) || (c.Keywords.Match != routing.Exact && strings.Contains(norm, wn)) {
				n++
			}
		}
		switch c.Keywords.Mode {
		case routing.AllOf:
			return n == len(c.Keywords.Words)
		case routing.NoneOf:
			return n == 0
		}
		return n > 0
	case c.MemberLevel != nil:
		return in.MemberLevel >= *c.MemberLevel.Min
	case c.Kinds != nil:
		return in.Kind == c.Kinds[0]
	case c.FirstContact != nil:
		return in.FirstContact == *c.FirstContact
	}
	return true // zero condition
}

func TestPrefilterMatchesOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for iter := 0; iter < 60; iter++ {
		n := 1 + r.IntN(40)
		rules := make([]routing.Rule, n)
		for i := range rules {
			rules[i] = routing.Rule{Name: fmt.Sprintf("r%d", i), Priority: r.IntN(5), When: randCond(r, 0),
				Then: routing.Action{Queue: fmt.Sprintf("q%d", i)}}
		}
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return rules[order[a]].Priority > rules[order[b]].Priority })
		for _, mode := range []routing.Mode{routing.FirstMatch, routing.CollectAll} {
			rs := mustCompile(t, routing.Config{Mode: mode, Rules: rules}, routing.Env{})
			for j := 0; j < 30; j++ {
				var words []string
				for k := r.IntN(4); k > 0; k-- {
					words = append(words, vocab[r.IntN(len(vocab))])
				}
				text := strings.Join(words, []string{"", " ", "，我想"}[r.IntN(3)])
				if r.IntN(4) == 0 {
					text = strings.ToUpper(text)
				}
				in := routing.Input{Text: text, MemberLevel: r.IntN(10), Kind: []string{"text", "image"}[r.IntN(2)], FirstContact: r.IntN(2) == 0}
				var want []string
				for _, i := range order {
					if oracle(rules[i].When, in) {
						want = append(want, rules[i].Name)
						if mode == routing.FirstMatch {
							break
						}
					}
				}
				d := rs.Decide(in)
				tr := rs.Trace(in)
				var got, gotTrace []string
				for _, m := range d.Matched {
					got = append(got, m.Rule)
				}
				for _, m := range tr.Matched {
					gotTrace = append(gotTrace, m.Rule)
				}
				require.Equal(t, want, got, "Decide, mode %s, input %+v\n%s", mode, in, d.Explain())
				require.Equal(t, want, gotTrace, "Trace, mode %s", mode)
				require.Equal(t, tr.Action, d.Action)
				// Every rule ranked before the match is either rejected
				// (evaluated) or skipped by the prefilter.
				if mode == routing.FirstMatch {
					before := len(tr.Rejected)
					require.Equal(t, before, len(d.Rejected)+d.Skipped, "input %+v", in)
				}
			}
		}
	}
}
