package ticket

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestBuiltinsBuild(t *testing.T) {
	for _, spec := range []Spec{GeneralSupportSpec(), RefundSpec()} {
		if _, err := NewDefinition(spec); err != nil {
			t.Errorf("%s: %v", spec.Name, err)
		}
	}
}

func TestNewDefinitionRejects(t *testing.T) {
	base := func() Spec {
		return Spec{
			Name:    "m",
			Initial: "a",
			States:  []StateSpec{{Name: "a"}, {Name: "b"}, {Name: "z", Terminal: true}},
			Transitions: []TransitionSpec{
				{Event: "go", From: []string{"a"}, To: "b"},
				{Event: "end", From: []string{"b"}, To: "z"},
			},
		}
	}
	tests := []struct {
		name    string
		mod     func(*Spec)
		problem Problem
		state   string
		event   string
	}{
		{"no name", func(s *Spec) { s.Name = "" }, ProblemMissing, "", ""},
		{"no initial", func(s *Spec) { s.Initial = "" }, ProblemMissing, "", ""},
		{"unknown initial", func(s *Spec) { s.Initial = "x" }, ProblemUnknownState, "x", ""},
		{"unnamed state", func(s *Spec) { s.States = append(s.States, StateSpec{}) }, ProblemMissing, "", ""},
		{"duplicate state", func(s *Spec) { s.States = append(s.States, StateSpec{Name: "b"}) }, ProblemDuplicate, "b", ""},
		{"unknown target", func(s *Spec) { s.Transitions[0].To = "q" }, ProblemUnknownState, "q", "go"},
		{"unknown source", func(s *Spec) { s.Transitions[1].From = []string{"b", "q"} }, ProblemUnknownState, "q", "end"},
		{"no source", func(s *Spec) { s.Transitions[1].From = nil }, ProblemMissing, "", "end"},
		{"unnamed transition", func(s *Spec) { s.Transitions[0].Event = "" }, ProblemMissing, "b", ""},
		{"duplicate event from a state", func(s *Spec) {
			s.Transitions = append(s.Transitions, TransitionSpec{Event: "go", From: []string{"a"}, To: "z"})
		}, ProblemDuplicate, "a", "go"},
		{"unreachable", func(s *Spec) {
			s.States = append(s.States, StateSpec{Name: "island"})
			s.Transitions = append(s.Transitions, TransitionSpec{Event: "leave", From: []string{"island"}, To: "z"})
		}, ProblemUnreachable, "island", ""},
		{"dead end", func(s *Spec) {
			s.States = append(s.States, StateSpec{Name: "stuck"})
			s.Transitions = append(s.Transitions, TransitionSpec{Event: "trap", From: []string{"a"}, To: "stuck"})
		}, ProblemNoWayOut, "stuck", ""},
		{"cycle without exit", func(s *Spec) {
			s.States = append(s.States, StateSpec{Name: "p"}, StateSpec{Name: "q"})
			s.Transitions = append(s.Transitions,
				TransitionSpec{Event: "in", From: []string{"a"}, To: "p"},
				TransitionSpec{Event: "pq", From: []string{"p"}, To: "q"},
				TransitionSpec{Event: "qp", From: []string{"q"}, To: "p"})
		}, ProblemNoWayOut, "p", ""},
		{"no terminal state", func(s *Spec) {
			s.States[2].Terminal = false
			s.Transitions = append(s.Transitions, TransitionSpec{Event: "again", From: []string{"z"}, To: "a"})
		}, ProblemNoWayOut, "a", ""},
		{"exit from terminal", func(s *Spec) {
			s.Transitions = append(s.Transitions, TransitionSpec{Event: "undo", From: []string{"z"}, To: "a"})
		}, ProblemTerminalExit, "z", "undo"},
		{"unknown placeholder", func(s *Spec) { s.Transitions[0].Message = "hi {name}" }, ProblemTemplate, "", "go"},
		{"unclosed placeholder", func(s *Spec) { s.OpenMessage = "hi {id" }, ProblemTemplate, "a", ""},
		{"unknown actor kind", func(s *Spec) { s.Transitions[0].Actors = []ActorKind{"robot"} }, ProblemMissing, "", "go"},
		{"quote in a state name", func(s *Spec) {
			s.States[1].Name = `b"`
			s.Transitions[0].To, s.Transitions[1].From = `b"`, []string{`b"`}
		}, ProblemBadName, `b"`, ""},
		{"newline in an event", func(s *Spec) { s.Transitions[0].Event = "go\nnow" }, ProblemBadName, "", "go\nnow"},
		{"control character in the definition name", func(s *Spec) { s.Name = "m\x00" }, ProblemBadName, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.mod(&s)
			_, err := NewDefinition(s)
			if !errors.Is(err, ErrInvalidDefinition) {
				t.Fatalf("err = %v, want ErrInvalidDefinition", err)
			}
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("err %T is not a *DefinitionError", err)
			}
			if de.Problem != tt.problem || de.State != tt.state || de.Event != tt.event {
				t.Errorf("got problem %s state %q event %q, want %s %q %q (%v)", de.Problem, de.State, de.Event, tt.problem, tt.state, tt.event, err)
			}
		})
	}
	if _, err := NewDefinition(base()); err != nil {
		t.Fatalf("base spec: %v", err)
	}
}

