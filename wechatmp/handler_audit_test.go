package wechatmp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The host's context ends before WeChat's 5-second deadline: at Deadline
// after the request arrived (DefaultDeadline unless configured).
func TestHandlerContextEndsBeforeWeChatDeadline(t *testing.T) {
	for _, tt := range []struct {
		cfg  time.Duration
		want time.Duration
	}{{0, DefaultDeadline}, {time.Second, time.Second}} {
		got := make(chan time.Duration, 1)
		h := newTestHandler(t, HandlerConfig{Deadline: tt.cfg, Handler: MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
			d, ok := ctx.Deadline()
			if !ok {
				t.Error("no deadline")
			}
			got <- time.Until(d)
			return nil, nil
		})})
		start := time.Now()
		if w := serve(h, testPush{mode: modeAES, body: textXML("x", 80)}.request(t)); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
		left := <-got
		if left > tt.want || left < tt.want-time.Since(start)-100*time.Millisecond {
			t.Errorf("Deadline %v: context had %v left, want just under %v", tt.cfg, left, tt.want)
		}
		if DefaultDeadline >= 5*time.Second {
			t.Errorf("DefaultDeadline %v is not before WeChat's 5 s", DefaultDeadline)
		}
	}
}

// At info level the Handler logs neither OpenIDs nor bodies nor secrets, even
// when pushes fail in every way.
func TestHandlerInfoLogsNoPersonalData(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	release := make(chan struct{})
	h := newTestHandler(t, HandlerConfig{Logger: logger, Deadline: 20 * time.Millisecond, Handler: MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
		switch testContent(m) {
		case "fail":
			return nil, errors.New("failed")
		case "slow":
			<-release
			return TextReply{Content: "late-secret-reply"}, nil
		case "invalid":
			return NewsReply{}, nil
		}
		return TextReply{Content: "reply-secret-content"}, nil
	})})
	for _, body := range []string{textXML("user-secret-content", 90), textXML("fail", 91), textXML("slow", 92), textXML("invalid", 93), "<xml><Content>user-secret-garbage"} {
		serve(h, testPush{mode: modeAES, body: body}.request(t))
	}
	close(release)
	_ = h.Shutdown(context.Background())
	out := logs.String()
	for _, secret := range []string{testUser, testGh, hToken, testKeyNew, "user-secret", "reply-secret", "late-secret", "Encrypt"} {
		if strings.Contains(out, secret) {
			t.Errorf("info log contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "missed the deadline") || !strings.Contains(out, "message handler failed") {
		t.Errorf("expected diagnostics missing:\n%s", out)
	}
}

// The default body bound refuses a body over DefaultMaxBodyBytes with 413,
// before parsing.
func TestHandlerDefaultBodyLimit(t *testing.T) {
	h := newTestHandler(t, HandlerConfig{Handler: &echoText{}})
	r := testPush{mode: modePlain, body: textXML("x", 95)}.request(t)
	r.Body = io.NopCloser(io.MultiReader(strings.NewReader("<xml><Content>"), strings.NewReader(strings.Repeat("a", DefaultMaxBodyBytes))))
	r.ContentLength = -1
	if w := serve(h, r); w.Code != http.StatusRequestEntityTooLarge || w.Body.String() != http.StatusText(w.Code) {
		t.Fatalf("status %d %q", w.Code, w.Body)
	}
}

// A push of a type the SDK does not know reaches the host with its type
// names, its fields and its raw body.
func TestHandlerUnknownTypeReachesHost(t *testing.T) {
	got := make(chan *Message, 1)
	mux := new(Mux)
	mux.HandleFallback(MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
		got <- m
		return nil, nil
	}))
	h := newTestHandler(t, HandlerConfig{Handler: mux})
	body := eventXML("teleport_done", "k", "<Planet>Mars</Planet>")
	if w := serve(h, testPush{mode: modeAES, body: body}.request(t)); w.Code != 200 || w.Body.String() != ReplySuccess {
		t.Fatalf("status %d %q", w.Code, w.Body)
	}
	m := <-got
	if m.Event != "teleport_done" || string(m.Raw) != body {
		t.Fatalf("host got Event %q Raw %q", m.Event, m.Raw)
	}
	if v, _ := m.ExtraValue("Planet"); v != "Mars" {
		t.Fatalf("Extra %v", m.Extra)
	}
}

