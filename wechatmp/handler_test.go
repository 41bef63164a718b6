package wechatmp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewHandlerConfigErrors(t *testing.T) {
	c := testCrypter(t)
	tests := []struct {
		name string
		cfg  HandlerConfig
	}{
		{"no handler", HandlerConfig{Token: "t"}},
		{"no token", HandlerConfig{Handler: &Mux{}}},
		{"token mismatch", HandlerConfig{Handler: &Mux{}, Token: "other", Crypter: c}},
		{"require aes without crypter", HandlerConfig{Handler: &Mux{}, Token: "t", RequireEncryption: true}},
		{"interactions without appid", HandlerConfig{Handler: &Mux{}, Token: "t", Interactions: &recordedInteractions{}}},
		{"negative", HandlerConfig{Handler: &Mux{}, Token: "t", Deadline: -1}},
	}
	for _, tt := range tests {
		if _, err := NewHandler(tt.cfg); !errors.Is(err, ErrHandlerConfig) {
			t.Errorf("%s: err = %v, want ErrHandlerConfig", tt.name, err)
		}
	}
}

func TestHandlerURLVerification(t *testing.T) {
	h := newTestHandler(t, HandlerConfig{Handler: &Mux{}})
	ts := strconv.FormatInt(testEpoch.Unix(), 10)
	get := func(q url.Values) *httptest.ResponseRecorder {
		return serve(h, httptest.NewRequest(http.MethodGet, "/wechat?"+q.Encode(), nil))
	}
	good := url.Values{"signature": {Signature(hToken, ts, "42")}, "timestamp": {ts}, "nonce": {"42"}, "echostr": {"4375120948345356249 &x"}}
	if w := get(good); w.Code != 200 || w.Body.String() != "4375120948345356249 &x" {
		t.Fatalf("good GET = %d %q", w.Code, w.Body)
	}
	bad := url.Values{"signature": {"0" + Signature(hToken, ts, "42")[1:]}, "timestamp": {ts}, "nonce": {"42"}, "echostr": {"secret-echo"}}
	if w := get(bad); w.Code != 403 || strings.Contains(w.Body.String(), "secret-echo") {
		t.Fatalf("bad GET = %d %q", w.Code, w.Body)
	}
	// The official doc's example (token AAAAA, vectors.json).
	hdoc := newTestHandler(t, HandlerConfig{Token: "AAAAA", Handler: &Mux{}, Now: func() time.Time { return time.Unix(1714036504, 0) }})
	w := serve(hdoc, httptest.NewRequest(http.MethodGet, "/?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=4375120948345356249&timestamp=1714036504&nonce=1514711492", nil))
	if w.Code != 200 || w.Body.String() != "4375120948345356249" {
		t.Fatalf("doc example GET = %d %q", w.Code, w.Body)
	}
}

