// Package ticket provides ticket state machines, SLA timers in business
// hours, an audit trail, and customer-facing progress notifications: every
// step of a case such as "用户申请退款 → 工单 → 财务" is a state with an owner, a
// deadline and a record.
//
// The pieces, from the pure core outwards:
//
//   - Definition: states, named transitions (from → to) with guards, hooks
//     and customer messages, validated by NewDefinition. GeneralSupport and
//     Refund are built in; DOT and Mermaid export them for documentation.
//   - Definition.Apply: the pure transition step (ticket, event, actor, now)
//     → (ticket, record, error), table-testable without a store or clock.
//   - Ticket and Record: the case and its append-only audit history — who
//     (agent, customer, system), when, from → to, note.
//   - Store: persistence with optimistic concurrency (compare-and-set on the
//     version); MemoryStore is the in-memory default and
//     ticket/tickettest.TestStore the conformance suite for adapters.
//   - SLA: policies chosen by condition (first match, default last) with
//     targets per priority for first reply, next reply, periodic update and
//     resolution, counted in business hours (a businesshours.Calendar) or
//     calendar hours, paused in states waiting on the customer. Clocks and
//     metrics are derived from the history alone, so they can be recomputed
//     after a policy change.
//   - Service: ties it together — Open, Transition, Reply, Assign; hooks and
//     the Notifier after commit; Check, the SLA sweep that records and fires
//     warnings and breaches only in business time; Due and Breached queries;
//     Recompute and RecomputeAll after a policy change; Report for metrics.
//
// Usage:
//
//	svc := &ticket.Service{Store: store, SLA: sla, Notifier: wechatNotifier}
//	svc.Open(ctx, "refund", ticket.Ticket{ID: "RF-1", CustomerID: openID, Subject: "订单退款"}, ticket.Customer(openID))
//	res, err := svc.Transition(ctx, "RF-1", "approve", ticket.Agent("alice"), "金额核对无误")
//	// err: the transition failed (nothing changed). res.NotifyErr: the
//	// transition is committed but the customer was not told.
//	...
//	events, err := svc.Check(ctx, time.Now()) // from a ticker, every minute
//
// Agent replies and customer messages are recorded with Service.Reply (or
// Definition.Reply): they change no state but drive the first-reply,
// next-reply and periodic-update clocks.
//
// # Errors
//
// Sentinels for conditions to branch on: ErrNotFound, ErrExists,
// ErrConflict (a stale version; nothing was written), ErrInvalidTicket,
// ErrInvalidTransition, ErrGuardRejected, ErrInvalidDefinition,
// ErrInvalidPolicy. Details are in *TransitionError, *GuardError (which
// unwraps to the guard's own reason) and *DefinitionError (naming the state
// and transition at fault). A failed notification or hook never fails the
// change: it is reported in Result.NotifyErr and Result.HookErr.
//
// # Concurrency
//
// Definitions, SLAs, MemoryStore and Service are safe for concurrent use.
// Concurrent changes to one ticket are serialised by the Store's
// compare-and-set: exactly one write wins per version, and Service.Transition
// retries the losers against the fresh ticket. Tickets and Records are plain
// values.
//
// # Performance
//
// A step (Apply, Reply, …) on a ticket a previous step returned appends its
// record to spare capacity of the history in place, claimed atomically, so a
// ticket moving forward costs amortised O(1) per record; a second step from
// the same input copies the history instead (see Ticket). SLA evaluation
// replays the history once, asking the business calendar only when the
// replay crosses an opening or a closing. BenchmarkTransition and
// BenchmarkSLADue measure both.
//
// # Testing
//
// Apply, Reply, Assign, SLA.Evaluate and businesshours take the time as an
// argument, and Service has a Now field, so tests never sleep. Store
// adapters run tickettest.TestStore.
package ticket
