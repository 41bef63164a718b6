// Package textmatch normalises text and finds many fixed patterns in it at
// once. It is the shared matching engine of kb (knowledge lookup, auto-reply
// rules, phrase guard) and routing (keyword conditions).
//
// Normalisation (NormalizeRune, Normalize) folds full-width forms to
// half-width, lower-cases letters and drops white space, punctuation, control
// and format characters, so "ＶＩＰ 会员?" and "vip会员" are equal. Patterns
// and scanned text are normalised the same way.
//
// Compile builds an Aho–Corasick automaton over the normalised runes of all
// patterns; Matcher.Scan reads a text once and reports every occurrence with
// its pattern id, its byte span in the ORIGINAL text (so a guard can point at
// the offending words the agent typed) and its rune span in the normalised
// text. Matcher.Exact answers the whole-text ("全匹配") question with one walk
// of the trie. Matcher.AppendHits is the cheap form of Scan for a caller
// that keeps per-pattern data in output-slot order (kb's lookup): one Hit
// per position where patterns end, no call per match.
//
// The automaton is a double array (Aoe's layout): a state's child on rune
// class c is in slot base+c, so a transition reads one 16-byte record, which
// also holds the new state's failure link and outputs. Classes are numbered
// by frequency and states placed breadth first, so the states a scan visits
// most sit together at the front. A scan reads 64 runes at a time: one loop
// turns them into classes, a second runs the automaton over the classes, a
// third reads the output lists of the states that have some. From a state no
// deeper than one, the next state is found from the last two runes' classes
// alone, so the processor can fetch it before the previous transition is
// done.
//
//	m, err := textmatch.Compile([]string{"退款", "vip会员"})
//	if err != nil { ... }
//	m.Scan("ＶＩＰ 会员怎么退款？", func(x textmatch.Match) bool {
//		fmt.Println(x.Pattern, x.Start, x.End)
//		return true
//	})
//
// There is no word segmentation: Chinese is matched character by character,
// so "机壳" is found inside "手机壳", and dropped spaces mean "a b" matches
// "ab". Callers rank or exclude such hits themselves.
//
// # Errors
//
// Compile rejects a pattern that is empty after normalisation with a
// *PatternError wrapping ErrEmptyPattern, and a pattern set too large for
// the automaton's 32-bit slot numbers (over 2^31-1 slots) with ErrTooLarge.
//
// # Concurrency
//
// A Matcher is immutable after Compile and safe for concurrent use. Scan,
// Exact and Any do not allocate.
//
// # Testing
//
// FuzzMatch checks the automaton against a naive strings.Index search over
// the normalised text.
package textmatch