func TestHandlerModes(t *testing.T) {
	old := testCrypter(t, testKeyOld)
	rotated := testCrypter(t, testKeyNew, testKeyOld)
	tests := []struct {
		name      string
		push      testPush
		crypter   *Crypter // of the handler
		decryptor *Crypter // opens the reply; nil: plaintext reply expected
		wantJSON  bool
	}{
		{"plaintext xml", testPush{mode: modePlain, body: textXML("hi", 1)}, nil, nil, false},
		{"plaintext json", testPush{mode: modePlain, body: `{"ToUserName":"gh_7f083739789a","FromUserName":"oUser123","CreateTime":1700000000,"MsgType":"text","Content":"hi","MsgId":2}`}, nil, nil, true},
		{"secure xml", testPush{mode: modeAES, body: textXML("hi", 3)}, rotated, testCrypter(t), false},
		{"secure json", testPush{mode: modeAESJSON, body: `{"ToUserName":"gh_7f083739789a","FromUserName":"oUser123","CreateTime":1700000000,"MsgType":"text","Content":"hi","MsgId":4}`}, rotated, testCrypter(t), true},
		{"compatible", testPush{mode: modeCompat, body: textXML("hi", 5)}, rotated, testCrypter(t), false},
		{"previous key", testPush{mode: modeAES, body: textXML("hi", 6), crypter: old}, rotated, old, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := HandlerConfig{Handler: &echoText{}, Crypter: tt.crypter}
			if tt.crypter == nil {
				cfg.Token = hToken
			}
			h := newTestHandler(t, cfg)
			w := serve(h, tt.push.request(t))
			if w.Code != 200 {
				t.Fatalf("status %d %q", w.Code, w.Body)
			}
			body := w.Body.String()
			if tt.decryptor != nil {
				body = openReply(t, tt.decryptor, body)
			}
			if tt.wantJSON {
				want := `{"ToUserName":"oUser123","FromUserName":"gh_7f083739789a","CreateTime":1700000000,"MsgType":"text","Content":"echo: hi"}`
				if body != want {
					t.Fatalf("reply %s, want %s", body, want)
				}
				if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, "json") {
					t.Errorf("Content-Type %q", ct)
				}
				return
			}
			want := `<xml><ToUserName><![CDATA[oUser123]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[echo: hi]]></Content></xml>`
			if body != want {
				t.Fatalf("reply %s, want %s", body, want)
			}
		})
	}
}

// The reply to a push decrypted with the previous key is encrypted with that
// key, not with the current one.
func TestHandlerReplyUsesDecryptingKey(t *testing.T) {
	h := newTestHandler(t, HandlerConfig{Handler: &echoText{}, Crypter: testCrypter(t, testKeyNew, testKeyOld)})
	w := serve(h, testPush{mode: modeAES, body: textXML("hi", 7), crypter: testCrypter(t, testKeyOld)}.request(t))
	var x struct{ Encrypt string }
	_ = xmlUnmarshalString(w.Body.String(), &x)
	if _, _, err := testCrypter(t, testKeyNew).Open(nil, []byte(x.Encrypt)); err == nil {
		t.Fatal("reply opens with the current key; want the previous one only")
	}
	if _, _, err := testCrypter(t, testKeyOld).Open(nil, []byte(x.Encrypt)); err != nil {
		t.Fatalf("reply does not open with the previous key: %v", err)
	}
}

func TestHandlerCompatibleModeTrustsOnlyCiphertext(t *testing.T) {
	e := &echoText{}
	h := newTestHandler(t, HandlerConfig{Handler: e})
	p := testPush{mode: modeCompat, body: textXML("genuine", 8)}
	r := p.request(t)
	// Tamper with the plaintext part: the handler must read the encrypted one.
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(strings.Replace(string(b), "genuine", "forged", 1)))
	w := serve(h, r)
	if got := openReply(t, testCrypter(t), w.Body.String()); !strings.Contains(got, "echo: genuine") {
		t.Fatalf("reply %s", got)
	}
}

