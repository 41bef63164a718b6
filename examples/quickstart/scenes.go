package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kefu-go/kefu/identity"
	"github.com/kefu-go/kefu/kb"
	"github.com/kefu-go/kefu/routing"
	"github.com/kefu-go/kefu/ticket"
	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// The demo's users.
const (
	newUser    = "oNewUser000000000000000001"
	refundUser = "oRefund0000000000000000002"
	vipUser    = "oVip000000000000000000003"
	angryUser  = "oAngry00000000000000000004"
	laterUser  = "oLater00000000000000000005"
)

// say sends a text as the user and prints both sides; it returns the passive
// reply's text ("" when the account answered "success").
func (d *deployment) say(ctx context.Context, who, openID, text string) (string, error) {
	d.out.line(who, text)
	del, err := d.platform.User(openID).SendText(ctx, text)
	if err != nil {
		return "", err
	}
	return d.answer(del)
}

func (d *deployment) answer(del *mptest.Delivery) (string, error) {
	if del.Failed {
		return "", fmt.Errorf("the platform gave up on the push after %d attempts", del.Attempts)
	}
	r, ok, err := del.Reply()
	if err != nil {
		return "", err
	}
	if !ok {
		d.out.note("(account answered \"success\": no automatic reply)")
		return "", nil
	}
	d.out.line("公众号", r.Content)
	return r.Content, nil
}

// agentSend sends an agent's reply through the customer-service API, records
// it in the conversation (and on the ticket when there is one) and prints it.
func (d *deployment) agentSend(ctx context.Context, agent, openID, text string) error {
	cust, err := d.ids.Resolve(ctx, d.platform.AppID(), openID)
	if err != nil {
		return err
	}
	if err := d.client.SendCustom(ctx, wechatmp.CustomMessage{ToUser: openID, MsgType: "text",
		Text: &wechatmp.CustomText{Content: text}, KfAccount: agent + "@" + d.platform.OriginalID()}); err != nil {
		return err
	}
	d.out.line(agent, text)
	if err := d.host.agentSays(ctx, cust.ID, agent, text); err != nil {
		return err
	}
	if id, ok := d.host.tickets[cust.ID+"/refund"]; ok {
		if _, err := d.tickets.Reply(ctx, id, ticket.Agent(agent), text); err != nil {
			return err
		}
	}
	return nil
}

func sceneOpeningHours(ctx context.Context, d *deployment) error {
	d.out.scene(1, "A new user follows and asks about opening hours: the bot answers at once")
	d.out.line("用户A", "[关注公众号] (subscribe event, scene qrscene_store_poster)")
	del, err := d.platform.User(newUser).Follow(ctx, "store_poster")
	if err != nil {
		return err
	}
	reply, err := d.answer(del)
	if err != nil {
		return err
	}
	if !strings.Contains(reply, "欢迎关注") {
		return fmt.Errorf("scene 1: want the welcome, got %q", reply)
	}
	reply, err = d.say(ctx, "用户A", newUser, "请问你们营业时间是几点？")
	if err != nil {
		return err
	}
	if !strings.Contains(reply, "9:00") {
		return fmt.Errorf("scene 1: want the opening hours, got %q", reply)
	}
	// A question the knowledge base cannot answer stays with the bot and is
	// counted as unanswered for the "what do users ask" report.
	reply, err = d.say(ctx, "用户A", newUser, "有没有蓝色款的保温杯？")
	if err != nil {
		return err
	}
	if reply != "" {
		return fmt.Errorf("scene 1: an unknown question got an answer %q", reply)
	}
	return nil
}

func sceneRefund(ctx context.Context, d *deployment) error {
	d.out.scene(2, "\"我要退款\": after-sales, a refund ticket, each step pushed")
	if _, err := d.say(ctx, "用户B", refundUser, "我要退款，订单 20261101-3321 的面霜用了过敏"); err != nil {
		return err
	}
	cust, err := d.ids.Resolve(ctx, d.platform.AppID(), refundUser)
	if err != nil {
		return err
	}
	id, ok := d.host.tickets[cust.ID+"/refund"]
	if !ok {
		return errors.New("scene 2: no refund ticket was opened")
	}
	d.clock.Advance(3 * time.Minute)
	if err := d.agentSend(ctx, "bob", refundUser, "您好，很抱歉给您带来不便，退款申请已为您提交审核。"); err != nil {
		return err
	}
	steps := []struct {
		wait  time.Duration
		event string
		actor ticket.Actor
		note  string
	}{
		{10 * time.Minute, "review", ticket.Agent("bob"), "订单与过敏照片核对中"},
		{40 * time.Minute, "approve", ticket.Agent("bob"), "金额核对无误"},
		{2 * time.Hour, "refund", ticket.System("finance"), "已原路退回 ¥268.00"},
	}
	for _, s := range steps {
		d.clock.Advance(s.wait)
		res, err := d.tickets.Transition(ctx, id, s.event, s.actor, s.note)
		if err != nil {
			return err
		}
		if res.NotifyErr != nil {
			return fmt.Errorf("scene 2: %s: %w", s.event, res.NotifyErr)
		}
		d.out.note("ticket %s: %s by %s → %s", id, s.event, s.actor, res.Ticket.State)
	}
	return nil
}

