package ticket_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/businesshours"
	"github.com/kefu-go/kefu/ticket"
)

// fakeClock is a settable clock for Service.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder is a Notifier that records notifications and can fail.
type recorder struct {
	mu   sync.Mutex
	sent []ticket.Notification
	fail error
}

func (r *recorder) Notify(ctx context.Context, n ticket.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.sent = append(r.sent, n)
	return nil
}

func (r *recorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, n := range r.sent {
		out = append(out, n.Text)
	}
	return out
}

var monday = time.Date(2026, 9, 28, 9, 0, 0, 0, time.UTC)

func TestServiceRefundFlow(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: monday}
	notes := &recorder{}
	svc := &ticket.Service{Notifier: notes, Now: clock.Now}
	res, err := svc.Open(ctx, "refund", ticket.Ticket{ID: "R-1", CustomerID: "c-42", Subject: "订单退款"}, ticket.Customer("c-42"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Notification == nil || res.NotifyErr != nil {
		t.Fatalf("open notification = %+v, %v", res.Notification, res.NotifyErr)
	}
	for _, step := range []struct {
		event string
		actor ticket.Actor
	}{
		{"review", ticket.Agent("alice")},
		{"approve", ticket.Agent("alice")},
		{"refund", ticket.System("finance")},
		{"close", ticket.System("finance")},
	} {
		clock.Add(time.Hour)
		if _, err := svc.Transition(ctx, "R-1", step.event, step.actor, ""); err != nil {
			t.Fatalf("%s: %v", step.event, err)
		}
	}
	want := []string{
		"您的退款申请已提交（单号 R-1），我们会尽快审核。",
		"您的退款申请正在审核中。",
		"您的退款申请已审核通过，已进入财务处理。",
		"退款已完成，款项将按原支付方式退回，请注意查收。",
	}
	if got := notes.texts(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("notifications:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	tk, err := svc.Get(ctx, "R-1")
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != ticket.StateClosed || tk.Version != 5 || len(tk.History) != 5 {
		t.Errorf("final ticket: %s v%d, %d records", tk.State, tk.Version, len(tk.History))
	}
	// Closed is terminal.
	if _, err := svc.Transition(ctx, "R-1", "close", ticket.System("x"), ""); !errors.Is(err, ticket.ErrInvalidTransition) {
		t.Errorf("transition on closed ticket err = %v", err)
	}
	if _, err := svc.Transition(ctx, "nope", "review", ticket.Agent("a"), ""); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("unknown ticket err = %v", err)
	}
	if _, err := svc.Open(ctx, "nope", ticket.Ticket{ID: "x"}, ticket.Agent("a")); !errors.Is(err, ticket.ErrInvalidTicket) {
		t.Errorf("unknown definition err = %v", err)
	}
	if _, err := svc.Open(ctx, "refund", ticket.Ticket{ID: "R-1"}, ticket.Agent("a")); !errors.Is(err, ticket.ErrExists) {
		t.Errorf("duplicate open err = %v", err)
	}
}

func TestServiceNotifierFailureKeepsTransition(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("wechat: 45015 response out of time limit")
	notes := &recorder{fail: boom}
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	svc := &ticket.Service{Notifier: notes, Now: func() time.Time { return monday }, Logger: logger}
	opened, err := svc.Open(ctx, "refund", ticket.Ticket{ID: "R-2", CustomerID: "13800138000"}, ticket.Customer("13800138000"))
	if err != nil {
		t.Fatalf("Open must not fail on a notifier error: %v", err)
	}
	if !errors.Is(opened.NotifyErr, boom) {
		t.Errorf("Open NotifyErr = %v", opened.NotifyErr)
	}
	if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "ticket=R-2") || strings.Contains(got, "13800138000") || strings.Contains(got, "退款") {
		t.Errorf("log = %q: want a warning naming the ticket, without the customer or the text", got)
	}
	res, err := svc.Transition(ctx, "R-2", "review", ticket.Agent("a"), "")
	if err != nil {
		t.Fatalf("Transition returned the notifier error: %v", err)
	}
	if !errors.Is(res.NotifyErr, boom) || res.Notification == nil {
		t.Errorf("NotifyErr = %v", res.NotifyErr)
	}
	tk, _ := svc.Get(ctx, "R-2")
	if tk.State != ticket.StateReviewing {
		t.Errorf("state = %s: the failed notification rolled back the transition", tk.State)
	}
	// Transitions without a message are not notified.
	res, err = svc.Transition(ctx, "R-2", "request_info", ticket.Agent("a"), "请上传付款截图")
	if err != nil || res.Notification == nil || res.Notification.Text != "审核需要您补充信息：请上传付款截图" {
		t.Errorf("request_info notification = %+v, %v", res.Notification, err)
	}
	notes.fail = nil
	res, _ = svc.Reply(ctx, "R-2", ticket.Customer("c"), "截图")
	if res.Notification != nil {
		t.Error("a reply was sent through the notifier")
	}
}

func TestServiceHooks(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var calls []string
	hook := func(name string, err error) ticket.Hook {
		return func(ctx context.Context, c ticket.Change) error {
			mu.Lock()
			calls = append(calls, name+":"+c.Record.Event+":"+c.Ticket.State)
			mu.Unlock()
			return err
		}
	}
	spec := ticket.RefundSpec()
	bad := errors.New("crm down")
	for i := range spec.States {
		s := &spec.States[i]
		s.OnEnter = hook("enter "+s.Name, nil)
		s.OnExit = hook("exit "+s.Name, nil)
	}
	spec.Transitions[0].OnTransition = hook("review", bad)
	spec.OnTransition = hook("any", nil)
	d, err := ticket.NewDefinition(spec)
	if err != nil {
		t.Fatal(err)
	}
	svc := &ticket.Service{Definitions: []*ticket.Definition{d}, Now: func() time.Time { return monday }}
	if _, err := svc.Open(ctx, "refund", ticket.Ticket{ID: "H"}, ticket.Customer("c")); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Transition(ctx, "H", "review", ticket.Agent("a"), "")
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res.HookErr, bad) {
		t.Errorf("HookErr = %v", res.HookErr)
	}
	want := "enter submitted::submitted|exit submitted:review:reviewing|review:review:reviewing|any:review:reviewing|enter reviewing:review:reviewing"
	if got := strings.Join(calls, "|"); got != want {
		t.Errorf("hook calls:\n%s\nwant\n%s", got, want)
	}
	// A refused transition calls no hook.
	calls = nil
	if _, err := svc.Transition(ctx, "H", "refund", ticket.Agent("a"), ""); !errors.Is(err, ticket.ErrInvalidTransition) || len(calls) != 0 {
		t.Errorf("refused transition: %v, hooks %v", err, calls)
	}
}