func TestHandlerStatuses(t *testing.T) {
	h := newTestHandler(t, HandlerConfig{Handler: &echoText{}, MaxBodyBytes: 2048})
	good := func() *http.Request { return testPush{mode: modeAES, body: textXML("x", 9)}.request(t) }
	withQuery := func(r *http.Request, k, v string) *http.Request {
		q := r.URL.Query()
		q.Set(k, v)
		r.URL.RawQuery = q.Encode()
		return r
	}
	withBody := func(r *http.Request, body string) *http.Request {
		r.Body = io.NopCloser(strings.NewReader(body))
		r.ContentLength = int64(len(body))
		return r
	}
	big := strings.Repeat("x", 4096)
	unknownLength := good()
	unknownLength.Body = io.NopCloser(strings.NewReader(big))
	unknownLength.ContentLength = -1
	tests := []struct {
		name string
		req  *http.Request
		want int
	}{
		{"good", good(), 200},
		{"put", httptest.NewRequest(http.MethodPut, "/", nil), 405},
		{"bad signature", withQuery(good(), "signature", strings.Repeat("0", 40)), 403},
		{"no signature", withQuery(good(), "signature", ""), 403},
		{"bad msg_signature", withQuery(good(), "msg_signature", strings.Repeat("0", 40)), 403},
		{"bad encrypt_type", withQuery(good(), "encrypt_type", "rsa"), 400},
		{"bad escape", withRawQuery(good(), "nonce=%zz"), 400},
		{"not xml", withBody(good(), "<xml><Encrypt>"), 400},
		{"content-length too large", withBody(good(), big), 413},
		{"unknown length too large", unknownLength, 413},
		{"foreign appid", testPush{mode: modeAES, body: textXML("x", 10), crypter: hCrypterFor(t, hToken, "wxOTHER", testKeyNew)}.request(t), 403},
		{"wrong key", testPush{mode: modeAES, body: textXML("x", 11), crypter: testCrypter(t, testKeyOld)}.request(t), 400},
		{"plaintext garbage", testPush{mode: modePlain, body: "not a message"}.request(t), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, tt.req)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d (%q)", w.Code, tt.want, w.Body)
			}
			if tt.want != 200 && w.Body.String() != http.StatusText(tt.want) {
				t.Errorf("error body %q leaks more than the status text", w.Body)
			}
			if tt.want == 405 && w.Header().Get("Allow") != "GET, POST" {
				t.Errorf("Allow = %q", w.Header().Get("Allow"))
			}
		})
	}
}

func withRawQuery(r *http.Request, raw string) *http.Request {
	r.URL.RawQuery = raw + "&" + r.URL.RawQuery
	return r
}

