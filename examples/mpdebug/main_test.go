package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// The official sample of WeChat's encryption documentation.
const (
	offToken   = "spamtest"
	offAppID   = "wx2c2769f8efd9abc2"
	offKey     = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	offSig     = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
	offTS      = "1409735669"
	offNonce   = "1320562132"
	offEncrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
	offPlain   = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
)

var offFlags = []string{"-token", offToken, "-aes-key", offKey, "-appid", offAppID, "-timestamp", offTS, "-nonce", offNonce}

func flags(extra ...string) []string { return append(append([]string(nil), offFlags...), extra...) }

type cliCase struct {
	name       string
	args       []string
	stdin      string
	wantCode   int
	wantOut    string   // exact stdout, checked when non-empty
	outHas     []string // substrings of stdout
	errHas     []string // substrings of stderr
	wantNoErrs bool     // stderr must be empty
}

func runCase(t *testing.T, tc cliCase) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(tc.args, strings.NewReader(tc.stdin), &stdout, &stderr)
	if code != tc.wantCode {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.wantCode, stdout.String(), stderr.String())
	}
	if tc.wantOut != "" && stdout.String() != tc.wantOut {
		t.Errorf("stdout = %q, want %q", stdout.String(), tc.wantOut)
	}
	for _, s := range tc.outHas {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
		}
	}
	for _, s := range tc.errHas {
		if !strings.Contains(stderr.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr.String())
		}
	}
	if tc.wantCode == 0 && stderr.Len() != 0 && tc.wantNoErrs {
		t.Errorf("stderr = %q, want nothing", stderr.String())
	}
	if tc.wantCode != 0 && stderr.Len() == 0 {
		t.Errorf("failure without a message on stderr")
	}
	return stdout.String(), stderr.String()
}

func runCases(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runCase(t, tc) })
	}
}

func TestRunDispatch(t *testing.T) {
	runCases(t, []cliCase{
		{name: "no subcommand", args: nil, wantCode: 1, errHas: []string{"usage:", "mpdebug sign", "mpdebug send"}},
		{name: "unknown subcommand", args: []string{"verify"}, wantCode: 1, errHas: []string{`unknown subcommand "verify"`}},
		{name: "stray argument", args: []string{"sign", "-token", "t", "-timestamp", "1", "-nonce", "2", "extra"}, wantCode: 1, errHas: []string{`unexpected argument "extra"`}},
	})
}

func TestSign(t *testing.T) {
	runCases(t, []cliCase{
		{name: "url signature (doc example)", args: []string{"sign", "-token", "AAAAA", "-timestamp", "1714036504", "-nonce", "1514711492"},
			wantOut: "f464b24fc39322e44b38aa78f5edd27bd1441696\n", wantNoErrs: true},
		{name: "msg_signature (official sample)", args: []string{"sign", "-token", offToken, "-timestamp", offTS, "-nonce", offNonce, "-encrypt", offEncrypt},
			wantOut: offSig + "\n", wantNoErrs: true},
		{name: "missing nonce", args: []string{"sign", "-token", "AAAAA", "-timestamp", "1714036504"}, wantCode: 1, errHas: []string{"-nonce is required"}},
		{name: "missing token", args: []string{"sign", "-timestamp", "1", "-nonce", "2"}, wantCode: 1, errHas: []string{"-token is required"}},
		{name: "unknown flag", args: []string{"sign", "-aes-key", "x"}, wantCode: 1, errHas: []string{"flag provided but not defined"}},
	})
}

