package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kefu-go/kefu/identity"
	"github.com/kefu-go/kefu/kb"
	"github.com/kefu-go/kefu/routing"
	"github.com/kefu-go/kefu/ticket"
	"github.com/kefu-go/kefu/wechatmp"
)

// host is the application's side of the callback: the wechatmp Handler calls
// ServeMessage for every new push (retries never reach it). It resolves the
// user (identity), decides where the message goes (routing), lets the bot
// answer what it knows (kb), hands the rest to an agent with the whole context,
// and opens tickets (ticket).
type host struct {
	d *deployment

	mu        sync.Mutex
	calls     map[int64]int     // host invocations per MsgId (for the dedup scene)
	tickets   map[string]string // open ticket per customer and intent
	ticketSeq int
	volume    map[string]int       // inbound messages per category
	firstIn   map[string]time.Time // first unanswered customer message per conversation
	responses []time.Duration      // first-response times (bot or agent)
	handoffs  []routing.Handoff
}

func newHost(d *deployment) *host {
	return &host{d: d, calls: map[int64]int{}, tickets: map[string]string{}, volume: map[string]int{}, firstIn: map[string]time.Time{}}
}

// ServeMessage implements wechatmp.MessageHandler.
func (h *host) ServeMessage(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.MsgID != 0 {
		h.calls[m.MsgID]++
	}
	now := h.d.clock.Now()
	cust, err := h.d.ids.Resolve(ctx, h.d.platform.AppID(), m.FromUserName)
	if err != nil {
		return nil, err
	}
	switch m.MsgType {
	case wechatmp.MsgTypeEvent:
		if m.Event == wechatmp.EventSubscribe {
			return wechatmp.TextReply{Content: "欢迎关注！直接发送问题即可咨询，回复“转人工”联系客服。"}, nil
		}
		return nil, nil
	case wechatmp.MsgTypeText:
		return h.onText(ctx, m, cust, now)
	case wechatmp.MsgTypeImage, wechatmp.MsgTypeVoice, wechatmp.MsgTypeVideo, wechatmp.MsgTypeShortVideo:
		return nil, h.onMedia(ctx, m, cust, now)
	}
	return nil, nil
}

func (h *host) onText(ctx context.Context, m *wechatmp.Message, cust identity.Customer, now time.Time) (wechatmp.Reply, error) {
	conv, err := h.conversation(ctx, cust.ID, now)
	if err != nil {
		return nil, err
	}
	if conv, err = h.append(ctx, conv, routing.Entry{From: routing.SenderCustomer, Kind: routing.KindText, Text: m.Content}, now); err != nil {
		return nil, err
	}
	in := routing.Input{
		Text: m.Content, Kind: routing.KindText, CustomerID: cust.ID, Tags: cust.Tags,
		MemberLevel: memberLevel(cust.MemberLevel), FirstContact: !cust.FirstSeen.Before(now),
		Channel: h.d.platform.AppID(), Time: now,
	}
	dec, err := h.d.router.Decide(in)
	if err != nil {
		return nil, err
	}
	h.d.out.note("routing: %s", oneLine(dec.Explain()))

	// Already with an agent: the message joins the transcript the agent sees.
	if conv.State == routing.StateServing {
		h.volume["queue "+conv.Queue]++
		h.d.out.note("→ %s (serving) sees it in the conversation", conv.AgentID)
		return nil, nil
	}
	// Bot first: answer from the knowledge base when it is sure.
	if dec.Action.Handling != routing.Human {
		ans := h.d.kb.Answer(m.Content, now)
		h.d.out.note("kb: %s — %s", ans.Outcome, ans.Reason)
		if ans.Outcome == kb.OutcomeAuto {
			if ans.Entry != nil {
				h.volume["kb "+ans.Entry.CategoryPath()]++
			}
			if _, err := h.append(ctx, conv, routing.Entry{From: routing.SenderBot, Kind: routing.KindText, Text: ans.Text}, now); err != nil {
				return nil, err
			}
			h.responded(conv.Key(), now)
			return wechatmp.TextReply{Content: ans.Text}, nil
		}
		if ans.Outcome != kb.OutcomeHuman {
			h.volume["kb miss"]++
			return nil, nil // the bot stays silent; the miss is counted in kb stats
		}
		// kb's own rules ask for a person (complaint, "转人工"): fall through.
	}
	h.volume["queue "+dec.Queue()]++
	return h.handToAgent(ctx, conv, dec, cust, now)
}