func hCrypterFor(t testing.TB, token, appID string, keys ...string) *Crypter {
	t.Helper()
	c, err := NewCrypter(token, appID, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHandlerEncryptedPushWithoutCrypter(t *testing.T) {
	h := newTestHandler(t, HandlerConfig{Token: hToken, Handler: &echoText{}})
	if w := serve(h, testPush{mode: modeAES, body: textXML("x", 12)}.request(t)); w.Code != 400 {
		t.Fatalf("status %d", w.Code)
	}
}

func TestHandlerRequireEncryption(t *testing.T) {
	h := newTestHandler(t, HandlerConfig{Handler: &echoText{}, RequireEncryption: true})
	if w := serve(h, testPush{mode: modePlain, body: textXML("x", 13)}.request(t)); w.Code != 403 {
		t.Fatalf("plaintext push status %d, want 403", w.Code)
	}
	if w := serve(h, testPush{mode: modeAES, body: textXML("x", 14)}.request(t)); w.Code != 200 {
		t.Fatalf("encrypted push status %d, want 200", w.Code)
	}
}

func TestHandlerReplayWindow(t *testing.T) {
	clock := newTestClock()
	e := &echoText{}
	h := newTestHandler(t, HandlerConfig{Handler: e, Now: clock.Now, DisableDedup: true})
	at := func(offset time.Duration) int {
		ts := strconv.FormatInt(testEpoch.Add(offset).Unix(), 10)
		return serve(h, testPush{mode: modeAES, body: textXML("x", 15), timestamp: ts}.request(t)).Code
	}
	for _, tt := range []struct {
		offset time.Duration
		want   int
	}{{0, 200}, {-5 * time.Minute, 200}, {5 * time.Minute, 200}, {-5*time.Minute - time.Second, 403}, {6 * time.Minute, 403}, {-24 * time.Hour, 403}} {
		if got := at(tt.offset); got != tt.want {
			t.Errorf("timestamp offset %v: status %d, want %d", tt.offset, got, tt.want)
		}
	}
	if n := e.count(); n != 3 {
		t.Errorf("handler called %d times, want 3", n)
	}
	// A replayed capture, a day later, is refused even though it is signed.
	req := testPush{mode: modeAES, body: textXML("x", 16)}.request(t)
	clock.Advance(24 * time.Hour)
	if w := serve(h, req); w.Code != 403 {
		t.Fatalf("replay a day later: status %d, want 403", w.Code)
	}
	// Disabled.
	h2 := newTestHandler(t, HandlerConfig{Handler: e, Now: clock.Now, ReplayWindow: -1})
	if w := serve(h2, testPush{mode: modeAES, body: textXML("x", 17)}.request(t)); w.Code != 200 {
		t.Fatalf("window disabled: status %d", w.Code)
	}
}

func TestVerifyTimestamp(t *testing.T) {
	now := time.Unix(1700000000, 0)
	for ts, want := range map[string]bool{"1700000000": true, "1699999700": true, "1700000300": true, "1699999699": false, "": false, "abc": false, "-5": false, "99999999999999999999": false} {
		err := VerifyTimestamp(ts, now, 5*time.Minute)
		if (err == nil) != want || (err != nil && !errors.Is(err, ErrStaleTimestamp)) {
			t.Errorf("VerifyTimestamp(%q) = %v, want ok=%v", ts, err, want)
		}
	}
}

type recordedInteractions struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (r *recordedInteractions) RecordInteraction(_ context.Context, appID, openID string, kind Interaction, at time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, appID+"|"+openID+"|"+kind.String()+"|"+strconv.FormatInt(at.Unix(), 10))
	return r.err
}

func TestHandlerInteractions(t *testing.T) {
	rec := &recordedInteractions{err: errors.New("window store down")}
	h := newTestHandler(t, HandlerConfig{Handler: &echoText{}, Interactions: rec})
	pushes := []string{
		textXML("a", 20),
		textXML("a", 20), // retry: not recorded again
		eventXML("subscribe", "", ""),
		eventXML("CLICK", "menu1", ""),
		eventXML("VIEW", "http://x", ""),
		eventXML("unsubscribe", "", ""),
	}
	for _, b := range pushes {
		if w := serve(h, testPush{mode: modeAES, body: b}.request(t)); w.Code != 200 {
			t.Fatalf("status %d for %s", w.Code, b)
		}
	}
	ts := strconv.FormatInt(testEpoch.Unix(), 10)
	want := []string{
		hAppID + "|oUser123|message|" + ts,
		hAppID + "|oUser123|follow|" + ts,
		hAppID + "|oUser123|menu|" + ts,
	}
	if strings.Join(rec.calls, "\n") != strings.Join(want, "\n") {
		t.Fatalf("interactions\n%s\nwant\n%s", strings.Join(rec.calls, "\n"), strings.Join(want, "\n"))
	}
}

func TestHandlerDeduplicatesRetries(t *testing.T) {
	e := &echoText{}
	h := newTestHandler(t, HandlerConfig{Handler: e})
	first := serve(h, testPush{mode: modeAES, body: textXML("hello", 30)}.request(t))
	retry := serve(h, testPush{mode: modeAES, body: textXML("hello", 30)}.request(t))
	if e.count() != 1 {
		t.Fatalf("handler called %d times, want 1", e.count())
	}
	a, b := openReply(t, testCrypter(t), first.Body.String()), openReply(t, testCrypter(t), retry.Body.String())
	if a != b || !strings.Contains(a, "echo: hello") {
		t.Fatalf("retry got %q, first %q", b, a)
	}
	// Another message is handled.
	serve(h, testPush{mode: modeAES, body: textXML("hello", 31)}.request(t))
	if e.count() != 2 {
		t.Fatalf("handler called %d times, want 2", e.count())
	}
}

// Two different events of one user in the same second are never merged; a
// retry of either is.
func TestHandlerEventsInOneSecondNotMerged(t *testing.T) {
	e := &echoText{}
	h := newTestHandler(t, HandlerConfig{Handler: e})
	events := []string{
		eventXML("CLICK", "menu_a", ""),
		eventXML("CLICK", "menu_b", ""),
		eventXML("scancode_push", "scan", "<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>"),
		eventXML("scancode_push", "scan", "<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[2]]></ScanResult></ScanCodeInfo>"),
		eventXML("LOCATION", "", "<Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>1</Precision>"),
		eventXML("subscribe", "", ""),
	}
	for _, ev := range events {
		serve(h, testPush{mode: modeAES, body: ev}.request(t))
	}
	if e.count() != len(events) {
		t.Fatalf("handler called %d times, want %d", e.count(), len(events))
	}
	for _, ev := range events {
		// A retry may be re-serialised with other whitespace.
		serve(h, testPush{mode: modeAES, body: reindent(ev)}.request(t))
	}
	if e.count() != len(events) {
		t.Fatalf("retries reached the handler: %d calls, want %d", e.count(), len(events))
	}
}

func TestHandlerDedupOff(t *testing.T) {
	e := &echoText{}
	h := newTestHandler(t, HandlerConfig{Handler: e, DisableDedup: true})
	serve(h, testPush{mode: modeAES, body: textXML("x", 40)}.request(t))
	serve(h, testPush{mode: modeAES, body: textXML("x", 40)}.request(t))
	if e.count() != 2 {
		t.Fatalf("handler called %d times, want 2", e.count())
	}
}

// A failing handler releases its claim: the retry runs it again and gets the
// reply (mark-before-handle would drop it).
func TestHandlerFailureReleasesClaim(t *testing.T) {
	var calls int
	var mu sync.Mutex
	h := newTestHandler(t, HandlerConfig{Handler: MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		switch calls {
		case 1:
			return nil, errors.New("database down: secret detail")
		case 2:
			panic("boom")
		}
		return TextReply{Content: "recovered"}, nil
	})})
	w := serve(h, testPush{mode: modeAES, body: textXML("x", 50)}.request(t))
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret") {
		t.Fatalf("failure answered %d %q", w.Code, w.Body)
	}
	if w := serve(h, testPush{mode: modeAES, body: textXML("x", 50)}.request(t)); w.Code != 500 {
		t.Fatalf("panic answered %d", w.Code)
	}
	w = serve(h, testPush{mode: modeAES, body: textXML("x", 50)}.request(t))
	if got := openReply(t, testCrypter(t), w.Body.String()); !strings.Contains(got, "recovered") || calls != 3 {
		t.Fatalf("retry reply %q after %d calls", got, calls)
	}
}

