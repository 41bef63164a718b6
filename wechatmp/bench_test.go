package wechatmp

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// benchFixture is testdata/bench_fixture.json, an unchanged copy of the peer
// harness's fixture (../shared/bench/fixture.json): one secure-mode text
// message callback, measured the same way for kefu, the other SDKs and the floor.
type benchFixture struct {
	Token          string `json:"token"`
	EncodingAESKey string `json:"encoding_aes_key"`
	AppID          string `json:"app_id"`
	OriginalID     string `json:"original_id"`
	Method         string `json:"method"`
	Target         string `json:"target"`
	ContentType    string `json:"content_type"`
	Body           string `json:"body"`
	Plaintext      string `json:"plaintext"`
	ReplyText      string `json:"reply_text"`
}

func loadBenchFixture(tb testing.TB) (benchFixture, url.Values, *Crypter) {
	tb.Helper()
	raw, err := os.ReadFile("testdata/bench_fixture.json")
	if err != nil {
		tb.Fatal(err)
	}
	var f benchFixture
	if err := json.Unmarshal(raw, &f); err != nil {
		tb.Fatal(err)
	}
	q, err := url.ParseQuery(f.Target[strings.IndexByte(f.Target, '?')+1:])
	if err != nil {
		tb.Fatal(err)
	}
	c, err := NewCrypter(f.Token, f.AppID, f.EncodingAESKey)
	if err != nil {
		tb.Fatal(err)
	}
	return f, q, c
}

// BenchmarkCallback is the callback work without HTTP, as the Handler does it
// (Crypter.OpenMessage): parse the envelope, verify msg_signature, decrypt
// and parse one secure-mode text message.
func BenchmarkCallback(b *testing.B) {
	f, q, c := loadBenchFixture(b)
	body := []byte(f.Body)
	ts, nonce, sig := q.Get("timestamp"), q.Get("nonce"), q.Get("msg_signature")
	callback := func() *Message {
		m, _, err := c.OpenMessage(body, ts, nonce, sig)
		if err != nil {
			b.Fatal(err)
		}
		return m
	}
	if m := callback(); string(m.Raw) != f.Plaintext || m.MsgType != MsgTypeText || m.Content == "" {
		b.Fatalf("wrong message %+v", m)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		callback()
	}
}

// BenchmarkReply builds and encrypts a text reply into a reused buffer.
func BenchmarkReply(b *testing.B) {
	f, q, c := loadBenchFixture(b)
	h := ReplyHeader{ToUserName: "oia2TjjewbmiOUlr6X-1crbLOvLw", FromUserName: f.OriginalID, CreateTime: 1700000000}
	nonce := q.Get("nonce")
	var plain, out []byte
	reply := func() {
		var err error
		plain, err = AppendReply(plain[:0], h, TextReply{Content: f.ReplyText})
		if err != nil {
			b.Fatal(err)
		}
		out, err = AppendEncryptedReply(out[:0], c, 0, plain, "1700000001", nonce, FormatXML)
		if err != nil {
			b.Fatal(err)
		}
	}
	reply()
	if got := openReply(b, c, string(out)); !strings.Contains(got, f.ReplyText) {
		b.Fatalf("reply %q", got)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reply()
	}
}