func sceneVIP(ctx context.Context, d *deployment) error {
	d.out.scene(3, "A diamond member writes: priority queue, VIP greeting, senior agent")
	cust, err := d.ids.Resolve(ctx, d.platform.AppID(), vipUser)
	if err != nil {
		return err
	}
	// The user verified their phone in the H5 member page earlier; the CRM
	// knows the number.
	if cust, err = d.ids.BindPhone(ctx, cust.ID, identity.MustParsePhone("+86 138 0013 8000")); err != nil {
		return err
	}
	cust, member, err := d.ids.LookupMember(ctx, cust.ID)
	if err != nil {
		return err
	}
	d.out.line("CRM", fmt.Sprintf("%v is member %s (%s)", cust, member.ID, member.Level))
	reply, err := d.say(ctx, "用户C", vipUser, "我上个月的积分怎么还没到账？")
	if err != nil {
		return err
	}
	if !strings.Contains(reply, "资深客服") {
		return fmt.Errorf("scene 3: want the VIP greeting, got %q", reply)
	}
	return d.agentSend(ctx, "carol", vipUser, "张先生您好，我是资深客服 carol，积分已为您补发 1200 分。")
}

func sceneComplaint(ctx context.Context, d *deployment) error {
	d.out.scene(4, "\"投诉：你们骗子\": complaints queue, no cheerful auto-reply")
	reply, err := d.say(ctx, "用户D", angryUser, "投诉：你们骗子，说好的赠品根本没发！")
	if err != nil {
		return err
	}
	if reply != "" {
		return fmt.Errorf("scene 4: an angry message got an automatic reply %q", reply)
	}
	return nil
}

func sceneMedia(ctx context.Context, d *deployment) error {
	d.out.scene(5, "The user sends an image and a voice message: the agent sees them")
	u := d.platform.User(refundUser)
	d.out.line("用户B", "[图片] 过敏照片")
	if _, err := u.SendImage(ctx, bytes.Repeat([]byte{0xFF, 0xD8, 0xFF, 0xE0}, 2048)); err != nil {
		return err
	}
	d.out.line("用户B", "[语音] 7 秒")
	if _, err := u.SendVoice(ctx, bytes.Repeat([]byte("#!AMR\n"), 1200), "amr", "脸上起了红疹"); err != nil {
		return err
	}
	return d.openMedia(ctx, "bob", refundUser, 2)
}

// openMedia is the agent's console opening the last n media entries of the
// user's conversation through the API (GET /cgi-bin/media/get).
func (d *deployment) openMedia(ctx context.Context, agent, openID string, n int) error {
	cust, err := d.ids.Resolve(ctx, d.platform.AppID(), openID)
	if err != nil {
		return err
	}
	conv, err := d.routes.Conversation(ctx, routing.ConversationKey(cust.ID, d.platform.AppID()))
	if err != nil {
		return err
	}
	var media []routing.Entry
	for _, e := range conv.Transcript {
		if e.MediaID != "" {
			media = append(media, e)
		}
	}
	if len(media) < n {
		return fmt.Errorf("%s: want %d media entries in the transcript, have %d", openID, n, len(media))
	}
	for _, e := range media[len(media)-n:] {
		f, err := d.client.DownloadMedia(ctx, e.MediaID)
		if err != nil {
			return err
		}
		extra := ""
		if e.Text != "" {
			extra = fmt.Sprintf(", recognised: %q", e.Text)
		}
		d.out.line(agent, fmt.Sprintf("opens %s %s: %d bytes, %s%s", e.Kind, e.MediaID, len(f.Data), f.ContentType, extra))
	}
	return nil
}

func sceneHandoff(ctx context.Context, d *deployment) error {
	d.out.scene(6, "From bot to human: the agent gets the whole conversation")
	d.clock.Advance(5 * time.Minute)
	d.out.line("用户A", "[图片] 门店门口的照片")
	if _, err := d.platform.User(newUser).SendImage(ctx, append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 2040)...)); err != nil {
		return err
	}
	before := len(d.host.handoffs)
	if _, err := d.say(ctx, "用户A", newUser, "这家店是不是搬走了？转人工"); err != nil {
		return err
	}
	if len(d.host.handoffs) != before+1 {
		return errors.New("scene 6: no handoff to an agent")
	}
	ho := d.host.handoffs[len(d.host.handoffs)-1]
	d.out.line(ho.To, fmt.Sprintf("takes over from %s; context handed over:", nonEmpty(ho.From, "the bot")))
	for _, e := range ho.Transcript {
		what := e.Text
		if e.MediaID != "" {
			what = "[" + e.Kind + " " + e.MediaID + "]"
		}
		d.out.note("%s %-8s %s", e.At.In(cst).Format("15:04:05"), e.From, what)
	}
	d.out.note("bot answers: %d, routing: %s", len(ho.BotAnswers), oneLine(ho.Routing))
	return d.openMedia(ctx, ho.To, newUser, 1)
}