// handToAgent routes the conversation to an agent with its whole context,
// adds routing's tags to the customer, opens the ticket routing asks for, and
// answers with routing's greeting (or nothing: the agent answers through the
// customer-service API).
func (h *host) handToAgent(ctx context.Context, conv routing.Conversation, dec routing.Decision, cust identity.Customer, now time.Time) (wechatmp.Reply, error) {
	if len(dec.Action.AddTags) > 0 {
		var err error
		if cust, err = h.d.ids.Tag(ctx, cust.ID, dec.Action.AddTags...); err != nil {
			return nil, err
		}
	}
	conv, err := conv.Route(dec, now)
	if err != nil {
		return nil, err
	}
	conv.Tags = cust.Tags
	res, err := h.d.dispatch.Route(ctx, routing.Waiting{
		ConversationID: conv.ID, CustomerID: cust.ID, Channel: conv.Channel,
		Priority: dec.Action.Priority, EnqueuedAt: now, TargetSince: now,
		Targets: dec.Action.Chain(), PreviousAgent: conv.LastAgentID,
	})
	if err != nil {
		return nil, err
	}
	for _, n := range res.Notes {
		h.d.out.note("dispatch: %s", n)
	}
	if res.Queue != "" {
		if conv, err = conv.Enqueue(res.Queue, now); err != nil {
			return nil, err
		}
	}
	if res.Outcome == routing.OutcomeAssigned {
		var ho routing.Handoff
		if conv, ho, err = conv.Assign(res.AgentID, now); err != nil {
			return nil, err
		}
		h.handoffs = append(h.handoffs, ho)
		h.d.out.note("→ assigned to %s in queue %q with %d transcript entries, tags %v", res.AgentID, res.Queue, len(ho.Transcript), ho.Tags)
	} else {
		h.d.out.note("→ %s in queue %q", res.Outcome, res.Queue)
	}
	if _, err := h.d.routes.UpdateConversation(ctx, conv); err != nil {
		return nil, err
	}
	if intent := dec.Action.TicketIntent; intent != "" {
		if err := h.openTicket(ctx, intent, cust, conv, res.AgentID); err != nil {
			return nil, err
		}
	}
	if g := dec.Action.Greeting; g != "" {
		if cust.Name != "" {
			g = strings.Replace(g, "尊敬的钻石会员", cust.Name, 1)
		}
		h.responded(conv.Key(), now)
		return wechatmp.TextReply{Content: g}, nil
	}
	return nil, nil
}

// openTicket opens the ticket a routing decision asks for, once per customer
// and intent.
func (h *host) openTicket(ctx context.Context, intent string, cust identity.Customer, conv routing.Conversation, agent string) error {
	if _, ok := h.tickets[cust.ID+"/"+intent]; ok {
		return nil
	}
	def, subject, prefix := "support", "客户投诉", "CP"
	if intent == "refund" {
		def, subject, prefix = "refund", "订单退款", "RF"
	}
	h.ticketSeq++
	id := fmt.Sprintf("%s-%04d", prefix, h.ticketSeq)
	pri := ticket.PriorityNormal
	if intent == "complaint" {
		pri = ticket.PriorityHigh
	}
	res, err := h.d.tickets.Open(ctx, def, ticket.Ticket{ID: id, CustomerID: cust.ID, Subject: subject, Priority: pri,
		Assignee: agent, Fields: map[string]string{"conversation": conv.ID}}, ticket.Customer(cust.ID))
	if err != nil {
		return err
	}
	if res.NotifyErr != nil {
		h.d.out.note("ticket %s: customer not told: %v", id, res.NotifyErr)
	}
	h.tickets[cust.ID+"/"+intent] = id
	h.d.out.note("ticket %s opened (%s, %s priority, assignee %s)", id, def, pri, agent)
	return nil
}

// onMedia adds an image, voice or video message to the transcript by media
// id, so whoever serves the conversation (now or after a transfer) can open
// it through the API.
func (h *host) onMedia(ctx context.Context, m *wechatmp.Message, cust identity.Customer, now time.Time) error {
	conv, err := h.conversation(ctx, cust.ID, now)
	if err != nil {
		return err
	}
	e := routing.Entry{From: routing.SenderCustomer, Kind: string(m.MsgType)}
	if m.Media != nil {
		e.MediaID, e.Text = m.Media.MediaID, m.Media.Recognition
	}
	if _, err := h.append(ctx, conv, e, now); err != nil {
		return err
	}
	h.volume["media"]++
	who := "the bot (kept for the agent)"
	if conv.State == routing.StateServing {
		who = conv.AgentID
	}
	h.d.out.note("%s %s added to the transcript for %s", m.MsgType, e.MediaID, who)
	return nil
}

func (h *host) conversation(ctx context.Context, customerID string, now time.Time) (routing.Conversation, error) {
	return routing.OpenConversation(ctx, h.d.routes, customerID, h.d.platform.AppID(), now)
}

func (h *host) append(ctx context.Context, c routing.Conversation, e routing.Entry, now time.Time) (routing.Conversation, error) {
	c, err := c.Append(e, now)
	if err != nil {
		return c, err
	}
	if e.From == routing.SenderCustomer {
		if _, waiting := h.firstIn[c.Key()]; !waiting {
			h.firstIn[c.Key()] = now
		}
	}
	return h.d.routes.UpdateConversation(ctx, c)
}

// responded records the first response to the customer's oldest unanswered
// message in the conversation.
func (h *host) responded(key string, now time.Time) {
	if t, ok := h.firstIn[key]; ok {
		h.responses = append(h.responses, now.Sub(t))
		delete(h.firstIn, key)
	}
}

// agentSays records an agent's message in the conversation and its first
// response time.
func (h *host) agentSays(ctx context.Context, customerID, agent, text string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.d.clock.Now()
	conv, err := h.conversation(ctx, customerID, now)
	if err != nil {
		return err
	}
	if _, err := h.append(ctx, conv, routing.Entry{From: routing.SenderAgent, AgentID: agent, Kind: routing.KindText, Text: text}, now); err != nil {
		return err
	}
	h.responded(conv.Key(), now)
	return nil
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
