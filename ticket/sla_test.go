package ticket

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kefu-go/kefu/businesshours"
)

func shanghaiHours(t testing.TB) *businesshours.Calendar {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	var s businesshours.Schedule
	s.Location = loc
	for d := time.Monday; d <= time.Friday; d++ {
		s.Weekly[d] = []businesshours.Period{
			{Start: businesshours.Clock(9, 0), End: businesshours.Clock(12, 0)},
			{Start: businesshours.Clock(13, 30), End: businesshours.Clock(18, 0)},
		}
	}
	c, err := businesshours.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustSLA(t testing.TB, ps ...Policy) *SLA {
	t.Helper()
	s, err := NewSLA(ps...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// play applies steps to a fresh refund ticket opened at t0.
type stepFn func(d *Definition, tk Ticket) (Ticket, Record, error)

func apply(ev string, a Actor, at time.Duration) stepFn {
	return func(d *Definition, tk Ticket) (Ticket, Record, error) { return d.Apply(tk, ev, a, t0.Add(at), "") }
}

func reply(a Actor, at time.Duration) stepFn {
	return func(d *Definition, tk Ticket) (Ticket, Record, error) { return d.Reply(tk, a, t0.Add(at), "msg") }
}

func play(t *testing.T, d *Definition, tk Ticket, steps ...stepFn) Ticket {
	t.Helper()
	for i, s := range steps {
		var err error
		tk, _, err = s(d, tk)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	return tk
}

func TestSLAEvaluateCalendarHours(t *testing.T) {
	sla := mustSLA(t, Policy{Name: "default", Targets: map[Priority]Targets{
		PriorityNormal: {FirstReply: time.Hour, NextReply: 2 * time.Hour, Resolution: 8 * time.Hour},
	}})
	d := Refund()
	h := time.Hour
	tk := openRefund(t)

	st := sla.Evaluate(d, &tk, t0.Add(30*time.Minute))
	if c := st.Clock(FirstReply); c.State != ClockRunning || c.Elapsed != 30*time.Minute || !c.Due.Equal(t0.Add(h)) || c.Instance != 1 {
		t.Errorf("first reply at +30m = %+v", c)
	}
	if !st.Due.Equal(t0.Add(h)) || st.Policy != "default" {
		t.Errorf("Due = %v, policy %q", st.Due, st.Policy)
	}
	if got := sla.DueAt(d, &tk, t0.Add(30*time.Minute)); !got.Equal(t0.Add(h)) {
		t.Errorf("DueAt = %v", got)
	}

	tk = play(t, d, tk,
		reply(alice, 45*time.Minute), // first response
		reply(cust, h),               // starts next reply (seq 3)
	)
	st = sla.Evaluate(d, &tk, t0.Add(h+10*time.Minute))
	if !st.Responded || st.FirstResponse != 45*time.Minute || st.Clock(FirstReply).State != ClockMet {
		t.Errorf("after reply: responded %v in %v, clock %+v", st.Responded, st.FirstResponse, st.Clock(FirstReply))
	}
	if c := st.Clock(NextReply); c.State != ClockRunning || c.Instance != 3 || !c.Due.Equal(t0.Add(3*h)) {
		t.Errorf("next reply = %+v", c)
	}
	if !st.Due.Equal(t0.Add(3 * h)) {
		t.Errorf("Due = %v, want +3h", st.Due)
	}

	tk = play(t, d, tk,
		apply("review", alice, 90*time.Minute),      // public agent transition: answers the customer
		apply("request_info", alice, 2*h),           // waiting on the customer: clocks pause
		apply("provide_info", cust, 5*h),            // resumes after 3 paused hours
		apply("approve", alice, 6*h),                // finance
		apply("refund", System("finance-bot"), 7*h), // resolved
	)
	paused := sla.Evaluate(d, &Ticket{Definition: tk.Definition, History: tk.History[:5], Priority: tk.Priority}, t0.Add(4*h))
	if c := paused.Clock(Resolution); c.State != ClockPaused || c.Elapsed != 2*h || !c.Due.IsZero() {
		t.Errorf("resolution while waiting = %+v", c)
	}
	if !paused.Due.IsZero() {
		t.Errorf("Due while waiting = %v, want zero", paused.Due)
	}
	st = sla.Evaluate(d, &tk, t0.Add(24*h))
	if !st.Resolved || st.Resolution != 4*h || st.Clock(Resolution).State != ClockMet {
		t.Errorf("resolution = %v %v %+v, want 4h (7h minus 3h waiting)", st.Resolved, st.Resolution, st.Clock(Resolution))
	}
	if st.Clock(NextReply).State != ClockMet || st.Breaches != 0 || !st.Due.IsZero() {
		t.Errorf("final: next reply %+v, breaches %d, due %v", st.Clock(NextReply), st.Breaches, st.Due)
	}
}

func TestSLABreaches(t *testing.T) {
	sla := mustSLA(t, Policy{Name: "p", Targets: map[Priority]Targets{
		PriorityNormal: {FirstReply: time.Hour, PeriodicUpdate: 2 * time.Hour, Resolution: 3 * time.Hour},
	}})
	d := GeneralSupport()
	h := time.Hour
	tk, _, err := d.Open(Ticket{ID: "S-1", CustomerID: "c"}, cust, t0)
	if err != nil {
		t.Fatal(err)
	}
	st := sla.Evaluate(d, &tk, t0.Add(2*h))
	if c := st.Clock(FirstReply); !c.Breached || !c.Due.Equal(t0.Add(h)) || c.State != ClockRunning {
		t.Errorf("unanswered first reply = %+v", c)
	}
	if st.Breaches != 1 || !st.Due.Equal(t0.Add(h)) {
		t.Errorf("breaches %d due %v", st.Breaches, st.Due)
	}
	tk = play(t, d, tk, reply(alice, 2*h+30*time.Minute))
	st = sla.Evaluate(d, &tk, t0.Add(5*h))
	// first reply breached (met late), periodic update breached (no update
	// for 2.5h), resolution breached (5h > 3h).
	if st.Breaches != 3 {
		t.Errorf("breaches = %d, want 3: %+v", st.Breaches, st.Clocks)
	}
	if c := st.Clock(FirstReply); c.State != ClockMet || !c.Breached || c.Elapsed != 2*h+30*time.Minute {
		t.Errorf("first reply = %+v", c)
	}
	if c := st.Clock(PeriodicUpdate); !c.Breached || !c.Due.Equal(t0.Add(4*h+30*time.Minute)) {
		t.Errorf("periodic update = %+v", c)
	}
	// Earliest breached due of running clocks.
	if !st.Due.Equal(t0.Add(3 * h)) {
		t.Errorf("Due = %v, want resolution due +3h", st.Due)
	}
}

func TestSLAReopen(t *testing.T) {
	sla := mustSLA(t, Policy{Name: "p", Targets: map[Priority]Targets{PriorityNormal: {Resolution: 10 * time.Hour}}})
	d := GeneralSupport()
	h := time.Hour
	tk, _, _ := d.Open(Ticket{ID: "S-2"}, cust, t0)
	tk = play(t, d, tk,
		apply("open", alice, h),
		apply("solve", alice, 2*h),
		apply("reopen", cust, 5*h),
		apply("solve", alice, 6*h),
	)
	st := sla.Evaluate(d, &tk, t0.Add(8*h))
	if st.Reopens != 1 || !st.Resolved || st.Resolution != 3*h {
		t.Errorf("reopens %d resolved %v resolution %v; want 1, true, 3h (2h + 1h)", st.Reopens, st.Resolved, st.Resolution)
	}
	reopened := Ticket{Definition: tk.Definition, History: tk.History[:4]}
	st = sla.Evaluate(d, &reopened, t0.Add(5*h+30*time.Minute))
	if c := st.Clock(Resolution); c.State != ClockRunning || c.Elapsed != 2*h+30*time.Minute || !c.Due.Equal(t0.Add(13*h)) {
		t.Errorf("resolution after reopen = %+v", c)
	}
}

func TestSLABusinessHours(t *testing.T) {
	cal := shanghaiHours(t)
	sla := mustSLA(t, Policy{Name: "biz", Calendar: cal, Targets: map[Priority]Targets{
		PriorityNormal: {FirstReply: time.Hour, Resolution: 8 * time.Hour},
		PriorityUrgent: {FirstReply: 15 * time.Minute},
	}})
	d := Refund()
	loc := cal.Location()
	friday := time.Date(2026, 9, 25, 17, 30, 0, 0, loc)
	tk, _, err := d.Open(Ticket{ID: "B-1"}, cust, friday)
	if err != nil {
		t.Fatal(err)
	}
	sat := time.Date(2026, 9, 26, 11, 0, 0, 0, loc)
	st := sla.Evaluate(d, &tk, sat)
	want := time.Date(2026, 9, 28, 9, 30, 0, 0, loc)
	if c := st.Clock(FirstReply); c.Elapsed != 30*time.Minute || !c.Due.Equal(want) {
		t.Errorf("first reply on Saturday = elapsed %v due %v, want 30m and %v", c.Elapsed, c.Due, want)
	}
	// A reply on Monday 09:10 took 40 business minutes.
	tk = play(t, d, tk, func(d *Definition, tk Ticket) (Ticket, Record, error) {
		return d.Reply(tk, alice, time.Date(2026, 9, 28, 9, 10, 0, 0, loc), "您好")
	})
	st = sla.Evaluate(d, &tk, time.Date(2026, 9, 28, 10, 0, 0, 0, loc))
	if st.FirstResponse != 40*time.Minute || st.Breaches != 0 {
		t.Errorf("first response %v breaches %d", st.FirstResponse, st.Breaches)
	}
	// Urgent tickets use their own targets; missing metrics are not tracked.
	urgent, _, _ := d.Open(Ticket{ID: "B-2", Priority: PriorityUrgent}, cust, friday)
	st = sla.Evaluate(d, &urgent, sat)
	if !st.Clock(FirstReply).Breached || st.Clock(Resolution).Target != 0 || st.Breaches != 1 {
		t.Errorf("urgent = %+v", st.Clocks)
	}
	// Low has no entry and falls back to normal.
	low, _, _ := d.Open(Ticket{ID: "B-3", Priority: PriorityLow}, cust, friday)
	if got := sla.Evaluate(d, &low, sat).Clock(Resolution).Target; got != 8*time.Hour {
		t.Errorf("low resolution target = %v", got)
	}
}

func TestSLAPolicySelection(t *testing.T) {
	vip := func(tk *Ticket) bool { return slices.Contains(tk.Tags, "vip") }
	sla := mustSLA(t,
		Policy{Name: "vip", When: vip, Targets: map[Priority]Targets{PriorityNormal: {FirstReply: 10 * time.Minute}}},
		Policy{Name: "refunds", When: func(tk *Ticket) bool { return tk.Definition == "refund" }},
		Policy{Name: "default"},
	)
	for _, tt := range []struct {
		tk   Ticket
		want string
	}{
		{Ticket{Tags: []string{"vip"}, Definition: "refund"}, "vip"},
		{Ticket{Definition: "refund"}, "refunds"},
		{Ticket{Definition: "support"}, "default"},
	} {
		if got := sla.Policy(&tt.tk); got == nil || got.Name != tt.want {
			t.Errorf("Policy(%+v) = %v, want %s", tt.tk, got, tt.want)
		}
	}
	var none *SLA
	if none.Policy(&Ticket{}) != nil {
		t.Error("nil SLA returned a policy")
	}
	noDefault := mustSLA(t, Policy{Name: "vip", When: vip})
	if noDefault.Policy(&Ticket{}) != nil {
		t.Error("policy without default matched")
	}
}

func TestNewSLARejects(t *testing.T) {
	tests := map[string][]Policy{
		"none":             nil,
		"no name":          {{}},
		"duplicate":        {{Name: "a", When: func(*Ticket) bool { return true }}, {Name: "a"}},
		"default not last": {{Name: "a"}, {Name: "b"}},
		"negative target":  {{Name: "a", Targets: map[Priority]Targets{PriorityHigh: {FirstReply: -time.Minute}}}},
		"unknown priority": {{Name: "a", Targets: map[Priority]Targets{"p0": {}}}},
		"negative warn":    {{Name: "a", WarnBefore: -1}},
	}
	for name, ps := range tests {
		if _, err := NewSLA(ps...); !errors.Is(err, ErrInvalidPolicy) {
			t.Errorf("%s: err = %v, want ErrInvalidPolicy", name, err)
		}
	}
}

func TestSLARecomputedFromHistory(t *testing.T) {
	d := Refund()
	tk := openRefund(t)
	a := mustSLA(t, Policy{Name: "a", Targets: map[Priority]Targets{PriorityNormal: {FirstReply: time.Hour}}})
	b := mustSLA(t, Policy{Name: "b", Targets: map[Priority]Targets{PriorityNormal: {FirstReply: 4 * time.Hour}}})
	now := t0.Add(2 * time.Hour)
	if st := a.Evaluate(d, &tk, now); !st.Breached() {
		t.Error("policy a: not breached")
	}
	if st := b.Evaluate(d, &tk, now); st.Breached() || !st.Due.Equal(t0.Add(4*time.Hour)) {
		t.Errorf("policy b after change: %+v", st)
	}
	// Without any SLA the metrics are still derived.
	tk = play(t, d, tk, reply(alice, 20*time.Minute))
	var none *SLA
	if st := none.Evaluate(d, &tk, now); !st.Responded || st.FirstResponse != 20*time.Minute || !st.Due.IsZero() {
		t.Errorf("nil SLA status = %+v", st)
	}
}

func TestSummarize(t *testing.T) {
	s := Summarize([]Status{
		{Responded: true, FirstResponse: time.Hour, Resolved: true, Resolution: 4 * time.Hour, Breaches: 2},
		{Responded: true, FirstResponse: 3 * time.Hour, Reopens: 1},
		{},
	})
	want := Summary{Tickets: 3, Responded: 2, MeanFirstResponse: 2 * time.Hour, MaxFirstResponse: 3 * time.Hour,
		Resolved: 1, MeanResolution: 4 * time.Hour, Reopens: 1, Breaches: 2, BreachedTickets: 1}
	if s != want {
		t.Errorf("Summarize = %+v, want %+v", s, want)
	}
}

// TestSLANextReplyAfterCustomerTransition starts the next-reply clock when
// the customer supplies the information asked for, and not before.
func TestSLANextReplyAfterCustomerTransition(t *testing.T) {
	sla := mustSLA(t, Policy{Name: "p", Targets: map[Priority]Targets{PriorityNormal: {NextReply: time.Hour}}})
	d := Refund()
	h := time.Hour
	tk := play(t, d, openRefund(t),
		apply("review", alice, 10*time.Minute),       // seq 2: first reply
		apply("request_info", alice, 20*time.Minute), // seq 3
	)
	if c := sla.Evaluate(d, &tk, t0.Add(3*h)).Clock(NextReply); c.State != ClockOff {
		t.Fatalf("next reply while waiting on the customer = %+v", c)
	}
	tk = play(t, d, tk, apply("provide_info", cust, 2*h)) // seq 4
	st := sla.Evaluate(d, &tk, t0.Add(2*h+30*time.Minute))
	if c := st.Clock(NextReply); c.State != ClockRunning || c.Instance != 4 || !c.Due.Equal(t0.Add(3*h)) {
		t.Errorf("next reply after provide_info = %+v", c)
	}
	tk = play(t, d, tk, apply("approve", alice, 2*h+45*time.Minute))
	if c := sla.Evaluate(d, &tk, t0.Add(4*h)).Clock(NextReply); c.State != ClockMet || c.Elapsed != 45*time.Minute || c.Breached {
		t.Errorf("next reply after approve = %+v", c)
	}
}
