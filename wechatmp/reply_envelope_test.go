package wechatmp

import (
	"errors"
	"strings"
	"testing"
)

// The official doc's worked example of an encrypted reply (token AAAAA,
// EncodingAESKey 43×'A', testdata/samples/_envelopes/3_*): the envelope is
// rendered byte for byte in both formats, and opens to the doc's plaintext.
func TestAppendReplyEnvelopeOfficialExample(t *testing.T) {
	const (
		enc   = "ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ=="
		sig   = "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1"
		ts    = "1713424427"
		nonce = "415670741"
	)
	wantXML := `<xml><Encrypt><![CDATA[` + enc + `]]></Encrypt><MsgSignature><![CDATA[` + sig + `]]></MsgSignature><TimeStamp>` + ts + `</TimeStamp><Nonce><![CDATA[` + nonce + `]]></Nonce></xml>`
	if got := string(AppendReplyEnvelope([]byte("p:"), enc, sig, ts, nonce, FormatXML)); got != "p:"+wantXML {
		t.Errorf("XML\n got %s\nwant p:%s", got, wantXML)
	}
	wantJSON := `{"Encrypt":"` + enc + `","MsgSignature":"` + sig + `","TimeStamp":` + ts + `,"Nonce":"` + nonce + `"}`
	if got := string(AppendReplyEnvelope(nil, enc, sig, ts, nonce, FormatJSON)); got != wantJSON {
		t.Errorf("JSON\n got %s\nwant %s", got, wantJSON)
	}
	c, err := NewCrypter("AAAAA", "wxba5fad812f8e6fb9", strings.Repeat("A", 43))
	if err != nil {
		t.Fatal(err)
	}
	if MsgSignature("AAAAA", ts, nonce, enc) != sig {
		t.Fatal("doc example signature does not reproduce")
	}
	plain, _, err := c.Decrypt(sig, ts, nonce, enc)
	if err != nil || string(plain) != `{"demo_resp":"good luck"}` {
		t.Fatalf("doc example opens to %q, %v", plain, err)
	}
	// A timestamp that is not a number is quoted, never injected.
	if got := string(AppendReplyEnvelope(nil, "e", "s", `1"}`, "n", FormatJSON)); got != `{"Encrypt":"e","MsgSignature":"s","TimeStamp":"1\"}","Nonce":"n"}` {
		t.Errorf("odd timestamp: %s", got)
	}
}

// AppendEncryptedReply seals with the requested key, in the push's format,
// and the result parses and opens again.
func TestAppendEncryptedReplyRoundTrip(t *testing.T) {
	c := testCrypter(t, testKeyNew, testKeyOld)
	plain := []byte(`<xml><Content><![CDATA[您好]]></Content></xml>`)
	for _, f := range []Format{FormatXML, FormatJSON} {
		for key := range 2 {
			out, err := AppendEncryptedReply(nil, c, key, plain, "1700000001", "42", f)
			if err != nil {
				t.Fatal(err)
			}
			env, err := ParseMessage(out)
			if err != nil || env.Format != f {
				t.Fatalf("%s envelope %s: %v", f, out, err)
			}
			if ts, _ := env.ExtraValue("TimeStamp"); ts != "1700000001" {
				t.Errorf("TimeStamp %q", ts)
			}
			if n, _ := env.ExtraValue("Nonce"); n != "42" {
				t.Errorf("Nonce %q", n)
			}
			got := openReply(t, testCrypter(t, []string{testKeyNew, testKeyOld}[key]), string(out))
			if got != string(plain) {
				t.Errorf("opened %q", got)
			}
		}
	}
	if _, err := AppendEncryptedReply(nil, c, 5, plain, "1", "2", FormatXML); err == nil {
		t.Error("key index 5 accepted")
	}
}

// One Handler detects the mode of every request on its own: plaintext,
// compatible and secure (XML and JSON envelopes) pushes interleave.
func TestHandlerDetectsModePerRequest(t *testing.T) {
	h := newTestHandler(t, HandlerConfig{Handler: &echoText{}})
	jsonText := func(id int) string {
		return `{"ToUserName":"gh_7f083739789a","FromUserName":"oUser123","CreateTime":1700000000,"MsgType":"text","Content":"hi","MsgId":` + string(rune('0'+id)) + `}`
	}
	for i, p := range []testPush{
		{mode: modePlain, body: textXML("hi", 1)},
		{mode: modeAES, body: textXML("hi", 2)},
		{mode: modeCompat, body: textXML("hi", 3)},
		{mode: modeAESJSON, body: jsonText(4)},
		{mode: modePlain, body: jsonText(5)},
		{mode: modeAES, body: jsonText(6)},
	} {
		w := serve(h, p.request(t))
		if w.Code != 200 {
			t.Fatalf("push %d: status %d", i, w.Code)
		}
		body := w.Body.String()
		if p.mode != modePlain {
			body = openReply(t, testCrypter(t), body)
		}
		if !strings.Contains(body, "echo: hi") {
			t.Errorf("push %d (mode %d): reply %s", i, p.mode, body)
		}
		wantJSON := strings.HasPrefix(p.body, "{")
		if gotJSON := strings.HasPrefix(body, "{"); gotJSON != wantJSON {
			t.Errorf("push %d: reply format json=%v, want %v", i, gotJSON, wantJSON)
		}
	}
}

// The pooled, allocation-free envelope path produces exactly what
// EncryptWithRandom and AppendReplyEnvelope produce (the official Java
// sample's vector), for both formats and for messages larger than the pool's
// buffers.
func TestAppendEncryptedReplyMatchesEncryptWithRandom(t *testing.T) {
	c, err := NewCrypter("pamtest", "wxb11529c136998cb6", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	if err != nil {
		t.Fatal(err)
	}
	random := []byte("aaaabbbbccccdddd")
	for _, plain := range []string{"我是中文abcd123", strings.Repeat("长消息", 3000)} {
		enc, sig, err := c.EncryptWithRandom(random, []byte(plain), "1409304348", "xxxxxx", 0)
		if err != nil {
			t.Fatal(err)
		}
		if plain == "我是中文abcd123" && sig != "82c962d39941aa48552f90ef55aa323dc620cc10" {
			t.Fatalf("vector signature %s", sig)
		}
		for _, f := range []Format{FormatXML, FormatJSON} {
			want := AppendReplyEnvelope([]byte("p:"), enc, sig, "1409304348", "xxxxxx", f)
			got, err := c.appendEncryptedReply([]byte("p:"), random, 0, []byte(plain), "1409304348", "xxxxxx", f)
			if err != nil || string(got) != string(want) {
				t.Fatalf("%s, %d bytes: got %.120s…, %v; want %.120s…", f, len(plain), got, err, want)
			}
		}
	}
	if _, err := c.appendEncryptedReply(nil, []byte("short"), 0, []byte("x"), "1", "2", FormatXML); !errors.Is(err, ErrEncrypt) {
		t.Fatalf("short random: %v", err)
	}
}