// An invalid reply is a bug of the host: logged, answered with success.
func TestHandlerInvalidReply(t *testing.T) {
	h := newTestHandler(t, HandlerConfig{Handler: MessageHandlerFunc(func(context.Context, *Message) (Reply, error) {
		return NewsReply{Articles: []Article{{Title: "a", URL: "u"}, {Title: "b", URL: "u"}}}, nil
	})})
	if w := serve(h, testPush{mode: modeAES, body: textXML("x", 51)}.request(t)); w.Code != 200 || w.Body.String() != ReplySuccess {
		t.Fatalf("got %d %q", w.Code, w.Body)
	}
}

// The host runs late: the handler answers success at the deadline, the host's
// context ends, the host finishes in the background and its reply reaches the
// next retry — both a retry that arrives while it still runs (and waits for
// it) and one that arrives after.
func TestHandlerLateReplyReachesRetry(t *testing.T) {
	release := make(chan struct{})
	ctxErr := make(chan error, 1)
	var calls int
	var mu sync.Mutex
	h := newTestHandler(t, HandlerConfig{Handler: MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		<-ctx.Done()
		ctxErr <- ctx.Err()
		<-release
		return TextReply{Content: "late answer"}, nil
	})})
	var timers fakeTimers
	timers.install(h)

	first := make(chan *httptest.ResponseRecorder)
	go func() { first <- serve(h, testPush{mode: modeAES, body: textXML("slow", 60)}.request(t)) }()
	deadline := timers.next(t)
	if deadline.d != DefaultDeadline {
		t.Errorf("deadline timer %v, want %v", deadline.d, DefaultDeadline)
	}
	deadline.fire()
	w := <-first
	if w.Code != 200 || w.Body.String() != ReplySuccess {
		t.Fatalf("first attempt answered %d %q, want success", w.Code, w.Body)
	}
	if err := <-ctxErr; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("host context ended with %v", err)
	}

	// A retry while the host still runs waits for it.
	second := make(chan *httptest.ResponseRecorder)
	go func() { second <- serve(h, testPush{mode: modeAES, body: textXML("slow", 60)}.request(t)) }()
	wait := timers.next(t)
	close(release)
	w = <-second
	if got := openReply(t, testCrypter(t), w.Body.String()); !strings.Contains(got, "late answer") {
		t.Fatalf("waiting retry got %q", got)
	}
	wait.mu.Lock()
	released := wait.released
	wait.mu.Unlock()
	if !released {
		t.Error("wait timer not released")
	}
	// A later retry gets it from the record.
	w = serve(h, testPush{mode: modeAES, body: textXML("slow", 60)}.request(t))
	if got := openReply(t, testCrypter(t), w.Body.String()); !strings.Contains(got, "late answer") {
		t.Fatalf("later retry got %q", got)
	}
	if calls != 1 {
		t.Fatalf("host called %d times, want 1", calls)
	}
}