func TestDecrypt(t *testing.T) {
	xmlEnv := "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" + offEncrypt + "]]></Encrypt></xml>"
	jsonEnv := `{"ToUserName":"gh_10f6c3c3ac5a","Encrypt":"` + offEncrypt + `"}`
	badB64 := "%%%not base64%%%"
	runCases(t, []cliCase{
		{name: "flag", args: append([]string{"decrypt"}, flags("-msg-signature", offSig, "-encrypt", offEncrypt)...), wantOut: offPlain + "\n", wantNoErrs: true},
		{name: "xml envelope on stdin", args: append([]string{"decrypt"}, flags("-msg-signature", offSig)...), stdin: xmlEnv, wantOut: offPlain + "\n"},
		{name: "json envelope on stdin", args: append([]string{"decrypt"}, flags("-msg-signature", offSig)...), stdin: jsonEnv, wantOut: offPlain + "\n"},
		{name: "signature mismatch", args: append([]string{"decrypt"}, flags("-msg-signature", "0123456789012345678901234567890123456789", "-encrypt", offEncrypt)...),
			wantCode: 1, errHas: []string{"msg_signature mismatch: got 0123456789012345678901234567890123456789, computed " + offSig, "-40001"}},
		{name: "wrong token", args: []string{"decrypt", "-token", "other", "-aes-key", offKey, "-appid", offAppID, "-timestamp", offTS, "-nonce", offNonce, "-msg-signature", offSig, "-encrypt", offEncrypt},
			wantCode: 1, errHas: []string{"msg_signature mismatch: got " + offSig + ", computed " + wechatmp.MsgSignature("other", offTS, offNonce, offEncrypt)}},
		{name: "appid mismatch", args: []string{"decrypt", "-token", offToken, "-aes-key", offKey, "-appid", "wx0000000000000000", "-timestamp", offTS, "-nonce", offNonce, "-msg-signature", offSig, "-encrypt", offEncrypt},
			wantCode: 1, errHas: []string{"appid mismatch", offAppID, "-40005"}},
		{name: "illegal aes key", args: []string{"decrypt", "-token", offToken, "-aes-key", "short", "-appid", offAppID, "-timestamp", offTS, "-nonce", offNonce, "-msg-signature", offSig, "-encrypt", offEncrypt},
			wantCode: 1, errHas: []string{"-40004"}},
		{name: "non-base64", args: append([]string{"decrypt"}, flags("-msg-signature", wechatmp.MsgSignature(offToken, offTS, offNonce, badB64), "-encrypt", badB64)...),
			wantCode: 1, errHas: []string{"-40010"}},
		{name: "envelope without Encrypt", args: append([]string{"decrypt"}, flags("-msg-signature", offSig)...), stdin: "<xml><ToUserName>x</ToUserName></xml>",
			wantCode: 1, errHas: []string{"envelope", "no Encrypt"}},
		{name: "envelope with DOCTYPE", args: append([]string{"decrypt"}, flags("-msg-signature", offSig)...), stdin: `<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>`,
			wantCode: 1, errHas: []string{"forbidden xml"}},
		{name: "missing msg-signature", args: append([]string{"decrypt"}, flags("-encrypt", offEncrypt)...), wantCode: 1, errHas: []string{"-msg-signature is required"}},
	})
}

func TestEncrypt(t *testing.T) {
	// The official Java sample's vector.
	vec := []string{"encrypt", "-token", "pamtest", "-aes-key", offKey, "-appid", "wxb11529c136998cb6", "-timestamp", "1409304348", "-nonce", "xxxxxx", "-random", "aaaabbbbccccdddd"}
	const vecEnc = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
	const vecSig = "82c962d39941aa48552f90ef55aa323dc620cc10"
	runCases(t, []cliCase{
		{name: "official vector", args: vec, stdin: "我是中文abcd123",
			wantOut: "<xml><Encrypt><![CDATA[" + vecEnc + "]]></Encrypt><MsgSignature><![CDATA[" + vecSig + "]]></MsgSignature><TimeStamp>1409304348</TimeStamp><Nonce><![CDATA[xxxxxx]]></Nonce></xml>\n"},
		{name: "hex random", args: append(vec[:len(vec)-1:len(vec)-1], "61616161626262626363636364646464"), stdin: "我是中文abcd123", outHas: []string{vecEnc, vecSig}},
		{name: "json reply gets a json envelope", args: vec, stdin: `{"ToUserName":"u","MsgType":"text","Content":"hi"}`,
			outHas: []string{`{"Encrypt":"`, `"MsgSignature":"`, `"TimeStamp":1409304348`, `"Nonce":"xxxxxx"`}},
		{name: "bad random", args: append(vec[:len(vec)-1:len(vec)-1], "short"), stdin: "x", wantCode: 1, errHas: []string{"-random"}},
		{name: "bad hex random", args: append(vec[:len(vec)-1:len(vec)-1], strings.Repeat("z", 32)), stdin: "x", wantCode: 1, errHas: []string{"hex"}},
		{name: "empty stdin", args: vec, stdin: "", wantCode: 1, errHas: []string{"no plaintext"}},
		{name: "illegal aes key", args: []string{"encrypt", "-token", "t", "-aes-key", strings.Repeat("!", 43), "-appid", "a", "-timestamp", "1", "-nonce", "2"}, stdin: "x",
			wantCode: 1, errHas: []string{"-40004"}},
		{name: "missing appid", args: []string{"encrypt", "-token", "t", "-aes-key", offKey, "-timestamp", "1", "-nonce", "2"}, stdin: "x", wantCode: 1, errHas: []string{"-appid is required"}},
	})
}

// TestEncryptDecryptRoundTrip feeds encrypt's envelope to decrypt.
func TestEncryptDecryptRoundTrip(t *testing.T) {
	const reply = "<xml><ToUserName><![CDATA[o1]]></ToUserName><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[您好]]></Content></xml>"
	env, _ := runCase(t, cliCase{args: append([]string{"encrypt"}, flags()...), stdin: reply})
	m, err := wechatmp.ParseMessage([]byte(env))
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := m.ExtraValue("MsgSignature")
	runCase(t, cliCase{args: append([]string{"decrypt"}, flags("-msg-signature", sig)...), stdin: env, wantOut: reply + "\n"})
}

