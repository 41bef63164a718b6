package wechatmp_test

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// windowTestFeeder is a minimal plaintext callback handler for these tests: it
// feeds the Window as the real Handler does, and answers "success".
func windowTestFeeder(appID string, rec wechatmp.InteractionRecorder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			FromUserName string
			CreateTime   int64
			MsgType      wechatmp.MsgType
			Event        wechatmp.EventType
		}
		if err := xml.NewDecoder(r.Body).Decode(&m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if k := wechatmp.InteractionOf(m.MsgType, m.Event); k != wechatmp.InteractionNone {
			_ = rec.RecordInteraction(r.Context(), appID, m.FromUserName, k, time.Unix(m.CreateTime, 0))
		}
		_, _ = w.Write([]byte("success"))
	})
}

func windowTestSetup(t *testing.T) (*mptest.Server, *wechatmp.Window, *wechatmp.Client) {
	t.Helper()
	srv := clientTestServer(t, mptest.Config{})
	win := wechatmp.NewWindow(nil, srv.Clock.Now)
	srv.SetCallback(windowTestFeeder(srv.AppID(), win))
	c := clientTestNew(t, srv, func(c *wechatmp.Config) { c.Window = win })
	return srv, win, c
}

func TestWindowStatusString(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st := wechatmp.OpenWindow(wechatmp.InteractionMessage, at)
	st.Used = 2
	cases := []struct {
		now  time.Time
		want string
	}{
		{at, "3 left, closes in 48h"},
		{at.Add(43 * time.Hour), "3 left, closes in 5h"},
		{at.Add(48*time.Hour - 90*time.Second), "3 left, closes in 1m"},
		{at.Add(48*time.Hour - 40*time.Second), "3 left, closes in 40s"},
		{at.Add(50 * time.Hour), "closed 2h ago"},
	}
	for _, c := range cases {
		if got := st.Status(c.now).String(); got != c.want {
			t.Errorf("at +%v: %q, want %q", c.now.Sub(at), got, c.want)
		}
	}
	if got := (wechatmp.WindowState{}).Status(at).String(); got != "closed" {
		t.Errorf("never opened: %q", got)
	}
	menu := wechatmp.OpenWindow(wechatmp.InteractionMenu, at)
	if s := menu.Status(at.Add(30 * time.Second)); s.Left != 3 || !s.CanSend() || s.String() != "3 left, closes in 30s" {
		t.Errorf("menu window: %+v %q", s, s)
	}
	if s := menu.Status(at.Add(time.Minute)); s.CanSend() {
		t.Errorf("menu window open after 1 min: %+v", s)
	}
}

func TestWindowRefreshNeverAccumulates(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	win := wechatmp.NewWindow(nil, func() time.Time { return now })
	if err := win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionMessage, now); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := win.Reserve(ctx, "app", "u"); err != nil {
			t.Fatal(err)
		}
	}
	// The same interaction recorded twice (a retried push) changes nothing.
	_ = win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionMessage, now)
	if s, _ := win.Status(ctx, "app", "u"); s.Left != 2 {
		t.Fatalf("left after duplicate record = %d, want 2", s.Left)
	}
	// A new message resets to 5 (not 2+5) and 48 h from now.
	now = now.Add(47 * time.Hour)
	_ = win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionMessage, now)
	if s, _ := win.Status(ctx, "app", "u"); s.Left != 5 || !s.ClosesAt.Equal(now.Add(48*time.Hour)) {
		t.Fatalf("after refresh: %+v", s)
	}
	// An older interaction delivered late is ignored.
	_ = win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionFollow, now.Add(-time.Hour))
	if s, _ := win.Status(ctx, "app", "u"); s.Kind != wechatmp.InteractionMessage {
		t.Fatalf("older interaction replaced the window: %+v", s)
	}
	// A menu tap does not cut short the open 48-hour window...
	now = now.Add(time.Second)
	_ = win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionMenu, now)
	if s, _ := win.Status(ctx, "app", "u"); s.Kind != wechatmp.InteractionMessage || s.String() != "5 left, closes in 47h" {
		t.Fatalf("menu tap during a message window: %+v %q", s, s)
	}
	// ...but once its sends are spent, a menu tap opens its own: 3 within 1 minute.
	for range 5 {
		if _, err := win.Reserve(ctx, "app", "u"); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(time.Second)
	_ = win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionMenu, now)
	if s, _ := win.Status(ctx, "app", "u"); s.Kind != wechatmp.InteractionMenu || s.String() != "3 left, closes in 1m" {
		t.Fatalf("menu tap after the quota: %+v %q", s, s)
	}
	// A later menu tap refreshes the menu window, 3 again, not 2+3.
	if _, err := win.Reserve(ctx, "app", "u"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Second)
	_ = win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionScan, now)
	if s, _ := win.Status(ctx, "app", "u"); s.Kind != wechatmp.InteractionScan || s.Left != 3 || !s.ClosesAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("scan after menu: %+v", s)
	}
	// And a message after them: 5 within 48 hours.
	now = now.Add(time.Second)
	_ = win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionMessage, now)
	if s, _ := win.Status(ctx, "app", "u"); s.String() != "5 left, closes in 48h" {
		t.Fatalf("message after scan: %q", s)
	}
	if err := win.RecordInteraction(ctx, "app", "u", wechatmp.InteractionNone, now); err != nil {
		t.Fatal(err)
	}
}