// conflictStore makes the first n updates fail with ErrConflict after letting
// a rival write win.
type conflictStore struct {
	*ticket.MemoryStore
	rival func()
	n     int
}

func (s *conflictStore) Update(ctx context.Context, t ticket.Ticket, expected int64, recs []ticket.Record) error {
	if s.n > 0 {
		s.n--
		s.rival()
	}
	return s.MemoryStore.Update(ctx, t, expected, recs)
}

func TestServiceConflicts(t *testing.T) {
	ctx := context.Background()
	mem := ticket.NewMemoryStore()
	cs := &conflictStore{MemoryStore: mem}
	svc := &ticket.Service{Store: cs, Now: func() time.Time { return monday }}
	other := &ticket.Service{Store: mem, Now: func() time.Time { return monday }}
	if _, err := svc.Open(ctx, "support", ticket.Ticket{ID: "S"}, ticket.Customer("c")); err != nil {
		t.Fatal(err)
	}
	cs.rival = func() {
		if _, err := other.Reply(ctx, "S", ticket.Customer("c"), "还在吗？"); err != nil {
			t.Error(err)
		}
	}
	// One conflict: Transition re-reads and applies to the fresh ticket.
	cs.n = 1
	res, err := svc.Transition(ctx, "S", "open", ticket.Agent("a"), "")
	if err != nil || res.Ticket.Version != 3 || res.Record.Seq != 3 {
		t.Fatalf("Transition after one conflict = v%d seq %d, %v", res.Ticket.Version, res.Record.Seq, err)
	}
	// TransitionVersion never retries.
	cs.n = 1
	_, err = svc.TransitionVersion(ctx, "S", 3, "solve", ticket.Agent("a"), "")
	if !errors.Is(err, ticket.ErrConflict) {
		t.Fatalf("TransitionVersion err = %v, want ErrConflict", err)
	}
	if _, err := svc.TransitionVersion(ctx, "S", 1, "solve", ticket.Agent("a"), ""); !errors.Is(err, ticket.ErrConflict) {
		t.Fatalf("TransitionVersion with an old version err = %v", err)
	}
	// Endless conflicts give up with ErrConflict; nothing of ours is written.
	cs.n = 100
	_, err = svc.Transition(ctx, "S", "solve", ticket.Agent("a"), "")
	if !errors.Is(err, ticket.ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	tk, _ := svc.Get(ctx, "S")
	if tk.State != ticket.StateOpen {
		t.Errorf("state = %s", tk.State)
	}
}

func TestServiceConcurrentTransitions(t *testing.T) {
	ctx := context.Background()
	svc := &ticket.Service{Now: func() time.Time { return monday }, Retries: 50}
	if _, err := svc.Open(ctx, "support", ticket.Ticket{ID: "C"}, ticket.Customer("c")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Reply(ctx, "C", ticket.Agent("a"), "hi"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	tk, _ := svc.Get(ctx, "C")
	if tk.Version != 21 || len(tk.History) != 21 {
		t.Errorf("version %d, %d records; want 21 (no lost update)", tk.Version, len(tk.History))
	}
}

func shanghai(t *testing.T) *businesshours.Calendar {
	t.Helper()
	var cfg struct{ Hours *businesshours.Calendar }
	err := jsonUnmarshal(`{"Hours":{"time_zone":"Asia/Shanghai","weekly":{
		"mon":["09:00-12:00","13:30-18:00"],"tue":["09:00-12:00","13:30-18:00"],"wed":["09:00-12:00","13:30-18:00"],
		"thu":["09:00-12:00","13:30-18:00"],"fri":["09:00-12:00","13:30-18:00"]}}}`, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Hours
}

func TestServiceCheckFiresOnlyInBusinessHours(t *testing.T) {
	ctx := context.Background()
	cal := shanghai(t)
	loc := cal.Location()
	sla, err := ticket.NewSLA(ticket.Policy{
		Name: "biz", Calendar: cal, WarnBefore: 30 * time.Minute,
		Targets: map[ticket.Priority]ticket.Targets{ticket.PriorityNormal: {FirstReply: 2 * time.Hour}},
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 9, 28, 16, 30, 0, 0, loc)} // Monday 16:30
	var fired []ticket.SLAEvent
	svc := &ticket.Service{SLA: sla, Now: clock.Now, OnSLA: func(ctx context.Context, e ticket.SLAEvent) { fired = append(fired, e) }}
	res, err := svc.Open(ctx, "support", ticket.Ticket{ID: "S-1"}, ticket.Customer("c"))
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 9, 29, 9, 30, 0, 0, loc) // 1.5h Monday + 0.5h Tuesday
	if !res.Ticket.DueAt.Equal(due) {
		t.Errorf("DueAt = %v, want %v", res.Ticket.DueAt, due)
	}
	if want := time.Date(2026, 9, 28, 18, 0, 0, 0, loc); !res.Ticket.AlertAt.Equal(want) {
		t.Errorf("AlertAt = %v, want %v (warning 30 business minutes before due)", res.Ticket.AlertAt, want)
	}
	check := func(at time.Time) []ticket.SLAEvent {
		t.Helper()
		clock.Set(at)
		evs, err := svc.Check(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	for _, quiet := range []time.Time{
		time.Date(2026, 9, 28, 17, 0, 0, 0, loc), // not yet
		time.Date(2026, 9, 28, 18, 5, 0, 0, loc), // warning due, but closed
		time.Date(2026, 9, 29, 3, 0, 0, 0, loc),  // 3 a.m.: nobody is paged
	} {
		if evs := check(quiet); len(evs) != 0 {
			t.Fatalf("Check(%v) fired %+v", quiet, evs)
		}
	}
	evs := check(time.Date(2026, 9, 29, 9, 1, 0, 0, loc))
	if len(evs) != 1 || evs[0].Kind != ticket.SLAWarning || evs[0].Metric != ticket.FirstReply || !evs[0].Due.Equal(due) || evs[0].TicketID != "S-1" {
		t.Fatalf("opening Check = %+v", evs)
	}
	if evs := check(time.Date(2026, 9, 29, 9, 2, 0, 0, loc)); len(evs) != 0 {
		t.Fatalf("warning fired twice: %+v", evs)
	}
	evs = check(time.Date(2026, 9, 29, 9, 31, 0, 0, loc))
	if len(evs) != 1 || evs[0].Kind != ticket.SLABreach {
		t.Fatalf("breach Check = %+v", evs)
	}
	if evs := check(time.Date(2026, 9, 29, 9, 40, 0, 0, loc)); len(evs) != 0 {
		t.Fatalf("breach fired twice: %+v", evs)
	}
	if len(fired) != 2 {
		t.Errorf("OnSLA called %d times, want 2", len(fired))
	}
	tk, _ := svc.Get(ctx, "S-1")
	kinds := []ticket.RecordKind{}
	for _, r := range tk.History {
		kinds = append(kinds, r.Kind)
	}
	if len(kinds) != 3 || kinds[1] != ticket.RecordSLAWarning || kinds[2] != ticket.RecordSLABreach {
		t.Errorf("history kinds = %v", kinds)
	}
	if !tk.AlertAt.IsZero() || !tk.DueAt.Equal(due) {
		t.Errorf("after breach: AlertAt %v DueAt %v", tk.AlertAt, tk.DueAt)
	}
	// Due and breached queries.
	breached, err := svc.Find(ctx, ticket.Query{DueBefore: clock.Now()})
	if err != nil || len(breached) != 1 {
		t.Errorf("breached query = %d tickets, %v", len(breached), err)
	}
	// The reply fulfils the clock: nothing is due any more.
	res, err = svc.Reply(ctx, "S-1", ticket.Agent("alice"), "您好")
	if err != nil || !res.Ticket.DueAt.IsZero() || !res.Ticket.AlertAt.IsZero() {
		t.Errorf("after reply: due %v alert %v, %v", res.Ticket.DueAt, res.Ticket.AlertAt, err)
	}
	st, err := svc.Status(ctx, "S-1")
	if err != nil || st.Breaches != 1 || st.FirstResponse != 2*time.Hour+10*time.Minute {
		t.Errorf("status = %+v, %v", st, err)
	}
}

func TestServiceRecomputeAndReport(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: monday}
	strict, _ := ticket.NewSLA(ticket.Policy{Name: "strict", Targets: map[ticket.Priority]ticket.Targets{ticket.PriorityNormal: {FirstReply: time.Hour}}})
	relaxed, _ := ticket.NewSLA(ticket.Policy{Name: "relaxed", Targets: map[ticket.Priority]ticket.Targets{ticket.PriorityNormal: {FirstReply: 4 * time.Hour}}})
	store := ticket.NewMemoryStore()
	svc := &ticket.Service{Store: store, SLA: strict, Now: clock.Now}
	for _, id := range []string{"a", "b", "c"} {
		if _, err := svc.Open(ctx, "support", ticket.Ticket{ID: id, CustomerID: "c1"}, ticket.Customer("c1")); err != nil {
			t.Fatal(err)
		}
	}
	clock.Add(30 * time.Minute)
	svc.Reply(ctx, "a", ticket.Agent("x"), "hi")
	clock.Add(2 * time.Hour)
	svc.Reply(ctx, "b", ticket.Agent("x"), "hi")
	svc.Transition(ctx, "a", "solve", ticket.Agent("x"), "done")
	svc.Transition(ctx, "a", "reopen", ticket.Customer("c1"), "")

	sum, per, err := svc.Report(ctx, ticket.Query{CustomerID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	want := ticket.Summary{Tickets: 3, Responded: 2, MeanFirstResponse: 90 * time.Minute, MaxFirstResponse: 150 * time.Minute,
		Reopens: 1, Breaches: 2, BreachedTickets: 2}
	if sum != want {
		t.Errorf("Report = %+v\nwant %+v", sum, want)
	}
	if !per["c"].Breached() || per["a"].Breached() {
		t.Errorf("per-ticket breaches wrong: %+v", per)
	}
	// After relaxing the policy, recomputation from history moves the due time.
	c, _ := svc.Get(ctx, "c")
	if want := monday.Add(time.Hour); !c.DueAt.Equal(want) {
		t.Fatalf("DueAt = %v, want %v", c.DueAt, want)
	}
	relaxedSvc := &ticket.Service{Store: store, SLA: relaxed, Now: clock.Now}
	c, err = relaxedSvc.Recompute(ctx, "c")
	if err != nil || !c.DueAt.Equal(monday.Add(4*time.Hour)) {
		t.Errorf("Recompute: DueAt %v, %v", c.DueAt, err)
	}
	// Recomputing again changes nothing and writes nothing.
	again, err := relaxedSvc.Recompute(ctx, "c")
	if err != nil || again.Version != c.Version {
		t.Errorf("second Recompute: version %d → %d, %v", c.Version, again.Version, err)
	}
	// The bulk form updates the rest: b is answered (nothing due), a is
	// reopened (nothing tracked beyond the first reply).
	clock.Add(time.Minute)
	n, err := relaxedSvc.RecomputeAll(ctx, ticket.Query{CustomerID: "c1"})
	if err != nil || n != 0 {
		t.Errorf("RecomputeAll = %d, %v; want 0 changed", n, err)
	}
	if n, err := svc.RecomputeAll(ctx, ticket.Query{CustomerID: "c1"}); err != nil || n != 1 {
		t.Errorf("RecomputeAll back to the strict policy = %d, %v; want 1 (c)", n, err)
	}
	if c, _ := svc.Get(ctx, "c"); !c.DueAt.Equal(monday.Add(time.Hour)) {
		t.Errorf("after RecomputeAll DueAt = %v", c.DueAt)
	}
	sum, _, _ = relaxedSvc.Report(ctx, ticket.Query{CustomerID: "c1"})
	if sum.Breaches != 0 {
		t.Errorf("breaches under the relaxed policy = %d, want 0", sum.Breaches)
	}
}

func TestServiceCheckBreachThenPause(t *testing.T) {
	ctx := context.Background()
	sla, _ := ticket.NewSLA(ticket.Policy{Name: "cal", Targets: map[ticket.Priority]ticket.Targets{
		ticket.PriorityNormal: {Resolution: time.Hour},
	}})
	clock := &fakeClock{t: monday}
	svc := &ticket.Service{SLA: sla, Now: clock.Now}
	if _, err := svc.Open(ctx, "refund", ticket.Ticket{ID: "P"}, ticket.Customer("c")); err != nil {
		t.Fatal(err)
	}
	if got, _ := svc.Due(ctx, monday.Add(time.Hour), 0); len(got) != 1 {
		t.Errorf("Due = %d tickets", len(got))
	}
	if got, _ := svc.Breached(ctx, monday.Add(30*time.Minute), 0); len(got) != 0 {
		t.Errorf("Breached before due = %d tickets", len(got))
	}
	clock.Set(monday.Add(2 * time.Hour)) // breached at +1h, nobody swept yet
	for _, ev := range []string{"review", "request_info"} {
		if _, err := svc.Transition(ctx, "P", ev, ticket.Agent("a"), ""); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := svc.Check(ctx, monday.Add(3*time.Hour))
	if err != nil || len(evs) != 1 || evs[0].Kind != ticket.SLABreach || evs[0].Metric != ticket.Resolution || !evs[0].Due.Equal(monday.Add(time.Hour)) {
		t.Fatalf("Check = %+v, %v; want the resolution breach although the clock is paused", evs, err)
	}
	if evs, _ := svc.Check(ctx, monday.Add(4*time.Hour)); len(evs) != 0 {
		t.Fatalf("second Check = %+v", evs)
	}
}

// TestServiceSLAHolidaysAndWorkingDays counts a first-reply target across
// the National Day holidays and a swapped working Saturday, and holds the
// breach alert back on the holiday morning.
func TestServiceSLAHolidaysAndWorkingDays(t *testing.T) {
	ctx := context.Background()
	var cfg struct{ Hours *businesshours.Calendar }
	err := jsonUnmarshal(`{"Hours":{"time_zone":"Asia/Shanghai","weekly":{
		"mon":["09:00-12:00","13:30-18:00"],"tue":["09:00-12:00","13:30-18:00"],"wed":["09:00-12:00","13:30-18:00"],
		"thu":["09:00-12:00","13:30-18:00"],"fri":["09:00-12:00","13:30-18:00"]},
		"holidays":["2026-10-01","2026-10-02","2026-10-05"],
		"working_days":[{"date":"2026-10-10","periods":["09:00-12:00"]}]}}`, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	cal := cfg.Hours
	loc := cal.Location()
	sla, err := ticket.NewSLA(ticket.Policy{Name: "cn", Calendar: cal,
		Targets: map[ticket.Priority]ticket.Targets{ticket.PriorityNormal: {FirstReply: 2 * time.Hour}}})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 9, 30, 17, 0, 0, 0, loc)} // Wednesday before the holidays
	svc := &ticket.Service{SLA: sla, Now: clock.Now}
	res, err := svc.Open(ctx, "support", ticket.Ticket{ID: "N-1"}, ticket.Customer("c"))
	if err != nil {
		t.Fatal(err)
	}
	// 1h on Wednesday; Thursday, Friday (holidays), the weekend and Monday
	// (holiday) are closed; the second hour is Tuesday 09:00–10:00.
	if want := time.Date(2026, 10, 6, 10, 0, 0, 0, loc); !res.Ticket.DueAt.Equal(want) {
		t.Errorf("DueAt = %v, want %v", res.Ticket.DueAt, want)
	}
	// Opened on the Friday before the working Saturday: 30 minutes Friday,
	// 30 minutes Saturday morning.
	clock.Set(time.Date(2026, 10, 9, 17, 30, 0, 0, loc))
	res, err = svc.Open(ctx, "support", ticket.Ticket{ID: "N-2", Priority: ticket.PriorityNormal}, ticket.Customer("c"))
	if err != nil {
		t.Fatal(err)
	}
	sla1h, _ := ticket.NewSLA(ticket.Policy{Name: "cn", Calendar: cal,
		Targets: map[ticket.Priority]ticket.Targets{ticket.PriorityNormal: {FirstReply: time.Hour}}})
	st := sla1h.Evaluate(ticket.GeneralSupport(), &res.Ticket, clock.Now())
	if want := time.Date(2026, 10, 10, 9, 30, 0, 0, loc); !st.Due.Equal(want) {
		t.Errorf("due across the working Saturday = %v, want %v", st.Due, want)
	}
	// N-1's breach is not announced on the holiday Monday at 10:00, only
	// on Tuesday once it is due.
	for _, at := range []time.Time{
		time.Date(2026, 10, 5, 10, 0, 0, 0, loc), // holiday
		time.Date(2026, 10, 6, 9, 59, 0, 0, loc), // one minute before due
	} {
		clock.Set(at)
		if evs, err := svc.Check(ctx, at); err != nil || len(evs) != 0 {
			t.Fatalf("Check(%v) = %+v, %v", at, evs, err)
		}
	}
	at := time.Date(2026, 10, 6, 10, 1, 0, 0, loc)
	clock.Set(at)
	evs, err := svc.Check(ctx, at)
	if err != nil || len(evs) != 1 || evs[0].TicketID != "N-1" || evs[0].Kind != ticket.SLABreach {
		t.Fatalf("Check on Tuesday = %+v, %v", evs, err)
	}
}

func TestServiceAssignAndPriority(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: monday}
	sla, _ := ticket.NewSLA(ticket.Policy{Name: "p", Targets: map[ticket.Priority]ticket.Targets{
		ticket.PriorityNormal: {FirstReply: 4 * time.Hour},
		ticket.PriorityUrgent: {FirstReply: 15 * time.Minute},
	}})
	svc := &ticket.Service{SLA: sla, Now: clock.Now}
	if _, err := svc.Open(ctx, "support", ticket.Ticket{ID: "A-1", CustomerID: "c"}, ticket.Customer("c")); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Open(ctx, "support", ticket.Ticket{ID: "A-2", CustomerID: "c"}, ticket.Customer("c")); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	res, err := svc.Assign(ctx, "A-1", "bob", ticket.System("router"), "skills: refund")
	if err != nil || res.Ticket.Assignee != "bob" || res.Record.Kind != ticket.RecordAssign || res.Record.Actor != ticket.System("router") {
		t.Fatalf("Assign = %+v, %v", res.Record, err)
	}
	// Raising the priority switches to the urgent target at once.
	res, err = svc.SetPriority(ctx, "A-1", ticket.PriorityUrgent, ticket.Agent("lead"), "VIP")
	if err != nil || res.Ticket.Priority != ticket.PriorityUrgent || !res.Ticket.DueAt.Equal(monday.Add(15*time.Minute)) {
		t.Fatalf("SetPriority = %+v due %v, %v", res.Record, res.Ticket.DueAt, err)
	}
	if _, err := svc.SetPriority(ctx, "A-1", "p0", ticket.Agent("lead"), ""); !errors.Is(err, ticket.ErrInvalidTicket) {
		t.Errorf("SetPriority(p0) err = %v", err)
	}
	got, err := svc.Find(ctx, ticket.Query{State: ticket.StateNew, Assignee: "bob"})
	if err != nil || len(got) != 1 || got[0].ID != "A-1" {
		t.Errorf("Find by state and assignee = %v, %v", got, err)
	}
	last, ok := got[0].Last()
	if !ok || last.Kind != ticket.RecordPriority || last.Value != "urgent" || last.Note != "VIP" {
		t.Errorf("Last = %+v, %v", last, ok)
	}
	if want := "#3 2026-09-28T09:01:00Z agent:lead priority =urgent \"VIP\""; last.String() != want {
		t.Errorf("Record.String = %q, want %q", last.String(), want)
	}
	if _, ok := (ticket.Ticket{}).Last(); ok {
		t.Error("Last of an empty history reported a record")
	}
	// Unassigning is recorded too.
	if res, err := svc.Assign(ctx, "A-1", "", ticket.Agent("bob"), "on leave"); err != nil || res.Ticket.Assignee != "" || res.Record.Value != "" {
		t.Errorf("unassign = %+v, %v", res.Record, err)
	}
}

// TestServiceAlertHours fires alerts of a 24-hour SLA only in the on-call
// hours when AlertHours is set.
func TestServiceAlertHours(t *testing.T) {
	ctx := context.Background()
	cal := shanghai(t)
	loc := cal.Location()
	sla, _ := ticket.NewSLA(ticket.Policy{Name: "24h", AlertHours: cal,
		Targets: map[ticket.Priority]ticket.Targets{ticket.PriorityNormal: {FirstReply: time.Hour}}})
	clock := &fakeClock{t: time.Date(2026, 9, 28, 23, 0, 0, 0, loc)} // Monday 23:00
	svc := &ticket.Service{SLA: sla, Now: clock.Now}
	res, err := svc.Open(ctx, "support", ticket.Ticket{ID: "N"}, ticket.Customer("c"))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 9, 29, 0, 0, 0, 0, loc); !res.Ticket.DueAt.Equal(want) {
		t.Errorf("calendar-hour DueAt = %v, want %v", res.Ticket.DueAt, want)
	}
	if evs, _ := svc.Check(ctx, time.Date(2026, 9, 29, 3, 0, 0, 0, loc)); len(evs) != 0 {
		t.Errorf("3 a.m. Check fired %+v", evs)
	}
	if evs, _ := svc.Check(ctx, time.Date(2026, 9, 29, 9, 0, 0, 0, loc)); len(evs) != 1 || !evs[0].Due.Equal(res.Ticket.DueAt) {
		t.Errorf("09:00 Check = %+v", evs)
	}
}
