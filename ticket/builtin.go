package ticket

// States of GeneralSupport.
const (
	StateNew     = "new"
	StateOpen    = "open"
	StatePending = "pending" // waiting on the customer: SLA clocks pause
	StateOnHold  = "on-hold" // waiting on a third party: SLA clocks keep running
	StateSolved  = "solved"
	StateClosed  = "closed"
)

// States of Refund.
const (
	StateSubmitted        = "submitted"
	StateReviewing        = "reviewing"
	StateAwaitingCustomer = "awaiting_customer" // more information asked of the customer: SLA clocks pause
	StateFinance          = "finance"
	StateRefunded         = "refunded"
	StateRejected         = "rejected"
	// The refund flow ends in StateClosed too.
)

// GeneralSupportSpec returns the spec of the general support definition,
// named "support": new → open ⇄ pending / on-hold → solved → closed, with
// reopen from solved. pending waits on the customer (SLA paused); on-hold
// waits on a third party (SLA running, as the company still owns the
// problem); solved is resolved; closed is terminal. Change a copy and build it
// with NewDefinition to adapt it.
func GeneralSupportSpec() Spec {
	return Spec{
		Name:        "support",
		Initial:     StateNew,
		OpenMessage: "您的问题已收到（工单号 {id}），我们会尽快回复。",
		States: []StateSpec{
			{Name: StateNew},
			{Name: StateOpen},
			{Name: StatePending, Waiting: true},
			{Name: StateOnHold},
			{Name: StateSolved, Resolved: true},
			{Name: StateClosed, Resolved: true, Terminal: true},
		},
		Transitions: []TransitionSpec{
			{Event: "open", From: []string{StateNew}, To: StateOpen, Actors: []ActorKind{ActorAgent, ActorSystem},
				Message: "您的工单 {id} 已由客服受理。"},
			{Event: "ask_customer", From: []string{StateNew, StateOpen, StateOnHold}, To: StatePending, Actors: []ActorKind{ActorAgent},
				Message: "我们需要您补充一些信息：{note}"},
			{Event: "hold", From: []string{StateOpen, StatePending}, To: StateOnHold, Actors: []ActorKind{ActorAgent, ActorSystem}},
			{Event: "resume", From: []string{StatePending, StateOnHold}, To: StateOpen},
			{Event: "solve", From: []string{StateNew, StateOpen, StatePending, StateOnHold}, To: StateSolved, Actors: []ActorKind{ActorAgent, ActorSystem},
				Message: "您的问题已解决：{note}。如仍有疑问，直接回复即可重新打开。"},
			{Event: "reopen", From: []string{StateSolved}, To: StateOpen,
				Message: "您的工单 {id} 已重新打开，我们会继续跟进。"},
			{Event: "close", From: []string{StateSolved}, To: StateClosed, Actors: []ActorKind{ActorAgent, ActorSystem}},
		},
	}
}

// RefundSpec returns the spec of the refund definition, named "refund":
// submitted → reviewing → finance → refunded, or reviewing/finance →
// rejected, then → closed; reviewing may ask the customer for more
// information (awaiting_customer, SLA paused). Every step the customer cares
// about has a Chinese default message, for example
// "您的退款申请已审核通过，已进入财务处理。".
func RefundSpec() Spec {
	staff := []ActorKind{ActorAgent, ActorSystem}
	return Spec{
		Name:        "refund",
		Initial:     StateSubmitted,
		OpenMessage: "您的退款申请已提交（单号 {id}），我们会尽快审核。",
		States: []StateSpec{
			{Name: StateSubmitted},
			{Name: StateReviewing},
			{Name: StateAwaitingCustomer, Waiting: true},
			{Name: StateFinance},
			{Name: StateRefunded, Resolved: true},
			{Name: StateRejected, Resolved: true},
			{Name: StateClosed, Resolved: true, Terminal: true},
		},
		Transitions: []TransitionSpec{
			{Event: "review", From: []string{StateSubmitted}, To: StateReviewing, Actors: staff,
				Message: "您的退款申请正在审核中。"},
			{Event: "request_info", From: []string{StateReviewing}, To: StateAwaitingCustomer, Actors: []ActorKind{ActorAgent},
				Message: "审核需要您补充信息：{note}"},
			{Event: "provide_info", From: []string{StateAwaitingCustomer}, To: StateReviewing,
				Message: "已收到您补充的信息，审核继续进行。"},
			{Event: "approve", From: []string{StateReviewing}, To: StateFinance, Actors: staff,
				Message: "您的退款申请已审核通过，已进入财务处理。"},
			{Event: "reject", From: []string{StateReviewing, StateFinance}, To: StateRejected, Actors: staff,
				Message: "很抱歉，您的退款申请未通过：{note}"},
			{Event: "refund", From: []string{StateFinance}, To: StateRefunded, Actors: staff,
				Message: "退款已完成，款项将按原支付方式退回，请注意查收。"},
			{Event: "close", From: []string{StateRefunded, StateRejected}, To: StateClosed, Actors: staff},
		},
	}
}

// GeneralSupport returns a new general support Definition (see
// GeneralSupportSpec).
func GeneralSupport() *Definition { return mustBuild(GeneralSupportSpec()) }

// Refund returns a new refund Definition (see RefundSpec).
func Refund() *Definition { return mustBuild(RefundSpec()) }

// mustBuild builds a built-in spec; the built-ins are tested, so a failure is
// a bug in this package.
func mustBuild(s Spec) *Definition {
	d, err := NewDefinition(s)
	if err != nil {
		panic(err)
	}
	return d
}
