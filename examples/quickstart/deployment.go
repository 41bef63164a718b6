package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kefu-go/kefu/businesshours"
	"github.com/kefu-go/kefu/identity"
	"github.com/kefu-go/kefu/kb"
	"github.com/kefu-go/kefu/routing"
	"github.com/kefu-go/kefu/ticket"
	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// cst is China Standard Time. A fixed zone keeps the demo independent of the
// machine's time-zone database.
var cst = time.FixedZone("CST", 8*3600)

// start is the demo's first instant: Monday 2 November 2026, 10:00 in Beijing.
var start = time.Date(2026, 11, 2, 10, 0, 0, 0, cst)

// deployment is everything a real service would run, wired the way a host
// application wires kefu, but in one process on a fake clock: the mptest
// platform stands in for WeChat.
type deployment struct {
	clock    *mptest.Clock
	platform *mptest.Server
	client   *wechatmp.Client
	sender   *wechatmp.Sender
	window   *wechatmp.Window
	handler  *wechatmp.Handler

	ids      *identity.Registry
	kb       *kb.KB
	router   *routing.Router
	routes   *routing.MemoryStore
	dispatch *routing.Dispatcher
	tickets  *ticket.Service

	host *host
	out  *printer
}

func newDeployment(out *printer) (*deployment, error) {
	d := &deployment{clock: mptest.NewClock(start), out: out}
	now := d.clock.Now
	out.now = func() time.Time { return now().In(cst) }
	d.platform = mptest.NewServer(mptest.Config{Clock: d.clock, Mode: mptest.ModeSecure})

	// wechatmp: the window guard, the API client and the window-aware sender.
	d.window = wechatmp.NewWindow(nil, now)
	cfg := d.platform.ClientConfig()
	cfg.Window, cfg.Now = d.window, now
	var err error
	if d.client, err = wechatmp.NewClient(cfg); err != nil {
		return nil, err
	}
	d.sender = &wechatmp.Sender{Client: d.client}

	// identity: customers with sealed phone numbers and a CRM directory.
	ring, err := identity.NewKeyring("k1", map[string][]byte{"k1": []byte("0123456789abcdef0123456789abcdef")}, []byte("blind-index-key-for-the-demo-32b"))
	if err != nil {
		return nil, err
	}
	seq := 0
	if d.ids, err = identity.New(identity.Config{Keyring: ring, Directory: crm{}, Now: now,
		NewID: func() string { seq++; return fmt.Sprintf("C%03d", seq) }}); err != nil {
		return nil, err
	}

	// kb: the knowledge base and the phrase guard.
	if d.kb, err = kb.New(knowledge()); err != nil {
		return nil, err
	}

	// routing: rules, agents and queues.
	hours, err := businesshours.New(businesshours.Schedule{
		Location: cst,
		Weekly: [7][]businesshours.Period{
			time.Monday: workday(), time.Tuesday: workday(), time.Wednesday: workday(),
			time.Thursday: workday(), time.Friday: workday(),
		},
	})
	if err != nil {
		return nil, err
	}
	rules, err := routing.Compile(routingRules(), routing.Env{Calendars: map[string]routing.Calendar{"office": hours}})
	if err != nil {
		return nil, err
	}
	d.router = &routing.Router{Now: now}
	d.router.Store(rules)
	d.routes = new(routing.MemoryStore)
	if d.dispatch, err = routing.NewDispatcher(routing.DispatcherConfig{Store: d.routes, Agents: agents(), Now: now,
		Queues: map[string]routing.QueueConfig{"general": {Sticky: true}}}); err != nil {
		return nil, err
	}
	for _, a := range agents() {
		if err := d.routes.SetPresence(context.Background(), a.ID, routing.Online, now()); err != nil {
			return nil, err
		}
	}

	// ticket: refund and support tickets with an SLA in business hours,
	// progress pushed to the user through the window-aware sender.
	sla, err := ticket.NewSLA(ticket.Policy{
		Name:       "standard",
		Calendar:   hours,
		WarnBefore: 30 * time.Minute,
		Targets: map[ticket.Priority]ticket.Targets{
			ticket.PriorityNormal: {FirstReply: 2 * time.Hour, Resolution: 16 * time.Hour},
			ticket.PriorityHigh:   {FirstReply: 30 * time.Minute, Resolution: 8 * time.Hour},
		},
	})
	if err != nil {
		return nil, err
	}
	d.tickets = &ticket.Service{SLA: sla, Now: now, Notifier: ticket.NotifierFunc(d.notify)}

	// The host's message handler, behind the wechatmp Handler.
	d.host = newHost(d)
	if d.handler, err = wechatmp.NewHandler(wechatmp.HandlerConfig{
		Crypter: d.platform.Crypter(), Handler: d.host, Interactions: d.window, Now: now,
		Dedup: &wechatmp.MemoryDedupStore{Now: now},
	}); err != nil {
		return nil, err
	}
	d.platform.SetCallback(d.handler)
	return d, nil
}

func (d *deployment) Close() { d.platform.Close() }

func workday() []businesshours.Period {
	return []businesshours.Period{
		{Start: businesshours.Clock(9, 0), End: businesshours.Clock(12, 0)},
		{Start: businesshours.Clock(13, 0), End: businesshours.Clock(18, 0)},
	}
}

// notify pushes a ticket's progress to the customer: a customer-service
// message inside the 48-hour window, a template message outside it.
func (d *deployment) notify(ctx context.Context, n ticket.Notification) error {
	c, err := d.ids.Get(ctx, n.CustomerID)
	if err != nil {
		return err
	}
	openID, ok := c.OpenID(d.platform.AppID())
	if !ok {
		return fmt.Errorf("customer %s has no openid", n.CustomerID)
	}
	ch, err := d.sender.Send(ctx, wechatmp.Notice{
		Custom: wechatmp.CustomMessage{ToUser: openID, MsgType: "text", Text: &wechatmp.CustomText{Content: n.Text}},
		Template: &wechatmp.TemplateMessage{ToUser: openID, TemplateID: "TPL-TICKET-PROGRESS", Data: map[string]wechatmp.TemplateValue{
			"ticket": {Value: n.TicketID}, "status": {Value: n.Text},
		}},
	})
	if err != nil {
		return err
	}
	d.out.line("通知", fmt.Sprintf("%s ⇒ %s (%s)", n.TicketID, n.Text, ch))
	return nil
}

// crm is the demo's CRM: one diamond member.
type crm struct{}

func (crm) MemberByPhone(ctx context.Context, p identity.Phone) (identity.Member, error) {
	if p == identity.MustParsePhone("13800138000") {
		return identity.Member{ID: "M-88", Level: "diamond", Name: "张先生"}, nil
	}
	return identity.Member{}, identity.ErrNotFound
}

func (crm) MemberByUnionID(ctx context.Context, unionid string) (identity.Member, error) {
	return identity.Member{}, identity.ErrNotFound
}
