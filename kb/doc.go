// Package kb is a keyword knowledge base for customer service: it answers the
// questions that repeat ("营业时间", "快递多久到", "保质期") automatically when it
// is sure, recommends answers to the agent when it is not, hands angry
// customers and "转人工" requests to a person, keeps canned replies for
// agents, and stops agents from promising what the company cannot keep
// ("终身免费升级"). It imports no other kefu package.
//
//	k, err := kb.New(kb.Data{
//		Entries: []kb.Entry{{ID: "hours", Question: "营业时间", Keywords: []string{"几点开门"},
//			Answer: "每天 9:00–21:00", Status: kb.StatusPublished}},
//		Rules:   kb.DefaultRules(),
//		Phrases: []kb.Phrase{{Text: "终身免费升级", Rule: "承诺", Severity: kb.SeverityBlock}},
//	})
//	d := k.Answer("你们营业时间是？", time.Now())
//	switch d.Outcome {
//	case kb.OutcomeAuto:      // send d.Text (and d.Media); d.Reason says why
//	case kb.OutcomeRecommend: // show d.Results to the agent
//	case kb.OutcomeHuman:     // route to a person
//	case kb.OutcomeNoAnswer:  // counted as a miss in k.Stats()
//	}
//	if kb.Blocked(k.Guard(agentReply)) { ... }
//
// # Knowledge and time
//
// An Entry has an id, a category path (Index.Categories returns the tree,
// Index.EntriesIn one branch), a question, keywords, synonyms,
// exclusions, the answer (text and media references), a status (draft,
// published, hidden), a validity window and a priority. Lookups see only
// published entries inside their window at the time passed in: the index is
// built over every published entry and the window is checked per lookup, so
// a promotion's answer goes live the instant its ValidFrom passes and
// vanishes at ValidTo without a rebuild. Hiding or editing an entry
// publishes a new index before the call returns.
//
// # Matching without a dictionary
//
// Messages and keywords are normalised (full-width → half-width, case
// folding, white space and punctuation dropped, so "ＶＩＰ 会员?" matches
// "vip会员") and all keywords of all entries are found in one pass by an
// Aho–Corasick automaton over characters. There is no word segmentation and
// no dictionary to maintain, and new product names work at once. The price
// is that a keyword matches inside longer words: "机壳" is found in "手机壳",
// "退款" in "不退款". kb mitigates this in three ways: scores favour long
// keywords and messages mostly covered by an entry's keywords (so the
// "手机壳" entry beats the "机壳" entry for "手机壳坏了"), a message that is
// exactly a keyword gets an exactness bonus, and an entry's Exclusions veto
// it ("不退款" on an entry that should not fire for it). Without a
// dictionary kb also cannot know that two wordings mean the same thing:
// list them as Synonyms ("退钱" for "退款").
//
// # Scores, auto-reply and reasons
//
// Lookup returns ranked Results whose Reason lists the keywords hit, the
// strength, the coverage of the message, exactness and priority (the
// formula is on Reason). Answer
// replies automatically only if the top score reaches
// Settings.AutoReplyScore and leads the runner-up by Settings.AutoReplyMargin;
// both are settings of each knowledge base. Every Decision carries a Reason
// in words.
//
// Auto-reply Rules in WeChat's style (exact 全匹配, contains 半匹配,
// exclusions, priorities) are checked first; DefaultRules sends complaints
// ("投诉", "骗子") and "转人工/客服" to a person, so an angry message never gets
// a cheerful answer.
//
// # Agents
//
// Canned replies have short codes ("/refund"), prefix search and {variables}
// filled from the customer; a missing variable is an error, never an empty
// hole. The phrase guard finds forbidden or risky Phrases in an agent's
// outgoing text and reports each with its span in the original text (byte
// offsets Start/End for slicing, character offsets RuneStart/RuneEnd for
// editors), its rule and its severity (block or flag).
//
// # Statistics and the pre-launch check
//
// KB.Answer records every decision in Stats: answers per entry and
// unanswered questions for the "what do users ask most" report. Index.Check
// runs a file of typical questions (see ReadCases and examples/kbcheck)
// against the expected entry, "no answer" or "human", and reports every
// mismatch with its reason and the entries that came close.
//
// # Errors
//
// Bad input returns a *ValidationError wrapping ErrInvalid; missing items
// wrap ErrNotFound; a stale compare-and-set wraps ErrConflict; a canned reply
// with a missing variable returns a *VariableError wrapping
// ErrUnknownVariable. Nothing panics on bad input.
//
// # Concurrency
//
// An Index is immutable and safe for concurrent use. A KB serialises its
// writers, builds each new Index off to the side and publishes it with an
// atomic pointer swap; lookups load the pointer and never wait. Stats and
// MemStore are safe for concurrent use. Everything else (Data, Entry, Rule,
// Canned, Phrase, Settings, Category, Case and the results Result, Decision,
// Violation, Mismatch, Report) is a plain value: safe to read from many
// goroutines, not to modify while others read it; values that point into an
// Index (Result.Entry, Decision.Entry, Decision.Rule) must not be modified
// at all.
//
// # Persistence
//
// Entries live in a Store (four methods with a context, compare-and-set by
// version); settings, rules, canned replies and phrases are saved through
// the optional ConfigStore. MemStore is the in-memory default. Data.WriteJSON
// and ReadJSON export and import a whole knowledge base.
//
// # Testing
//
// kb/kbtest.TestStore is the conformance suite for Store implementations,
// including concurrent compare-and-set; MemStore passes it. The command
// examples/kbcheck runs the pre-launch check from files.
//
// # Performance
//
// Benchmarks BenchmarkLookup (sub-benchmarks chars=30 and chars=300),
// BenchmarkNaiveLookup (the strings.Contains baseline) and BenchmarkBuild
// use 10,000 entries with 50,000 keywords generated deterministically from
// the GB 2312 level-1 characters with a Zipf distribution, plus ASCII model
// names; messages are about half keywords. Besides ns/op they report
// cpu-ns/op (process CPU time, steadier on a shared machine), the keyword
// hits per message and, for Build, the live heap of the index
// (index-bytes, about 11 MB). TestIndexMemory logs the index size too.
package kb