func TestDefinitionCopiesSpec(t *testing.T) {
	s := RefundSpec()
	d, err := NewDefinition(s)
	if err != nil {
		t.Fatal(err)
	}
	s.Transitions[0].From[0] = StateFinance
	s.Transitions[0].Message = "changed"
	if got := d.Events(StateSubmitted); !slices.Equal(got, []string{"review"}) {
		t.Errorf("Events(submitted) = %v after mutating the spec", got)
	}
	if got := d.Spec().Transitions[0].Message; got == "changed" {
		t.Error("Spec() reflects a mutation of the input")
	}
}

var (
	t0    = time.Date(2026, 9, 28, 9, 0, 0, 0, time.UTC)
	alice = Agent("alice")
	cust  = Customer("c-42")
	bot   = System("bot")
)

func openRefund(t *testing.T) Ticket {
	t.Helper()
	tk, _, err := Refund().Open(Ticket{ID: "R-1", CustomerID: "c-42", Subject: "订单 A-1 退款", Fields: map[string]string{"amount": "99.00"}}, cust, t0)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestOpen(t *testing.T) {
	d := Refund()
	tk, rec, err := d.Open(Ticket{ID: "R-1", CustomerID: "c-42", Subject: "s"}, cust, t0)
	if err != nil {
		t.Fatal(err)
	}
	if tk.State != StateSubmitted || tk.Version != 1 || tk.Priority != PriorityNormal || tk.Definition != "refund" ||
		!tk.CreatedAt.Equal(t0) || !tk.UpdatedAt.Equal(t0) || len(tk.History) != 1 {
		t.Errorf("opened ticket = %+v", tk)
	}
	if rec.Seq != 1 || rec.Kind != RecordCreated || rec.To != StateSubmitted || rec.Actor != cust || !rec.Public {
		t.Errorf("created record = %+v", rec)
	}
	bad := []Ticket{
		{},
		{ID: "x", Priority: "sky-high"},
		{ID: "x", Version: 3},
		{ID: "x", History: []Record{{Seq: 1}}},
	}
	for _, draft := range bad {
		if _, _, err := d.Open(draft, cust, t0); !errors.Is(err, ErrInvalidTicket) {
			t.Errorf("Open(%+v) err = %v, want ErrInvalidTicket", draft, err)
		}
	}
	if _, _, err := d.Open(Ticket{ID: "x"}, Actor{Kind: "ghost"}, t0); !errors.Is(err, ErrInvalidTicket) {
		t.Errorf("Open with unknown actor err = %v", err)
	}
}

func TestApply(t *testing.T) {
	d := Refund()
	limit := errors.New("金额超过审批限额")
	guarded := RefundSpec()
	for i := range guarded.Transitions {
		if guarded.Transitions[i].Event == "approve" {
			guarded.Transitions[i].Guard = func(tk *Ticket, a Actor, now time.Time) error {
				if tk.Fields["amount"] == "99999.00" {
					return limit
				}
				return nil
			}
		}
	}
	gd, err := NewDefinition(guarded)
	if err != nil {
		t.Fatal(err)
	}
	support := GeneralSupport()

	at := func(state string, mod ...func(*Ticket)) Ticket {
		tk := openRefund(t)
		tk.State = state
		for _, m := range mod {
			m(&tk)
		}
		return tk
	}
	tests := []struct {
		name    string
		def     *Definition
		ticket  Ticket
		event   string
		actor   Actor
		wantTo  string
		wantErr error
	}{
		{"review", d, at(StateSubmitted), "review", alice, StateReviewing, nil},
		{"system may review", d, at(StateSubmitted), "review", bot, StateReviewing, nil},
		{"approve", d, at(StateReviewing), "approve", alice, StateFinance, nil},
		{"refund", d, at(StateFinance), "refund", bot, StateRefunded, nil},
		{"reject from finance", d, at(StateFinance), "reject", alice, StateRejected, nil},
		{"request info", d, at(StateReviewing), "request_info", alice, StateAwaitingCustomer, nil},
		{"customer provides info", d, at(StateAwaitingCustomer), "provide_info", cust, StateReviewing, nil},
		{"close refunded", d, at(StateRefunded), "close", bot, StateClosed, nil},
		{"customer may not approve", d, at(StateReviewing), "approve", cust, "", ErrInvalidTransition},
		{"approve from submitted", d, at(StateSubmitted), "approve", alice, "", ErrInvalidTransition},
		{"unknown event", d, at(StateReviewing), "teleport", alice, "", ErrInvalidTransition},
		{"terminal", d, at(StateClosed), "close", alice, "", ErrInvalidTransition},
		{"unknown state", d, at("limbo"), "review", alice, "", ErrInvalidTransition},
		{"other definition", support, at(StateSubmitted), "open", alice, "", ErrInvalidTransition},
		{"unknown actor", d, at(StateSubmitted), "review", Actor{Kind: "ghost"}, "", ErrInvalidTransition},
		{"guard allows", gd, at(StateReviewing), "approve", alice, StateFinance, nil},
		{"guard refuses", gd, at(StateReviewing, func(tk *Ticket) { tk.Fields = map[string]string{"amount": "99999.00"} }), "approve", alice, "", ErrGuardRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.ticket.Clone()
			now := t0.Add(time.Hour)
			got, rec, err := tt.def.Apply(tt.ticket, tt.event, tt.actor, now, "note")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got.State != tt.wantTo || got.Version != in.Version+1 || !got.UpdatedAt.Equal(now) || len(got.History) != len(in.History)+1 {
				t.Errorf("ticket after = state %s version %d updated %v history %d", got.State, got.Version, got.UpdatedAt, len(got.History))
			}
			want := Record{Seq: int64(len(in.History) + 1), Kind: RecordTransition, At: now, Actor: tt.actor, Event: tt.event,
				From: in.State, To: tt.wantTo, Note: "note", Public: tt.def.Message(&in, in.State, tt.event, "") != ""}
			if rec != want || got.History[len(got.History)-1] != want {
				t.Errorf("record = %+v, want %+v", rec, want)
			}
			if tt.ticket.State != in.State || tt.ticket.Version != in.Version || len(tt.ticket.History) != len(in.History) {
				t.Error("Apply modified its input")
			}
		})
	}

	// Guard errors name the transition and unwrap to the host's reason.
	_, _, err = gd.Apply(at(StateReviewing, func(tk *Ticket) { tk.Fields = map[string]string{"amount": "99999.00"} }), "approve", alice, t0, "")
	var ge *GuardError
	if !errors.As(err, &ge) || ge.Event != "approve" || ge.From != StateReviewing || ge.To != StateFinance || !errors.Is(err, limit) {
		t.Errorf("guard error = %#v", err)
	}
	var te *TransitionError
	_, _, err = d.Apply(at(StateSubmitted), "approve", alice, t0, "")
	if !errors.As(err, &te) || te.State != StateSubmitted || te.Event != "approve" || te.TicketID != "R-1" {
		t.Errorf("transition error = %#v", err)
	}
	t.Log(err)
}

