package wechatmp

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	hToken     = "kefutest"
	hAppID     = "wx5823bf96d3bd56c7"
	testKeyNew = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testKeyOld = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	testGh     = "gh_7f083739789a"
	testUser   = "oUser123"
)

var testEpoch = time.Unix(1700000000, 0)

func testCrypter(t testing.TB, keys ...string) *Crypter {
	t.Helper()
	if len(keys) == 0 {
		keys = []string{testKeyNew}
	}
	c, err := NewCrypter(hToken, hAppID, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testMode is how a test push is sent.
type testMode int

const (
	modePlain   testMode = iota
	modeAES              // secure mode, XML envelope
	modeAESJSON          // secure mode, JSON envelope
	modeCompat           // compatible mode: plaintext fields and Encrypt
)

// testPush builds a callback request as WeChat sends it.
type testPush struct {
	mode      testMode
	body      string   // the plaintext message
	crypter   *Crypter // encrypts (modeAES…); nil means testCrypter
	key       int      // key index to encrypt with
	timestamp string   // "" means testEpoch
	nonce     string   // "" means a counter
}

var hNonceSeq struct {
	sync.Mutex
	n int
}

func (p testPush) request(t testing.TB) *http.Request {
	t.Helper()
	ts := p.timestamp
	if ts == "" {
		ts = strconv.FormatInt(testEpoch.Unix(), 10)
	}
	nonce := p.nonce
	if nonce == "" {
		hNonceSeq.Lock()
		hNonceSeq.n++
		nonce = strconv.Itoa(100000 + hNonceSeq.n)
		hNonceSeq.Unlock()
	}
	q := url.Values{"signature": {Signature(hToken, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}, "openid": {testUser}}
	body := p.body
	if p.mode != modePlain {
		c := p.crypter
		if c == nil {
			c = testCrypter(t)
		}
		enc, sig, err := c.Encrypt([]byte(p.body), ts, nonce, p.key)
		if err != nil {
			t.Fatal(err)
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", sig)
		switch p.mode {
		case modeAES:
			body = "<xml><ToUserName><![CDATA[" + testGh + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
		case modeAESJSON:
			body = `{"ToUserName":"` + testGh + `","Encrypt":"` + enc + `"}`
		case modeCompat:
			body = strings.Replace(p.body, "</xml>", "<Encrypt><![CDATA["+enc+"]]></Encrypt></xml>", 1)
		}
	}
	r := httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), strings.NewReader(body))
	r.Header.Set("Content-Type", "text/xml")
	return r
}

func textXML(content string, msgID int64) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>`,
		testGh, testUser, testEpoch.Unix(), content, msgID)
}

func eventXML(event, key string, extra string) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[%s]]></Event><EventKey><![CDATA[%s]]></EventKey>%s</xml>`,
		testGh, testUser, testEpoch.Unix(), event, key, extra)
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// openReply checks and decrypts an encrypted reply body with c.
func openReply(t testing.TB, c *Crypter, body string) string {
	t.Helper()
	var env struct {
		Encrypt, MsgSignature, Nonce string
		TimeStamp                    json.Number
	}
	var err error
	if strings.HasPrefix(body, "{") {
		err = json.Unmarshal([]byte(body), &env)
	} else {
		var x struct {
			Encrypt, MsgSignature, TimeStamp, Nonce string
		}
		err = xml.Unmarshal([]byte(body), &x)
		env.Encrypt, env.MsgSignature, env.TimeStamp, env.Nonce = x.Encrypt, x.MsgSignature, json.Number(x.TimeStamp), x.Nonce
	}
	if err != nil || env.Encrypt == "" {
		t.Fatalf("not an encrypted reply: %q (%v)", body, err)
	}
	plain, _, err := c.Decrypt(env.MsgSignature, env.TimeStamp.String(), env.Nonce, env.Encrypt)
	if err != nil {
		t.Fatalf("reply does not decrypt: %v", err)
	}
	return string(plain)
}

// fakeTimers replaces the Handler's timers: every timer made is sent on
// created, and fires only when the test sends on it.
type fakeTimers struct{ created chan *fakeTimer }

type fakeTimer struct {
	d        time.Duration
	c        chan time.Time
	mu       sync.Mutex
	released bool
}

func (f *fakeTimers) install(h *Handler) {
	f.created = make(chan *fakeTimer, 64)
	h.newTimer = func(d time.Duration) handlerTimer {
		t := &fakeTimer{d: d, c: make(chan time.Time, 1)}
		f.created <- t
		return t
	}
}

func (f *fakeTimers) next(t *testing.T) *fakeTimer {
	t.Helper()
	select {
	case ft := <-f.created:
		return ft
	case <-time.After(10 * time.Second):
		t.Fatal("no timer was started")
		return nil
	}
}

func (t *fakeTimer) Chan() <-chan time.Time { return t.c }
func (t *fakeTimer) Release()               { t.mu.Lock(); t.released = true; t.mu.Unlock() }
func (t *fakeTimer) fire()                  { t.c <- time.Time{} }

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: testEpoch} }

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestHandler(t testing.TB, cfg HandlerConfig) *Handler {
	t.Helper()
	if cfg.Token == "" && cfg.Crypter == nil {
		cfg.Crypter = testCrypter(t)
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testEpoch }
	}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Shutdown(ctx)
	})
	return h
}

// echoText replies "echo: <Content>" to text messages and counts calls.
type echoText struct {
	mu    sync.Mutex
	calls []*Message
}

func (e *echoText) ServeMessage(_ context.Context, m *Message) (Reply, error) {
	e.mu.Lock()
	e.calls = append(e.calls, m)
	e.mu.Unlock()
	if m.MsgType == MsgTypeText {
		return TextReply{Content: "echo: " + testContent(m)}, nil
	}
	return nil, nil
}

func (e *echoText) count() int { e.mu.Lock(); defer e.mu.Unlock(); return len(e.calls) }

// testContent extracts Content from the raw body, independent of the
// parser's typed fields.
func testContent(m *Message) string {
	var x struct{ Content string }
	if len(m.Raw) > 0 && m.Raw[0] == '{' {
		_ = json.Unmarshal(m.Raw, &x)
	} else {
		_ = xml.Unmarshal(m.Raw, &x)
	}
	return x.Content
}

func xmlUnmarshal(b []byte, v any) error { return xml.Unmarshal(b, v) }