func sceneGuard(ctx context.Context, d *deployment) error {
	d.out.scene(7, "An agent's promise the company cannot keep is blocked")
	draft := "放心，我们承诺终身免费升级！"
	d.out.line("bob", "(draft) "+draft)
	vs := d.kb.Guard(draft)
	if !kb.Blocked(vs) {
		return errors.New("scene 7: the phrase guard let a forbidden promise through")
	}
	for _, v := range vs {
		d.out.note("blocked: %q at bytes %d–%d, rule %q, suggest %q", v.Text, v.Start, v.End, v.Phrase.Rule, v.Phrase.Suggestion)
	}
	return d.agentSend(ctx, "bob", refundUser, "该产品保修期内可免费升级，退款已原路退回，请注意查收。")
}

func sceneWindow(ctx context.Context, d *deployment) error {
	d.out.scene(8, "49 hours later: the reply is refused locally, a template is sent")
	d.clock.Advance(49 * time.Hour)
	st, err := d.window.Status(ctx, d.platform.AppID(), refundUser)
	if err != nil {
		return err
	}
	d.out.line("窗口", fmt.Sprintf("%s: %s", refundUser, st))
	calls := d.platform.Calls("/cgi-bin/message/custom/send")
	err = d.client.SendText(ctx, refundUser, "请问退款收到了吗？")
	if !errors.Is(err, wechatmp.ErrWindowClosed) {
		return fmt.Errorf("scene 8: want ErrWindowClosed, got %v", err)
	}
	if d.platform.Calls("/cgi-bin/message/custom/send") != calls {
		return errors.New("scene 8: the refused send reached the platform")
	}
	d.out.line("bob", "请问退款收到了吗？")
	d.out.note("refused locally, no request sent: %v", err)
	ch, err := d.sender.Send(ctx, wechatmp.Notice{
		Custom: wechatmp.CustomMessage{ToUser: refundUser, MsgType: "text", Text: &wechatmp.CustomText{Content: "请问退款收到了吗？"}},
		Template: &wechatmp.TemplateMessage{ToUser: refundUser, TemplateID: "TPL-REFUND-FOLLOWUP", Data: map[string]wechatmp.TemplateValue{
			"first": {Value: "您的退款已完成"}, "remark": {Value: "如未收到请回复本公众号"},
		}},
	})
	if err != nil {
		return err
	}
	if ch != wechatmp.ChannelTemplate {
		return fmt.Errorf("scene 8: want the template fallback, got %s", ch)
	}
	d.out.line("公众号", fmt.Sprintf("sent through %s: TPL-REFUND-FOLLOWUP", ch))

	events, err := d.tickets.Check(ctx, d.clock.Now())
	if err != nil {
		return err
	}
	for _, e := range events {
		d.out.note("SLA %s: ticket %s %s due %s", e.Kind, e.TicketID, e.Metric, e.Due.In(cst).Format("01-02 15:04"))
	}
	return nil
}

func sceneDuplicate(ctx context.Context, d *deployment) error {
	d.out.scene(9, "WeChat retries a callback: it is processed once")
	u := d.platform.User(laterUser)
	push := mptest.Push{MsgType: wechatmp.MsgTypeText, MsgID: 7300000000000000001, Fields: []mptest.Field{{Name: "Content", Value: "快递多久到？"}}}
	d.out.line("用户E", "快递多久到？ (MsgId 7300000000000000001)")
	first, err := u.Push(ctx, push)
	if err != nil {
		return err
	}
	want, err := d.answer(first)
	if err != nil {
		return err
	}
	d.out.line("WeChat", "retries the same callback (no answer seen in 5 s)")
	retry, err := u.Push(ctx, push)
	if err != nil {
		return err
	}
	got, err := d.answer(retry)
	if err != nil {
		return err
	}
	if want == "" || got != want {
		return fmt.Errorf("scene 9: the retry got %q, want the first answer %q", got, want)
	}
	n := d.host.calls[push.MsgID]
	d.out.note("the host's code ran %d time(s) for MsgId %d; the retry got the remembered reply", n, push.MsgID)
	if n != 1 {
		return fmt.Errorf("scene 9: the host ran %d times", n)
	}
	return nil
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