func TestApplyNeverSharesHistory(t *testing.T) {
	d := Refund()
	tk := openRefund(t)
	tk.History = slices.Grow(tk.History, 10) // spare capacity
	a, _, err := d.Apply(tk, "review", alice, t0, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := d.Apply(tk, "review", bot, t0, "b")
	if err != nil {
		t.Fatal(err)
	}
	if a.History[1].Note != "a" || b.History[1].Note != "b" {
		t.Fatalf("two applies on one input share history: %q %q", a.History[1].Note, b.History[1].Note)
	}
}

func TestReplyAssignPriority(t *testing.T) {
	d := Refund()
	tk := openRefund(t)
	tk, rec, err := d.Reply(tk, alice, t0.Add(time.Minute), "您好")
	if err != nil || rec.Kind != RecordMessage || !rec.Public || rec.From != StateSubmitted || rec.To != StateSubmitted || tk.State != StateSubmitted || tk.Version != 2 {
		t.Fatalf("Reply = %+v, %+v, %v", tk, rec, err)
	}
	tk, rec, err = d.Assign(tk, "finance-team", bot, t0.Add(2*time.Minute), "routing")
	if err != nil || tk.Assignee != "finance-team" || rec.Value != "finance-team" || rec.Kind != RecordAssign {
		t.Fatalf("Assign = %+v, %v", rec, err)
	}
	tk, rec, err = d.SetPriority(tk, PriorityUrgent, alice, t0.Add(3*time.Minute), "vip")
	if err != nil || tk.Priority != PriorityUrgent || rec.Value != "urgent" || rec.Seq != 4 {
		t.Fatalf("SetPriority = %+v, %v", rec, err)
	}
	if _, _, err := d.SetPriority(tk, "p0", alice, t0, ""); !errors.Is(err, ErrInvalidTicket) {
		t.Errorf("SetPriority(p0) err = %v", err)
	}
	tk.State = StateClosed
	if _, _, err := d.Reply(tk, cust, t0, "hello?"); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("Reply on closed ticket err = %v", err)
	}
}

