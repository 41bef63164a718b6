package wechatmp

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// FuzzHandlerBody posts arbitrary plaintext bodies to a Handler, in plaintext
// mode and encrypted in secure mode (XML and JSON envelopes), with valid
// signatures so that the parser and the dispatch path are reached. The
// Handler must never panic, must answer 200 exactly when ParseMessage accepts
// the body and 400 otherwise, and an encrypted reply must decrypt.
func FuzzHandlerBody(f *testing.F) {
	c := testCrypter(f)
	h := newTestHandler(f, HandlerConfig{Crypter: c, Handler: MessageHandlerFunc(func(_ context.Context, m *Message) (Reply, error) {
		if m.Content == "" {
			return nil, nil
		}
		return TextReply{Content: m.Content}, nil
	})})
	f.Add([]byte(textXML("你好 <&>", 1)), uint8(modePlain))
	f.Add([]byte(textXML("hi", 2)), uint8(modeAES))
	f.Add([]byte(`{"ToUserName":"gh_1","FromUserName":"o","CreateTime":1700000000,"MsgType":"text","Content":"x","MsgId":3}`), uint8(modeAESJSON))
	f.Add([]byte(eventXML("CLICK", "k", "<New><A>1</A></New>")), uint8(modePlain))
	f.Add([]byte(`<!DOCTYPE xml><xml/>`), uint8(modeAES))
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		p := testPush{mode: testMode(mode % 3), body: string(body)}
		_, perr := ParseMessage(body)
		w := serve(h, p.request(t))
		want := http.StatusOK
		if perr != nil {
			want = http.StatusBadRequest
		}
		if w.Code != want {
			t.Fatalf("status %d, want %d (parse error: %v); body %q", w.Code, want, perr, w.Body)
		}
		if w.Code != http.StatusOK {
			if got := strings.TrimSpace(w.Body.String()); got != http.StatusText(w.Code) {
				t.Fatalf("error body %q leaks more than the status text", got)
			}
			return
		}
		if p.mode != modePlain && w.Body.String() != ReplySuccess {
			openReply(t, c, w.Body.String())
		}
	})
}