func TestParse(t *testing.T) {
	text := `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1348831860</CreateTime>` +
		`<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[退款]]></Content><MsgId>1234567890123456</MsgId>` +
		`<NewField>tomorrow</NewField><Outer><Inner>deep</Inner></Outer></xml>`
	runCases(t, []cliCase{
		{name: "xml text with unknown fields", args: []string{"parse"}, stdin: text, outHas: []string{
			`"ToUserName": "gh_1"`, `"CreateTime": 1348831860`, `"MsgType": "text"`, `"Content": "退款"`, `"MsgID": 1234567890123456`,
			`"Format": "xml"`, `"path": "NewField"`, `"value": "tomorrow"`, `"path": "Outer/Inner"`, `"value": "deep"`,
		}},
		{name: "json event", args: []string{"parse"}, stdin: `{"ToUserName":"gh_1","FromUserName":"o1","CreateTime":1,"MsgType":"event","Event":"CLICK","EventKey":"menu_1","Brand":"new"}`,
			outHas: []string{`"Format": "json"`, `"Event": "CLICK"`, `"EventKey": "menu_1"`, `"path": "Brand"`}},
		{name: "unknown msgtype", args: []string{"parse"}, stdin: `<xml><MsgType>hologram</MsgType><Depth>3</Depth></xml>`,
			outHas: []string{`"MsgType": "hologram"`, `"path": "Depth"`}},
		{name: "doctype refused", args: []string{"parse"}, stdin: `<!DOCTYPE xml [<!ENTITY x "y">]><xml><Content>&x;</Content></xml>`, wantCode: 1, errHas: []string{"forbidden xml declaration"}},
		{name: "malformed", args: []string{"parse"}, stdin: `<xml><Content>open</xml>`, wantCode: 1, errHas: []string{"malformed"}},
		{name: "bad CreateTime", args: []string{"parse"}, stdin: `<xml><CreateTime>soon</CreateTime></xml>`, wantCode: 1, errHas: []string{"invalid number", "CreateTime"}},
		{name: "empty", args: []string{"parse"}, stdin: "", wantCode: 1, errHas: []string{"empty body"}},
	})
}

// TestParseOutputIsTheMessage checks that parse prints exactly the Message's JSON form.
func TestParseOutputIsTheMessage(t *testing.T) {
	out, _ := runCase(t, cliCase{args: []string{"parse"}, stdin: offPlain})
	var got wechatmp.Message
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not a Message: %v\n%s", err, out)
	}
	if got.Content != "abcdteT" || got.MsgID != 6054768590064713728 || got.FromUserName != "oyORnuP8q7ou2gfYjqLzSIWZf0rs" {
		t.Errorf("parsed %+v", got)
	}
}

// newServer runs a wechatmp.Handler that echoes text messages.
func newServer(t *testing.T, c *wechatmp.Crypter, token string, h wechatmp.MessageHandlerFunc) *httptest.Server {
	t.Helper()
	if h == nil {
		h = func(_ context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
			if m.Content == "quiet" {
				return nil, nil
			}
			return wechatmp.TextReply{Content: "echo " + m.FromUserName + ": " + m.Content}, nil
		}
	}
	handler, err := wechatmp.NewHandler(wechatmp.HandlerConfig{Token: token, Crypter: c, Handler: h})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}