// A retry whose own deadline passes while the first attempt still runs is
// answered with success; the reply stays for the retry after it.
func TestHandlerRetryOfInFlightTimesOut(t *testing.T) {
	release := make(chan struct{})
	h := newTestHandler(t, HandlerConfig{Handler: MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
		<-release
		return TextReply{Content: "very late"}, nil
	})})
	var timers fakeTimers
	timers.install(h)
	first := make(chan *httptest.ResponseRecorder)
	go func() { first <- serve(h, testPush{mode: modeAES, body: textXML("slow", 61)}.request(t)) }()
	timers.next(t).fire()
	<-first
	second := make(chan *httptest.ResponseRecorder)
	go func() { second <- serve(h, testPush{mode: modeAES, body: textXML("slow", 61)}.request(t)) }()
	timers.next(t).fire()
	if w := <-second; w.Body.String() != ReplySuccess {
		t.Fatalf("timed-out retry got %q", w.Body)
	}
	close(release)
	if err := h.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := serve(h, testPush{mode: modeAES, body: textXML("slow", 61)}.request(t))
	if got := openReply(t, testCrypter(t), w.Body.String()); !strings.Contains(got, "very late") {
		t.Fatalf("third attempt got %q", got)
	}
}

// A late reply after LateTimeout is dropped; the record answers success and
// the host is not run again.
func TestHandlerReplyAfterLateTimeoutDropped(t *testing.T) {
	clock := newTestClock()
	release := make(chan struct{})
	var calls int
	h := newTestHandler(t, HandlerConfig{Now: clock.Now, Handler: MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
		calls++
		<-release
		return TextReply{Content: "too late"}, nil
	})})
	var timers fakeTimers
	timers.install(h)
	done := make(chan struct{})
	go func() { serve(h, testPush{mode: modeAES, body: textXML("slow", 62)}.request(t)); close(done) }()
	timers.next(t).fire()
	<-done
	clock.Advance(DefaultDeadline + DefaultLateTimeout + time.Second)
	close(release)
	_ = h.Shutdown(context.Background())
	w := serve(h, testPush{mode: modeAES, body: textXML("slow", 62), timestamp: strconv.FormatInt(clock.Now().Unix(), 10)}.request(t))
	if w.Body.String() != ReplySuccess || calls != 1 {
		t.Fatalf("retry got %q after %d calls", w.Body, calls)
	}
}