func TestClientWindowGuard(t *testing.T) {
	srv, win, c := windowTestSetup(t)
	ctx := context.Background()
	user := srv.User("o_alice")
	if _, err := user.SendText(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if s, _ := win.Status(ctx, srv.AppID(), "o_alice"); s.String() != "5 left, closes in 48h" {
		t.Fatalf("status = %q", s)
	}
	for i := range 5 {
		if err := c.SendText(ctx, "o_alice", "answer"); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	calls := srv.Calls("/cgi-bin/message/custom/send")
	err := c.SendText(ctx, "o_alice", "sixth")
	if !errors.Is(err, wechatmp.ErrWindowQuota) {
		t.Fatalf("6th send: %v, want ErrWindowQuota", err)
	}
	if srv.Calls("/cgi-bin/message/custom/send") != calls {
		t.Fatal("6th send reached the network")
	}
	// 49 hours later the window is closed; refused locally too.
	if _, err := user.SendText(ctx, "again"); err != nil {
		t.Fatal(err)
	}
	srv.Clock.Advance(49 * time.Hour)
	if err := c.SendText(ctx, "o_alice", "late"); !errors.Is(err, wechatmp.ErrWindowClosed) {
		t.Fatalf("after 49h: %v, want ErrWindowClosed", err)
	}
	if srv.Calls("/cgi-bin/message/custom/send") != calls {
		t.Fatal("send to a closed window reached the network")
	}
	if got := len(srv.SentTo("o_alice")); got != 5 {
		t.Fatalf("platform delivered %d, want 5", got)
	}
}

func TestClientWindowReleaseAndRecord(t *testing.T) {
	srv, win, c := windowTestSetup(t)
	ctx := context.Background()
	if _, err := srv.User("o_bob").SendText(ctx, "hi"); err != nil {
		t.Fatal(err)
	}
	left := func() int {
		s, err := win.Status(ctx, srv.AppID(), "o_bob")
		if err != nil {
			t.Fatal(err)
		}
		return s.Left
	}
	// An API error proves non-delivery: the send is given back.
	srv.FailNext("/cgi-bin/message/custom/send", 40003)
	if err := c.SendText(ctx, "o_bob", "x"); err == nil {
		t.Fatal("want error")
	}
	if got := left(); got != 5 {
		t.Fatalf("left after refused send = %d, want 5", got)
	}
	// -1 may have been delivered: not retried, the send stays spent.
	calls := srv.Calls("/cgi-bin/message/custom/send")
	srv.FailNext("/cgi-bin/message/custom/send", -1)
	if err := c.SendText(ctx, "o_bob", "x"); !errors.Is(err, wechatmp.ErrSystemBusy) {
		t.Fatalf("err = %v, want ErrSystemBusy", err)
	}
	if srv.Calls("/cgi-bin/message/custom/send")-calls != 1 {
		t.Fatal("custom send was retried on -1")
	}
	if got := left(); got != 4 {
		t.Fatalf("left after -1 = %d, want 4", got)
	}
	// A rejected token is refreshed and the send retried once, using one send.
	srv.FailNext("/cgi-bin/message/custom/send", 42001)
	if err := c.SendText(ctx, "o_bob", "y"); err != nil {
		t.Fatal(err)
	}
	if got := left(); got != 3 {
		t.Fatalf("left after token retry = %d, want 3", got)
	}
	// A rejected token whose refresh then fails: the rejected attempt was not
	// delivered and the retry never went out, so the send is given back.
	srv.FailNext("/cgi-bin/message/custom/send", 40001)
	srv.FailNext("/cgi-bin/token", -1)
	if err := c.SendText(ctx, "o_bob", "y"); !errors.Is(err, wechatmp.ErrSystemBusy) {
		t.Fatalf("err = %v, want the token fetch's -1", err)
	}
	if got := left(); got != 3 {
		t.Fatalf("left after failed token refresh = %d, want 3", got)
	}
	// WeChat's 45047 is recorded: the window is spent locally.
	srv.FailNext("/cgi-bin/message/custom/send", 45047)
	if err := c.SendText(ctx, "o_bob", "z"); !errors.Is(err, wechatmp.ErrWindowQuota) {
		t.Fatalf("err = %v", err)
	}
	if got := left(); got != 0 {
		t.Fatalf("left after 45047 = %d, want 0", got)
	}
	// WeChat's 45015 closes the window locally (e.g. the window opened on a
	// push the platform did not count).
	_ = win.RecordInteraction(ctx, srv.AppID(), "o_carol", wechatmp.InteractionMessage, srv.Clock.Now())
	if err := c.SendText(ctx, "o_carol", "hi"); !errors.Is(err, wechatmp.ErrWindowClosed) {
		t.Fatalf("err = %v, want 45015", err)
	}
	if s, _ := win.Status(ctx, srv.AppID(), "o_carol"); s.Open {
		t.Fatalf("window still open after 45015: %q", s)
	}
	// A non-follower: 43004, no window spent.
	dave := srv.User("o_dave")
	_, _ = dave.SendText(ctx, "hi")
	_, _ = dave.Unfollow(ctx)
	_ = win.RecordInteraction(ctx, srv.AppID(), "o_dave", wechatmp.InteractionMessage, srv.Clock.Now())
	if err := c.SendText(ctx, "o_dave", "hi"); !errors.Is(err, wechatmp.ErrNotFollowing) {
		t.Fatalf("err = %v, want ErrNotFollowing", err)
	}
	if s, _ := win.Status(ctx, srv.AppID(), "o_dave"); s.Left != 5 {
		t.Fatalf("left = %d, want 5", s.Left)
	}
}

func TestClientWindowReleaseOnTransportError(t *testing.T) {
	srv, win, _ := windowTestSetup(t)
	ctx := context.Background()
	_, _ = srv.User("o_eve").SendText(ctx, "hi")
	dead := mptest.NewServer(mptest.Config{})
	dead.Close()
	c := clientTestNew(t, srv, func(c *wechatmp.Config) {
		c.Window = win
		c.Tokens = wechatmp.StaticTokenSource{Value: "SECRET_ACCESS_TOKEN", ExpiresAt: srv.Clock.Now().Add(time.Hour)}
		c.BaseURL = dead.URL // connection refused: never written
	})
	err := c.SendText(ctx, "o_eve", "x")
	if err == nil {
		t.Fatal("want a transport error")
	}
	if strings.Contains(err.Error(), "SECRET_ACCESS_TOKEN") {
		t.Fatalf("the error leaks the access token: %v", err)
	}
	if s, _ := win.Status(ctx, srv.AppID(), "o_eve"); s.Left != 5 {
		t.Fatalf("left = %d, want 5 (reservation given back)", s.Left)
	}
}

func TestWindowSharedByReplicasNeverOversends(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	store := &wechatmp.MemoryWindowStore{}
	tokens := &wechatmp.MemoryTokenStore{Now: srv.Clock.Now}
	var clients []*wechatmp.Client
	for range 2 {
		win := wechatmp.NewWindow(store, srv.Clock.Now)
		clients = append(clients, clientTestNew(t, srv, func(c *wechatmp.Config) { c.Window = win; c.TokenStore = tokens }))
	}
	srv.SetCallback(windowTestFeeder(srv.AppID(), wechatmp.NewWindow(store, srv.Clock.Now)))
	ctx := context.Background()
	if _, err := srv.User("o_f").SendText(ctx, "hi"); err != nil {
		t.Fatal(err)
	}
	var ok, quota atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := clients[i%2].SendText(ctx, "o_f", "agent answer")
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, wechatmp.ErrWindowQuota):
				quota.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 5 || quota.Load() != 15 {
		t.Fatalf("ok=%d quota=%d, want 5 and 15", ok.Load(), quota.Load())
	}
	if n := srv.Calls("/cgi-bin/message/custom/send"); n != 5 {
		t.Fatalf("platform saw %d sends, want 5", n)
	}
}

func TestSenderFallsBackOutsideWindow(t *testing.T) {
	srv, _, c := windowTestSetup(t)
	ctx := context.Background()
	_, _ = srv.User("o_g").SendText(ctx, "where is my order?")
	sender := &wechatmp.Sender{Client: c}
	notice := wechatmp.Notice{
		Custom:   wechatmp.CustomMessage{ToUser: "o_g", Text: &wechatmp.CustomText{Content: "Your order shipped"}},
		Template: &wechatmp.TemplateMessage{TemplateID: "TPL_SHIPPED", Data: map[string]wechatmp.TemplateValue{"first": {Value: "Your order shipped"}}},
	}
	ch, err := sender.Send(ctx, notice)
	if err != nil || ch != wechatmp.ChannelCustom {
		t.Fatalf("inside window: %v, %v", ch, err)
	}
	srv.Clock.Advance(49 * time.Hour)
	ch, err = sender.Send(ctx, notice)
	if err != nil || ch != wechatmp.ChannelTemplate {
		t.Fatalf("outside window: %v, %v", ch, err)
	}
	sent := srv.SentTo("o_g")
	if len(sent) != 2 || sent[0].API != "custom" || sent[1].API != "template" || sent[1].TemplateID != "TPL_SHIPPED" {
		t.Fatalf("sent = %+v", sent)
	}
	// Subscription fallback, refused by the user: the error says so.
	notice.Template = nil
	notice.Subscription = &wechatmp.SubscribeMessage{TemplateID: "SUB_REFUND", Data: map[string]wechatmp.SubscribeValue{"thing1": {Value: "refund"}}}
	if _, err := sender.Send(ctx, notice); !errors.Is(err, wechatmp.ErrSubscriptionRefused) || !errors.Is(err, wechatmp.ErrWindowClosed) {
		t.Fatalf("err = %v", err)
	}
	srv.AllowSubscription("o_g", "SUB_REFUND", 1)
	if ch, err := sender.Send(ctx, notice); err != nil || ch != wechatmp.ChannelSubscription {
		t.Fatalf("subscription: %v, %v", ch, err)
	}
	// No fallback at all: the window error.
	notice.Subscription = nil
	if ch, err := sender.Send(ctx, notice); ch != wechatmp.ChannelNone || !errors.Is(err, wechatmp.ErrWindowClosed) {
		t.Fatalf("no fallback: %v, %v", ch, err)
	}
	// A host fallback.
	notice.Fallback = func(context.Context) (wechatmp.Channel, error) { return wechatmp.ChannelFallback, nil }
	if ch, err := sender.Send(ctx, notice); ch != wechatmp.ChannelFallback || err != nil {
		t.Fatalf("host fallback: %v, %v", ch, err)
	}
	// Without a local Window, WeChat's 45015 selects the fallback.
	plain := &wechatmp.Sender{Client: clientTestNew(t, srv, nil)}
	notice.Fallback = nil
	notice.Template = &wechatmp.TemplateMessage{TemplateID: "TPL_SHIPPED"}
	calls := srv.Calls("/cgi-bin/message/custom/send")
	if ch, err := plain.Send(ctx, notice); ch != wechatmp.ChannelTemplate || err != nil {
		t.Fatalf("no window: %v, %v", ch, err)
	}
	if srv.Calls("/cgi-bin/message/custom/send") != calls+1 {
		t.Fatal("without a Window the custom message should have been attempted")
	}
	if wechatmp.ChannelTemplate.String() != "template" {
		t.Fatal(wechatmp.ChannelTemplate.String())
	}
}

func TestWindowStateRefresh(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	msg := wechatmp.OpenWindow(wechatmp.InteractionMessage, t0)
	spent := msg
	spent.Used = 5
	menu := wechatmp.OpenWindow(wechatmp.InteractionMenu, t0)
	cases := []struct {
		name      string
		cur, next wechatmp.WindowState
		keep      bool
	}{
		{"never opened", wechatmp.WindowState{}, msg, false},
		{"message after message", msg, wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(time.Hour)), false},
		{"same interaction twice", msg, msg, true},
		{"older interaction", msg, wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(-time.Hour)), true},
		{"menu in an open message window", msg, wechatmp.OpenWindow(wechatmp.InteractionMenu, t0.Add(time.Hour)), true},
		{"menu in a spent message window", spent, wechatmp.OpenWindow(wechatmp.InteractionMenu, t0.Add(time.Hour)), false},
		{"menu after the message window closed", msg, wechatmp.OpenWindow(wechatmp.InteractionMenu, t0.Add(49*time.Hour)), false},
		{"follow after menu", menu, wechatmp.OpenWindow(wechatmp.InteractionFollow, t0.Add(time.Second)), false},
		{"message after menu", menu, wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(time.Second)), false},
	}
	for _, c := range cases {
		got := c.cur.Refresh(c.next)
		want := c.next
		if c.keep {
			want = c.cur
		}
		if got.Kind != want.Kind || !got.OpenedAt.Equal(want.OpenedAt) || got.Used != want.Used || !got.ClosesAt.Equal(want.ClosesAt) {
			t.Errorf("%s: %+v, want %+v", c.name, got, want)
		}
	}
}
