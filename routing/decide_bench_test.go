package routing

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchAlphabet is a pool of common Chinese characters used to build synthetic
// keywords and messages.
const benchAlphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"

func benchWord(r *rand.Rand, alphabet []rune) string {
	n := 3 + r.IntN(2)
	w := make([]rune, n)
	for i := range w {
		w[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(w)
}

// benchRuleSet builds n keyword-heavy rules (every rule but two carries a
// keyword condition; some combine it with other tests, some use all or
// exact matching) and a 50-character message that matches a low-priority
// rule and contains keywords of a few others.
func benchRuleSet(tb testing.TB, n int) (*RuleSet, Input) {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	alphabet := []rune(benchAlphabet)
	rules := make([]Rule, 0, n)
	rules = append(rules, Rule{Name: "vip", Priority: n + 10, When: MemberLevelAtLeast(8), Then: Action{Queue: "vip", Priority: 10}})
	var target, decoy []string
	for i := 0; i < n-2; i++ {
		words := []string{benchWord(r, alphabet), benchWord(r, alphabet), benchWord(r, alphabet)}
		var when Condition
		switch i % 10 {
		case 3:
			when = And(AnyKeyword(words...), MemberLevelBetween(1, 5))
		case 5:
			when = Keywords(AllOf, Contains, words[:2]...)
		case 7:
			when = Or(Keywords(AnyOf, Exact, words[0]), AnyKeyword(words[1:]...))
		case 9:
			when = And(AnyKeyword(words...), Not(AnyKeyword("骗子")), KindIs(KindText))
		default:
			when = AnyKeyword(words...)
		}
		if i == n/2 {
			decoy = words // a rejected nearer candidate (needs level 1..5)
			when = And(AnyKeyword(words...), MemberLevelBetween(1, 5))
		}
		if i == n-3 {
			target = words
			when = AnyKeyword(words...)
		}
		rules = append(rules, Rule{Name: fmt.Sprintf("rule-%d", i), Priority: n - i, When: when,
			Then: Action{Queue: fmt.Sprintf("q%d", i%50), AddTags: []string{"t"}}})
	}
	rules = append(rules, Rule{Name: "fallback", Priority: -1, When: Condition{}, Then: Action{Queue: "general", Handling: BotFirst}})
	rs, err := Compile(Config{Name: "bench", Rules: rules}, Env{})
	if err != nil {
		tb.Fatal(err)
	}
	msg := []rune("您好，我想咨询一下" + decoy[0] + "的问题，另外" + target[1] + "什么时候可以处理完")
	for len(msg) < 50 {
		msg = append(msg, '。')
	}
	in := Input{Text: string(msg[:50]), Kind: KindText, Channel: "wx"}
	if d := rs.Decide(in); d.Rule() != rules[n-2].Name {
		tb.Fatalf("bench message decided %q, want %q\n%s", d.Rule(), rules[n-2].Name, d.Explain())
	}
	return rs, in
}

// BenchmarkDecide measures one decision for a 50-character message against
// 10 to 10,000 keyword-heavy rules. Besides the wall-clock ns/op it reports
// cpu-ns/op, the process CPU time per decision (garbage collection
// included), which a machine shared with other work does not inflate.
func BenchmarkDecide(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			rs, in := benchRuleSet(b, n)
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				_ = rs.Decide(in)
			}
			cpu.report(b)
		})
	}
}