// TestDedupKey: ordinary messages are keyed by account, sender and MsgId;
// events by account, sender, type, event, key, CreateTime and content, so
// that two different events in one second never share a key.
func TestDedupKey(t *testing.T) {
	parse := func(s string) *Message {
		t.Helper()
		m, err := ParseMessage([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	msg := parse(textXML("a", 1))
	if k := DedupKey(msg); k != "msg|"+testGh+"|"+testUser+"|1" {
		t.Errorf("message key %q", k)
	}
	same := []struct{ a, b string }{
		{textXML("a", 1), textXML("edited text, same MsgId", 1)},
		{eventXML("CLICK", "k", ""), reindent(eventXML("CLICK", "k", ""))},
	}
	for _, p := range same {
		if DedupKey(parse(p.a)) != DedupKey(parse(p.b)) {
			t.Errorf("retries got different keys:\n%s\n%s", p.a, p.b)
		}
	}
	click := eventXML("CLICK", "k", "")
	distinct := []string{
		textXML("a", 1),
		textXML("a", 2),
		strings.Replace(textXML("a", 1), testGh, "gh_other", 1), // another account
		strings.Replace(textXML("a", 1), testUser, "oOther", 1), // another user
		click,
		eventXML("CLICK", "k2", ""), // another key
		eventXML("VIEW", "k", ""),   // another event
		strings.Replace(click, testGh, "gh_other", 1),         // another account
		strings.Replace(click, "1700000000", "1700000001", 1), // another second
		eventXML("LOCATION", "", "<Latitude>1</Latitude>"),    // same second,
		eventXML("LOCATION", "", "<Latitude>2</Latitude>"),    // other content
		`<xml><AppId>wx1</AppId><CreateTime>1</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>a</ComponentVerifyTicket></xml>`,
		`<xml><AppId>wx1</AppId><CreateTime>1</CreateTime><InfoType>component_verify_ticket</InfoType><ComponentVerifyTicket>b</ComponentVerifyTicket></xml>`,
	}
	seen := map[string]string{}
	for _, b := range distinct {
		k := DedupKey(parse(b))
		if prev, dup := seen[k]; dup {
			t.Errorf("key %q shared by\n%s\n%s", k, prev, b)
		}
		seen[k] = b
	}
}

// Two replicas sharing one DedupStore: a retry that lands on the other
// replica while the first still runs the host waits for it and gets its
// reply; a later retry is answered from the record; the host runs once.
func TestHandlerReplicasShareDedup(t *testing.T) {
	store := &MemoryDedupStore{}
	release := make(chan struct{})
	var calls atomicCounter
	host := MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
		calls.add()
		<-release
		return TextReply{Content: "from replica A"}, nil
	})
	a := newTestHandler(t, HandlerConfig{Handler: host, Dedup: store, DedupPollInterval: 5 * time.Millisecond})
	b := newTestHandler(t, HandlerConfig{Handler: host, Dedup: store, DedupPollInterval: 5 * time.Millisecond})
	body := textXML("shared", 96)
	first := make(chan string)
	go func() { first <- serve(a, testPush{mode: modeAES, body: body}.request(t)).Body.String() }()
	for calls.get() == 0 {
		time.Sleep(time.Millisecond)
	}
	retry := make(chan string)
	go func() { retry <- serve(b, testPush{mode: modeAES, body: body}.request(t)).Body.String() }()
	time.Sleep(20 * time.Millisecond) // b polls the store meanwhile
	close(release)
	for name, ch := range map[string]chan string{"first": first, "retry on B": retry} {
		if got := openReply(t, testCrypter(t), <-ch); !strings.Contains(got, "from replica A") {
			t.Errorf("%s got %q", name, got)
		}
	}
	if got := openReply(t, testCrypter(t), serve(b, testPush{mode: modeAES, body: body}.request(t)).Body.String()); !strings.Contains(got, "from replica A") {
		t.Errorf("later retry got %q", got)
	}
	if n := calls.get(); n != 1 {
		t.Fatalf("host ran %d times, want 1", n)
	}
}

type atomicCounter struct{ n atomic.Int32 }

func (c *atomicCounter) add()     { c.n.Add(1) }
func (c *atomicCounter) get() int { return int(c.n.Load()) }