func TestSend(t *testing.T) {
	c, err := wechatmp.NewCrypter(offToken, offAppID, offKey)
	if err != nil {
		t.Fatal(err)
	}
	plainSrv := newServer(t, nil, offToken, nil)
	secureSrv := newServer(t, c, "", nil)
	otherKey := strings.Repeat("B", 42) + "A"
	secureOtherKey := newServer(t, mustCrypter(t, offToken, offAppID, otherKey), "", nil)
	secure := func(srv *httptest.Server, extra ...string) []string {
		return append([]string{"send", "-url", srv.URL + "/wechat", "-token", offToken, "-aes-key", offKey, "-appid", offAppID, "-from", "oUser1"}, extra...)
	}
	plain := func(srv *httptest.Server, token string, extra ...string) []string {
		return append([]string{"send", "-url", srv.URL, "-token", token, "-from", "oUser1"}, extra...)
	}
	runCases(t, []cliCase{
		{name: "plaintext", args: plain(plainSrv, offToken, "-text", "你好 <&> ]]> x"), outHas: []string{
			"<MsgType><![CDATA[text]]></MsgType>", "echo oUser1: 你好 <&> ]]", "<ToUserName><![CDATA[oUser1]]></ToUserName>"}, wantNoErrs: true},
		{name: "plaintext, no reply", args: plain(plainSrv, offToken, "-text", "quiet"), wantOut: "success\n"},
		{name: "default account", args: plain(plainSrv, offToken, "-text", "hi"), outHas: []string{
			"<FromUserName><![CDATA[gh_mpdebug]]></FromUserName>"}, wantNoErrs: true},
		{name: "-to names the account", args: plain(plainSrv, offToken, "-to", "gh_0123456789ab", "-text", "hi"), outHas: []string{
			"<FromUserName><![CDATA[gh_0123456789ab]]></FromUserName>"}, wantNoErrs: true},
		{name: "secure, reply decrypted", args: secure(secureSrv, "-text", "退款"), outHas: []string{"echo oUser1: 退款"}, wantNoErrs: true},
		{name: "secure, no reply", args: secure(secureSrv, "-text", "quiet"), wantOut: "success\n"},
		{name: "wrong token", args: plain(plainSrv, "other", "-text", "hi"), wantCode: 1, errHas: []string{"403 Forbidden"}},
		{name: "plaintext push to a secure-only server with another token", args: plain(secureSrv, "nope", "-text", "hi"), wantCode: 1, errHas: []string{"403"}},
		{name: "wrong aes key", args: secure(secureOtherKey, "-text", "hi"), wantCode: 1, errHas: []string{"400 Bad Request"}},
		{name: "encrypted push to a plaintext server", args: secure(plainSrv, "-text", "hi"), wantCode: 1, errHas: []string{"400 Bad Request"}},
		{name: "aes-key without appid", args: plain(plainSrv, offToken, "-aes-key", offKey, "-text", "hi"), wantCode: 1, errHas: []string{"-aes-key and -appid go together"}},
		{name: "bad url", args: []string{"send", "-url", "ftp://x", "-token", "t", "-from", "o", "-text", "x"}, wantCode: 1, errHas: []string{"not an http(s) URL"}},
		{name: "missing text", args: plain(plainSrv, offToken), wantCode: 1, errHas: []string{"-text is required"}},
		{name: "no server", args: []string{"send", "-url", "http://127.0.0.1:1/", "-token", "t", "-from", "o", "-text", "x"}, wantCode: 1, errHas: []string{"127.0.0.1:1"}},
	})
}

// TestSendChecksReplySignature serves an encrypted reply whose
// msg_signature is wrong.
func TestSendChecksReplySignature(t *testing.T) {
	c := mustCrypter(t, offToken, offAppID, offKey)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		enc, _, err := c.Encrypt([]byte("<xml><Content>x</Content></xml>"), "1", "2", 0)
		if err != nil {
			t.Error(err)
		}
		_, _ = w.Write(wechatmp.AppendReplyEnvelope(nil, enc, "0000000000000000000000000000000000000000", "1", "2", wechatmp.FormatXML))
	}))
	defer srv.Close()
	runCase(t, cliCase{args: []string{"send", "-url", srv.URL, "-token", offToken, "-aes-key", offKey, "-appid", offAppID, "-from", "o", "-text", "x"},
		wantCode: 1, errHas: []string{"reply: msg_signature mismatch: got 0000000000000000000000000000000000000000, computed"}})
	// The same reply to a plaintext push cannot be read.
	runCase(t, cliCase{args: []string{"send", "-url", srv.URL, "-token", offToken, "-from", "o", "-text", "x"},
		wantCode: 1, errHas: []string{"encrypted reply to a plaintext push"}})
}

// TestSendTimeout: a server slower than WeChat's 5 seconds is reported.
func TestSendTimeout(t *testing.T) {
	old := sendTimeout
	sendTimeout = 50 * time.Millisecond
	defer func() { sendTimeout = old }()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	runCase(t, cliCase{args: []string{"send", "-url", srv.URL, "-token", "t", "-from", "o", "-text", "x"},
		wantCode: 1, errHas: []string{"no answer within 50ms"}})
}

// TestSendStaleClock: a push stamped outside the server's replay window is
// refused, as the Handler's replay protection demands.
func TestSendStaleClock(t *testing.T) {
	old := sendNow
	sendNow = func() time.Time { return time.Now().Add(-time.Hour) }
	defer func() { sendNow = old }()
	srv := newServer(t, nil, "t", nil)
	runCase(t, cliCase{args: []string{"send", "-url", srv.URL, "-token", "t", "-from", "o", "-text", "x"},
		wantCode: 1, errHas: []string{"403"}})
}

func mustCrypter(t *testing.T, token, appID, key string) *wechatmp.Crypter {
	t.Helper()
	c, err := wechatmp.NewCrypter(token, appID, key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
