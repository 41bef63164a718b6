package ticket

import (
	"context"
	"testing"
	"time"
)

// benchTicket returns a support ticket in state open with a realistic
// history of 8 records.
func benchTicket(b *testing.B, d *Definition) Ticket {
	b.Helper()
	tk, _, err := d.Open(Ticket{ID: "B-1", CustomerID: "c", Subject: "s", Tags: []string{"vip"}, Fields: map[string]string{"order": "1"}}, cust, t0)
	if err != nil {
		b.Fatal(err)
	}
	steps := []func(Ticket) (Ticket, Record, error){
		func(t Ticket) (Ticket, Record, error) { return d.Apply(t, "open", alice, t0.Add(time.Minute), "") },
		func(t Ticket) (Ticket, Record, error) { return d.Reply(t, alice, t0.Add(2*time.Minute), "您好") },
		func(t Ticket) (Ticket, Record, error) { return d.Reply(t, cust, t0.Add(3*time.Minute), "订单号 1") },
		func(t Ticket) (Ticket, Record, error) {
			return d.Apply(t, "ask_customer", alice, t0.Add(4*time.Minute), "截图")
		},
		func(t Ticket) (Ticket, Record, error) { return d.Apply(t, "resume", cust, t0.Add(5*time.Minute), "") },
		func(t Ticket) (Ticket, Record, error) { return d.Assign(t, "bob", alice, t0.Add(6*time.Minute), "") },
		func(t Ticket) (Ticket, Record, error) { return d.Reply(t, cust, t0.Add(7*time.Minute), "?") },
	}
	for _, s := range steps {
		if tk, _, err = s(tk); err != nil {
			b.Fatal(err)
		}
	}
	return tk
}

var (
	sinkTicket Ticket
	sinkTime   time.Time
)

// BenchmarkTransition measures the in-memory transition step with history:
// Definition.Apply moving one support ticket back and forth between open and
// pending (guard-free), each transition validating the event and the actor,
// appending its audit record to the history and bumping the version. The
// ticket starts with 8 records and restarts from that ticket every 32
// transitions, so histories hold 8 to 40 records; a restart copies the
// history (a second step from one input always does) and the array doubles
// as it fills, so the copies are included at their real rate.
func BenchmarkTransition(b *testing.B) {
	d := GeneralSupport()
	start := benchTicket(b, d)
	now := t0.Add(2 * time.Hour)
	cur := start
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i%32 == 0 {
			cur = start
		}
		ev, actor := "ask_customer", alice
		if i&1 == 1 {
			ev, actor = "resume", cust
		}
		var err error
		if cur, _, err = d.Apply(cur, ev, actor, now, ""); err != nil {
			b.Fatal(err)
		}
		i++
	}
	sinkTicket = cur
}

// BenchmarkTransitionCopy is the worst case of the transition step: every
// Apply starts from a ticket (8 records) that was already stepped from, so
// each one copies the whole history into a new array.
func BenchmarkTransitionCopy(b *testing.B) {
	d := GeneralSupport()
	open := benchTicket(b, d)
	pending, _, err := d.Apply(open, "ask_customer", alice, t0.Add(time.Hour), "")
	if err != nil {
		b.Fatal(err)
	}
	pending.History = pending.History[:len(open.History)] // same length as open
	now := t0.Add(2 * time.Hour)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var err error
		if i&1 == 0 {
			sinkTicket, _, err = d.Apply(open, "ask_customer", alice, now, "")
		} else {
			sinkTicket, _, err = d.Apply(pending, "resume", cust, now, "")
		}
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkServiceTransition measures a full Service.Transition against the
// MemoryStore: read (deep copy), apply, SLA refresh, compare-and-set write
// (deep copy), hooks and notifier lookups. Tickets are recycled every 32
// transitions so the history stays short and realistic.
func BenchmarkServiceTransition(b *testing.B) {
	ctx := context.Background()
	svc := &Service{Now: func() time.Time { return t0.Add(time.Hour) }}
	n := 0
	id := ""
	b.ReportAllocs()
	for b.Loop() {
		if n%32 == 0 {
			b.StopTimer()
			id = "T" + time.Duration(n).String()
			if _, err := svc.Open(ctx, "support", Ticket{ID: id, CustomerID: "c"}, cust); err != nil {
				b.Fatal(err)
			}
			if _, err := svc.Transition(ctx, id, "open", alice, ""); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		ev := "ask_customer"
		if n%2 == 1 {
			ev = "resume"
		}
		if _, err := svc.Transition(ctx, id, ev, alice, ""); err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// BenchmarkSLADue measures the SLA due computation in business hours (a
// Shanghai calendar with a lunch break) for a ticket with 8 history records
// including a wait on the customer: policy selection, replay of the history
// into the clocks, and the due instant.
func BenchmarkSLADue(b *testing.B) {
	cal := shanghaiHours(b)
	sla := mustSLA(b, Policy{Name: "biz", Calendar: cal, Targets: map[Priority]Targets{
		PriorityNormal: {FirstReply: time.Hour, NextReply: 2 * time.Hour, PeriodicUpdate: 4 * time.Hour, Resolution: 16 * time.Hour},
	}})
	d := GeneralSupport()
	tk := benchTicket(b, d)
	now := t0.Add(3 * time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = sla.DueAt(d, &tk, now)
	}
	if sinkTime.IsZero() {
		b.Fatal("no due time")
	}
}

// BenchmarkSLAEvaluate measures the full status (every clock's due instant).
func BenchmarkSLAEvaluate(b *testing.B) {
	cal := shanghaiHours(b)
	sla := mustSLA(b, Policy{Name: "biz", Calendar: cal, Targets: map[Priority]Targets{
		PriorityNormal: {FirstReply: time.Hour, NextReply: 2 * time.Hour, PeriodicUpdate: 4 * time.Hour, Resolution: 16 * time.Hour},
	}})
	d := GeneralSupport()
	tk := benchTicket(b, d)
	now := t0.Add(3 * time.Hour)
	b.ReportAllocs()
	var st Status
	for b.Loop() {
		st = sla.Evaluate(d, &tk, now)
	}
	sinkTime = st.Due
}
