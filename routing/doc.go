// Package routing decides where a customer's message goes — which queue,
// which priority, bot first or a person, which greeting, which tags and
// ticket — and then which agent takes the conversation, with an explanation
// of every decision. It does not depend on any messaging platform: it takes
// its own small Input (text, message kind, event and menu key, customer tags,
// member level, first contact, channel, time).
//
// # Rules
//
// A Config is a list of Rules, each a Condition tree and an Action, ordered
// by explicit Priority (higher first; ties keep declaration order), applied
// FirstMatch or CollectAll. Conditions test keywords (any/all/none, contains
// 半匹配 or exact 全匹配, over normalised text: full-width, case, spaces and
// punctuation do not matter), regular expressions, message kind, event and
// menu key, customer tags, member-level ranges, first contact, channel,
// business hours (a businesshours calendar: several periods a day, holidays,
// special working days, time zones) and host predicates registered by name;
// All, Any and Not combine them. Actions set the queue or a chain of targets
// with timeouts, the priority, bot-first or human handling, a greeting, tags
// to add and a ticket intent.
//
// Rule sets are written in Go or JSON and compiled once:
//
//	rs, err := routing.ParseJSON(data, routing.Env{Predicates: preds})
//	if err != nil {
//		// every *RuleError names the rule and field at fault
//	}
//	var router routing.Router
//	router.Store(rs) // swap atomically at any time; Decide takes no lock
//	d, err := router.Decide(routing.Input{Text: "我要退款", MemberLevel: 9})
//	fmt.Println(d.Queue(), d.Action.Greeting)
//	fmt.Print(d.Explain()) // matched rule and why, rejected candidates and why
//
// Compile puts every keyword of every rule into one Aho–Corasick automaton
// (internal/textmatch) and indexes which rules each keyword can enable, so a
// decision scans the text once and evaluates only the rules whose keywords
// occur, plus the rules that need no keyword: its cost does not grow with
// rules the text cannot match. RuleSet.Trace evaluates every rule for dry
// runs, and Verify runs a table of sample messages with expected queues
// through a rule set and reports each mismatch with its explanation (the
// pre-launch check; examples/routecheck is its command-line form).
//
// # Conversations and handoff
//
// A Conversation (one per customer and channel, see ConversationKey) moves
// bot → queued → serving → closed, with transfers between agents and
// queues and an idle timeout. Its transitions are pure functions returning
// a new value. Assign and Transfer return a Handoff carrying the transcript
// (media by ID), the bot's answers, the routing explanation and the
// customer's tags, so an agent never asks the customer to repeat themselves;
// Dispatcher.Transfer also moves the load from one agent to the other.
// A ConversationStore keeps the open conversation of each key, shared by
// replicas, with compare-and-set by Version; OpenConversation gets or creates
// it. A store that also implements the optional IdleLister (MemoryStore and
// the Redis adapter do) lists idle conversations, least recently active
// first, so that SweepIdle, run periodically from any replica, closes them
// with reason "idle" and frees their agent's load or holding-queue entry
// (Dispatcher.FreeConversation) exactly once.
//
// # Queues and agents
//
// A Dispatcher assigns conversations to agents. It walks the decision's
// targets in order (skipping at once a target with nobody online, moving on
// when a target's timeout expires, ending with leave-a-message), picks an
// agent by Strategy (LeastLoaded, RoundRobin, LongestIdle, SkillMatch;
// optionally sticky to the previous agent while they are online), and
// respects presence, capacity per agent and per channel, and a fairness cap
// per window. When every eligible agent is at a limit the conversation waits
// in a holding queue; Drain serves waiting conversations by priority with
// ageing, so VIPs go first but nobody waits forever, and a newcomer does
// not jump ahead of conversations that rank before it.
//
// Agent presence and load and the holding queues live behind AgentStore and
// QueueStore (together Store), shared by every replica of the host.
// Assignment is one atomic store operation (TryAssign), so under concurrent
// assignment no agent ever exceeds a limit. MemoryStore is the in-memory
// default.
//
// # Errors
//
// Invalid rule sets fail with *RuleError values (errors.As) that match
// ErrInvalidRule (errors.Is) and may wrap ErrUnknownPredicate or
// ErrUnknownCalendar. Router.Decide without a rule set returns ErrNoRuleSet.
// Stores return ErrNotFound for a missing assignment, waiting entry or
// conversation, ErrConflict for a stale conversation version,
// ErrAgentUnavailable when a transfer's receiving agent has no room, and
// ErrInvalidRequest for malformed arguments; refused conversation
// transitions return a *TransitionError matching ErrInvalidTransition.
//
// # Concurrency
//
// A compiled RuleSet is immutable and safe for concurrent use; Router swaps
// it with one atomic pointer store. Dispatcher and MemoryStore are safe for
// concurrent use, and so must be every Store, ConversationStore, Calendar
// and PredicateFunc a host supplies. Every other type (Config, Rule,
// Condition, Action, Target, Input, Decision, Check, Case, Report, Agent,
// QueueConfig, AssignRequest, AgentState, Waiting, Result, Conversation,
// Entry, Handoff and the error types) is a plain value: safe to read from
// several goroutines, not to modify while others read it.
//
// # Testing
//
// Every time-dependent call takes the time as an argument or through a Now
// field. Package routing/routingtest holds the conformance suite that every
// Store implementation (such as a Redis adapter) must pass; MemoryStore runs
// it. Verify checks a rule set against sample messages from a Go test.
package routing
