package wechatmp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// Serve an account's callback URL: a Mux routes text messages and menu
// clicks, the Handler checks, decrypts, deduplicates and replies. The push
// is built here as WeChat sends it in secure mode; the reply is read back
// with the same Crypter.
func ExampleHandler() {
	crypter, err := wechatmp.NewCrypter("kefutoken", "wx5823bf96d3bd56c7", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	if err != nil {
		panic(err)
	}
	mux := new(wechatmp.Mux)
	mux.HandleFunc(wechatmp.MsgTypeText, func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
		return wechatmp.TextReply{Content: "收到：" + m.Content}, nil
	})
	mux.HandleEventFunc(wechatmp.EventClick, func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
		// Events are never transferred to WeChat's customer service
		// (transfer_customer_service is for user messages only).
		return wechatmp.TextReply{Content: "客服马上为您服务"}, nil
	})
	now := time.Unix(1700000000, 0)
	h, err := wechatmp.NewHandler(wechatmp.HandlerConfig{
		Crypter: crypter,
		Handler: mux,
		Now:     func() time.Time { return now }, // a fixed clock for the example's output
	})
	if err != nil {
		panic(err)
	}

	// What WeChat posts: a signed, encrypted text message.
	ts, nonce := "1700000000", "1514711492"
	plain := `<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oUser123]]></FromUserName>` +
		`<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[退款到账了吗]]></Content><MsgId>1</MsgId></xml>`
	encrypt, msgSig, _ := crypter.Encrypt([]byte(plain), ts, nonce, 0)
	q := url.Values{"signature": {wechatmp.Signature("kefutoken", ts, nonce)}, "timestamp": {ts}, "nonce": {nonce},
		"openid": {"oUser123"}, "encrypt_type": {"aes"}, "msg_signature": {msgSig}}
	body := "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), strings.NewReader(body)))

	// The encrypted reply, opened.
	env, _ := wechatmp.ParseMessage(w.Body.Bytes())
	enc, _ := env.ExtraValue("Encrypt")
	sig, _ := env.ExtraValue("MsgSignature")
	rts, _ := env.ExtraValue("TimeStamp")
	rnonce, _ := env.ExtraValue("Nonce")
	reply, _, err := crypter.Decrypt(sig, rts, rnonce, enc)
	fmt.Println(w.Code, err)
	fmt.Println(string(reply))

	// A forged signature gets a bare 403.
	q.Set("signature", strings.Repeat("0", 40))
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), strings.NewReader(body)))
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 200 <nil>
	// <xml><ToUserName><![CDATA[oUser123]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[收到：退款到账了吗]]></Content></xml>
	// 403 Forbidden
}

// Parse a push into a Message: typed fields for the known kinds, and Extra
// for fields the SDK has no place for yet.
func ExampleParseMessage() {
	m, err := wechatmp.ParseMessage([]byte(`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser123]]></FromUserName>` +
		`<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>` +
		`<EventKey><![CDATA[qrscene_spring]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket><Campaign><Id>7</Id></Campaign></xml>`))
	if err != nil {
		panic(err)
	}
	fmt.Println(m.MsgType, m.Event, m.QRScene, m.Ticket)
	fmt.Println(m.ExtraValue("Campaign/Id"))
	// Output:
	// event subscribe spring TICKET
	// 7 true
}