// BenchmarkCryptoFloor is the unavoidable cryptographic work of
// BenchmarkCallback on the same bytes: the sorted SHA-1 of msg_signature,
// base64 decoding and AES-256-CBC decryption, into reused buffers.
func BenchmarkCryptoFloor(b *testing.B) {
	f, q, _ := loadBenchFixture(b)
	key, err := base64.StdEncoding.DecodeString(f.EncodingAESKey + "=")
	if err != nil {
		b.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		b.Fatal(err)
	}
	enc := f.Body[strings.Index(f.Body, "<Encrypt><![CDATA[")+len("<Encrypt><![CDATA[") : strings.Index(f.Body, "]]></Encrypt>")]
	parts := []string{f.Token, q.Get("timestamp"), q.Get("nonce"), enc}
	sort.Strings(parts)
	joined := make([]byte, 0, 1024)
	ct := make([]byte, base64.StdEncoding.DecodedLen(len(enc)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		joined = joined[:0]
		for _, p := range parts {
			joined = append(joined, p...)
		}
		_ = sha1.Sum(joined)
		n, err := base64.StdEncoding.Decode(ct, []byte(enc))
		if err != nil {
			b.Fatal(err)
		}
		cipher.NewCBCDecrypter(block, key[:16]).CryptBlocks(ct[:n], ct[:n])
	}
}

// benchServe replays the fixture request through h as ../shared/bench/README.md
// prescribes: built once with httptest.NewRequest; per iteration a shallow copy
// with a fresh body and a new recorder. check validates one answer first.
func benchServe(b *testing.B, f benchFixture, h http.Handler, check func(*httptest.ResponseRecorder) string) {
	b.Helper()
	tmpl := httptest.NewRequest(f.Method, f.Target, strings.NewReader(f.Body))
	tmpl.Header.Set("Content-Type", f.ContentType)
	w := httptest.NewRecorder()
	r := *tmpl
	h.ServeHTTP(w, &r)
	if problem := check(w); problem != "" {
		b.Fatalf("handler gave a wrong answer: %s (status %d, body %q)", problem, w.Code, w.Body.String())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := *tmpl
		r.Body = io.NopCloser(strings.NewReader(f.Body))
		h.ServeHTTP(httptest.NewRecorder(), &r)
	}
}

func benchHandler(b *testing.B, f benchFixture, c *Crypter, dedup bool, next MessageHandler) *Handler {
	h, err := NewHandler(HandlerConfig{
		Crypter:      c,
		Handler:      next,
		DisableDedup: !dedup,
		Now:          func() time.Time { return time.Unix(1700000000, 0) }, // the fixture's time
	})
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkHandlerCallback is the full http.Handler answering the fixture with
// no reply (dedup off, as the peers have none).
func BenchmarkHandlerCallback(b *testing.B) {
	f, _, c := loadBenchFixture(b)
	h := benchHandler(b, f, c, false, MessageHandlerFunc(func(context.Context, *Message) (Reply, error) { return nil, nil }))
	benchServe(b, f, h, func(w *httptest.ResponseRecorder) string {
		if w.Code != http.StatusOK || w.Body.String() != ReplySuccess {
			return "want success"
		}
		return ""
	})
}

func benchReplyCheck(b *testing.B, f benchFixture, c *Crypter) func(w *httptest.ResponseRecorder) string {
	return func(w *httptest.ResponseRecorder) string {
		if w.Code != http.StatusOK || !strings.Contains(openReply(b, c, w.Body.String()), f.ReplyText) {
			return "want the encrypted reply_text"
		}
		return ""
	}
}

// BenchmarkHandlerReply is the full http.Handler answering the fixture with
// the encrypted passive text reply of reply_text (dedup off).
func BenchmarkHandlerReply(b *testing.B) {
	f, _, c := loadBenchFixture(b)
	h := benchHandler(b, f, c, false, MessageHandlerFunc(func(_ context.Context, m *Message) (Reply, error) {
		return TextReply{Content: f.ReplyText}, nil
	}))
	benchServe(b, f, h, benchReplyCheck(b, f, c))
}

// BenchmarkHandlerDuplicate is the dedup path: after the first answer every
// replay of the fixture is a retry, answered from the in-memory DedupStore's
// record (the reply re-encrypted) without calling the MessageHandler.
func BenchmarkHandlerDuplicate(b *testing.B) {
	f, _, c := loadBenchFixture(b)
	calls := 0
	h := benchHandler(b, f, c, true, MessageHandlerFunc(func(_ context.Context, m *Message) (Reply, error) {
		calls++
		return TextReply{Content: f.ReplyText}, nil
	}))
	benchServe(b, f, h, benchReplyCheck(b, f, c))
	if calls != 1 {
		b.Fatalf("handler called %d times, want 1", calls)
	}
}