// A claim left by a replica that died is taken over once its lease runs out,
// so the retry is handled instead of lost.
func TestHandlerTakesOverDeadClaim(t *testing.T) {
	clock := newTestClock()
	store := &MemoryDedupStore{Now: clock.Now}
	e := &echoText{}
	h := newTestHandler(t, HandlerConfig{Handler: e, Dedup: store, Now: clock.Now})
	var timers fakeTimers
	timers.install(h)
	body := textXML("orphan", 63)
	m, err := ParseMessage([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := store.Claim(context.Background(), DedupKey(m), DedupRecord{Owner: "dead-replica"}, DefaultDeadline+time.Second); !ok {
		t.Fatal("pre-claim failed")
	}
	clock.Advance(5 * time.Second) // WeChat retries 5 s later
	out := make(chan *httptest.ResponseRecorder)
	go func() {
		out <- serve(h, testPush{mode: modeAES, body: body, timestamp: strconv.FormatInt(clock.Now().Unix(), 10)}.request(t))
	}()
	poll := timers.next(t)
	if poll.d != DefaultDedupPollInterval {
		t.Errorf("poll timer %v", poll.d)
	}
	clock.Advance(time.Second) // the dead claim's lease runs out
	poll.fire()
	deadline := timers.next(t) // the retry now runs the host itself
	w := <-out
	_ = deadline
	if got := openReply(t, testCrypter(t), w.Body.String()); !strings.Contains(got, "echo: orphan") || e.count() != 1 {
		t.Fatalf("takeover reply %q, %d calls", got, e.count())
	}
}

type failingStore struct{ MemoryDedupStore }

func (*failingStore) Claim(context.Context, string, DedupRecord, time.Duration) (bool, DedupRecord, error) {
	return false, DedupRecord{}, errors.New("redis down")
}

// A failing store does not lose pushes: they are handled without dedup.
func TestHandlerDedupStoreDownFailsOpen(t *testing.T) {
	e := &echoText{}
	h := newTestHandler(t, HandlerConfig{Handler: e, Dedup: &failingStore{}})
	w := serve(h, testPush{mode: modeAES, body: textXML("x", 64)}.request(t))
	if got := openReply(t, testCrypter(t), w.Body.String()); !strings.Contains(got, "echo: x") {
		t.Fatalf("got %q", got)
	}
}

func TestHandlerNeverLogsSecrets(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newTestHandler(t, HandlerConfig{Handler: MessageHandlerFunc(func(ctx context.Context, m *Message) (Reply, error) {
		if testContent(m) == "fail" {
			return nil, errors.New("failed")
		}
		return TextReply{Content: "reply-secret-content"}, nil
	}), Logger: logger})
	serve(h, testPush{mode: modeAES, body: textXML("user-secret-content", 70)}.request(t))
	serve(h, testPush{mode: modeAES, body: textXML("fail", 71)}.request(t))
	r := testPush{mode: modeAES, body: textXML("x", 72)}.request(t)
	r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "msg_signature=", "msg_signature=0", 1)
	serve(h, r)
	out := logs.String()
	for _, secret := range []string{hToken, testKeyNew, "user-secret-content", "reply-secret-content", "Encrypt"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "msg_signature") || !strings.Contains(out, "message handler failed") {
		t.Errorf("expected diagnostics missing:\n%s", out)
	}
}

func TestHandlerQueryParsing(t *testing.T) {
	q, ok := handlerParseQuery("signature=a%2Bb&timestamp=1&timestamp=2&nonce=n+1&encrypt_type=aes&msg_signature=m&echostr=e%26&&x=1&openid")
	if !ok || q.signature != "a+b" || q.timestamp != "1" || q.nonce != "n 1" || q.encryptType != "aes" || q.msgSignature != "m" || q.echostr != "e&" {
		t.Fatalf("%+v %v", q, ok)
	}
	if _, ok := handlerParseQuery("nonce=%zz"); ok {
		t.Fatal("bad escape accepted")
	}
}

func xmlUnmarshalString(s string, v any) error {
	return xmlUnmarshal([]byte(s), v)
}

// reindent puts a newline and indentation between elements, as another XML
// writer might.
func reindent(x string) string {
	return regexp.MustCompile(`(</[^>]+>|<xml>)<`).ReplaceAllString(x, "$1\n  <")
}