func TestMessages(t *testing.T) {
	d := Refund()
	tk := openRefund(t)
	tests := []struct{ from, event, note, want string }{
		{StateReviewing, "approve", "", "您的退款申请已审核通过，已进入财务处理。"},
		{StateReviewing, "reject", "超过退款期限", "很抱歉，您的退款申请未通过：超过退款期限"},
		{StateRefunded, "close", "", ""},
		{StateReviewing, "nope", "", ""},
	}
	for _, tt := range tests {
		if got := d.Message(&tk, tt.from, tt.event, tt.note); got != tt.want {
			t.Errorf("Message(%s, %s) = %q, want %q", tt.from, tt.event, got, tt.want)
		}
	}
	got := render("{id}/{subject}/{from}/{to}/{event}/{note}/{field:amount}/{field:none}", &tk, &Record{From: "a", To: "b", Event: "e", Note: "n"})
	if want := "R-1/订单 A-1 退款/a/b/e/n/99.00/"; got != want {
		t.Errorf("render = %q, want %q", got, want)
	}
}

// aftersales is a host-defined definition in Chinese, with names that are not
// identifiers, for the export golden files.
func aftersales(t *testing.T) *Definition {
	t.Helper()
	d, err := NewDefinition(Spec{
		Name:    "售后",
		Initial: "待受理",
		States: []StateSpec{
			{Name: "待受理"}, {Name: "处理中"}, {Name: "等待客户", Waiting: true},
			{Name: "s0"}, {Name: "已解决", Resolved: true, Terminal: true},
		},
		Transitions: []TransitionSpec{
			{Event: "受理", From: []string{"待受理"}, To: "处理中"},
			{Event: "ask customer", From: []string{"处理中"}, To: "等待客户"},
			{Event: "客户回复", From: []string{"等待客户"}, To: "处理中"},
			{Event: "escalate: L2", From: []string{"处理中"}, To: "s0"},
			{Event: "解决", From: []string{"处理中", "s0"}, To: "已解决"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestExportGolden(t *testing.T) {
	for file, d := range map[string]*Definition{"support": GeneralSupport(), "refund": Refund(), "aftersales": aftersales(t)} {
		for ext, got := range map[string]string{"dot": d.DOT(), "mmd": d.Mermaid()} {
			path := filepath.Join("testdata", file+"."+ext)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file (run go test -update after checking):\n%s", path, got)
			}
		}
	}
}

// TestApplyGeneralSupport is the table of every built-in support transition
// and the refusals around it: the step is a pure function of (ticket, event,
// actor, now).
func TestApplyGeneralSupport(t *testing.T) {
	d := GeneralSupport()
	base, _, err := d.Open(Ticket{ID: "S-1", CustomerID: "c-42", Subject: "登录不了"}, cust, t0)
	if err != nil {
		t.Fatal(err)
	}
	in := func(state string) Ticket {
		tk := base
		tk.State = state
		return tk
	}
	now := t0.Add(90 * time.Minute)
	tests := []struct {
		from, event string
		actor       Actor
		wantTo      string
		wantErr     error
	}{
		{StateNew, "open", alice, StateOpen, nil},
		{StateNew, "open", bot, StateOpen, nil},
		{StateNew, "ask_customer", alice, StatePending, nil},
		{StateNew, "solve", alice, StateSolved, nil},
		{StateOpen, "ask_customer", alice, StatePending, nil},
		{StateOpen, "hold", alice, StateOnHold, nil},
		{StateOpen, "solve", bot, StateSolved, nil},
		{StatePending, "resume", cust, StateOpen, nil},
		{StatePending, "hold", alice, StateOnHold, nil},
		{StatePending, "solve", alice, StateSolved, nil},
		{StateOnHold, "resume", alice, StateOpen, nil},
		{StateOnHold, "ask_customer", alice, StatePending, nil},
		{StateOnHold, "solve", alice, StateSolved, nil},
		{StateSolved, "reopen", cust, StateOpen, nil},
		{StateSolved, "reopen", alice, StateOpen, nil},
		{StateSolved, "close", bot, StateClosed, nil},
		// Refusals.
		{StateNew, "open", cust, "", ErrInvalidTransition},         // customers cannot accept their own ticket
		{StateOpen, "ask_customer", bot, "", ErrInvalidTransition}, // only agents ask the customer
		{StateOpen, "solve", cust, "", ErrInvalidTransition},
		{StateSolved, "close", cust, "", ErrInvalidTransition},
		{StateNew, "reopen", cust, "", ErrInvalidTransition},
		{StateOpen, "close", alice, "", ErrInvalidTransition},
		{StateClosed, "reopen", cust, "", ErrInvalidTransition}, // terminal
		{StatePending, "open", alice, "", ErrInvalidTransition},
	}
	for _, tt := range tests {
		t.Run(tt.from+"/"+tt.event+"/"+string(tt.actor.Kind), func(t *testing.T) {
			tk := in(tt.from)
			got, rec, err := d.Apply(tk, tt.event, tt.actor, now, "n")
			if tt.wantErr != nil {
				var te *TransitionError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &te) || te.State != tt.from || te.Event != tt.event {
					t.Fatalf("err = %v, want a *TransitionError for %s in %s", err, tt.event, tt.from)
				}
				if got.State != tt.from || got.Version != tk.Version || len(got.History) != len(tk.History) {
					t.Errorf("refused step changed the ticket: %s v%d %d records", got.State, got.Version, len(got.History))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Record{Seq: 2, Kind: RecordTransition, At: now, Actor: tt.actor, Event: tt.event, From: tt.from, To: tt.wantTo,
				Note: "n", Public: d.Message(&tk, tt.from, tt.event, "") != ""}
			if got.State != tt.wantTo || got.Version != 2 || !got.UpdatedAt.Equal(now) || rec != want || got.History[1] != want {
				t.Errorf("Apply = state %s v%d, record %+v; want %s, %+v", got.State, got.Version, rec, tt.wantTo, want)
			}
			// Pure: the same inputs give the same outputs.
			again, rec2, err := d.Apply(tk, tt.event, tt.actor, now, "n")
			if err != nil || rec2 != rec || again.State != got.State || again.Version != got.Version || again.History[1] != got.History[1] {
				t.Errorf("second Apply with the same inputs differs: %+v, %v", rec2, err)
			}
		})
	}
	// Every event of the definition is covered above.
	covered := map[string]bool{}
	for _, tt := range tests {
		if tt.wantErr == nil {
			covered[tt.from+"/"+tt.event] = true
		}
	}
	for _, s := range d.Spec().States {
		for _, ev := range d.Events(s.Name) {
			if !covered[s.Name+"/"+ev] {
				t.Errorf("transition %s from %s is not in the table", ev, s.Name)
			}
		}
	}
}

// TestRefundFlowStates walks the refund definition's documented paths:
// submitted → reviewing → finance → refunded → closed, and the rejections.
func TestRefundFlowStates(t *testing.T) {
	d := Refund()
	paths := map[string][]string{
		"refunded":             {"review", "approve", "refund", "close"},
		"rejected in review":   {"review", "reject", "close"},
		"rejected by finance":  {"review", "approve", "reject", "close"},
		"info asked, refunded": {"review", "request_info", "provide_info", "approve", "refund", "close"},
	}
	for name, events := range paths {
		tk := openRefund(t)
		var states []string
		for i, ev := range events {
			actor := alice
			if ev == "provide_info" {
				actor = cust
			}
			var err error
			if tk, _, err = d.Apply(tk, ev, actor, t0.Add(time.Duration(i+1)*time.Hour), ""); err != nil {
				t.Fatalf("%s: %s: %v", name, ev, err)
			}
			states = append(states, tk.State)
		}
		if tk.State != StateClosed {
			t.Errorf("%s ends in %s", name, tk.State)
		}
		if ev := d.Events(tk.State); ev != nil {
			t.Errorf("%s: closed still allows %v", name, ev)
		}
		t.Logf("%s: %v", name, states)
	}
}

func TestDefinitionAccessorsAndErrorText(t *testing.T) {
	d := Refund()
	tk := openRefund(t)
	if err := d.Can(tk, "review", alice, t0); err != nil {
		t.Errorf("Can(review) = %v", err)
	}
	if err := d.Can(tk, "refund", alice, t0); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("Can(refund) = %v", err)
	}
	if s, ok := d.State(StateAwaitingCustomer); !ok || !s.Waiting || s.Terminal {
		t.Errorf("State(awaiting_customer) = %+v, %v", s, ok)
	}
	if _, ok := d.State("nope"); ok {
		t.Error("State(nope) found")
	}
	if d.Initial() != StateSubmitted || d.Name() != "refund" {
		t.Errorf("Initial %q Name %q", d.Initial(), d.Name())
	}
	_, err := NewDefinition(Spec{Name: "m", Initial: "a", States: []StateSpec{{Name: "a"}, {Name: "z", Terminal: true}},
		Transitions: []TransitionSpec{{Event: "go", From: []string{"a"}, To: "q"}}})
	if want := `ticket: definition "m": unknown state: transition "go": state "q": target state is not defined`; err == nil || err.Error() != want {
		t.Errorf("error text = %v, want %s", err, want)
	}
	ge := &GuardError{TicketID: "R-1", Event: "approve", From: "reviewing", To: "finance", Reason: errors.New("金额超限")}
	if want := "ticket: R-1: approve (reviewing → finance) refused: 金额超限"; ge.Error() != want {
		t.Errorf("GuardError = %q", ge.Error())
	}
	if ProblemBadName.String() != "bad name" || Problem(99).String() != "problem(99)" {
		t.Errorf("Problem strings: %s, %s", ProblemBadName, Problem(99))
	}
	for m := FirstReply; m <= Resolution; m++ {
		if got, ok := ParseMetric(m.String()); !ok || got != m {
			t.Errorf("ParseMetric(%s) = %v, %v", m, got, ok)
		}
	}
	if _, ok := ParseMetric("nope"); ok || Metric(9).String() != "metric(9)" || ClockState(9).String() != "unknown" {
		t.Error("unknown metric or clock state accepted")
	}
}
