package wechatmp

import (
	"errors"
	"strings"
	"testing"
)

func TestOpenMessage(t *testing.T) {
	c := testCrypter(t, testKeyNew, testKeyOld)
	const ts, nonce = "1700000000", "42"
	plain := textXML("你好", 1)
	seal := func(sealer *Crypter, msg string) (enc, sig string) {
		enc, sig, err := sealer.Encrypt([]byte(msg), ts, nonce, 0)
		if err != nil {
			t.Fatal(err)
		}
		return enc, sig
	}
	enc, sig := seal(testCrypter(t), plain)
	encOld, sigOld := seal(testCrypter(t, testKeyOld), plain)
	encForeign, sigForeign := seal(hCrypterFor(t, hToken, "wxOTHER", testKeyNew), plain)
	encGarbage, sigGarbage := seal(testCrypter(t), "<xml><Content>x")
	xmlEnv := func(e string) string {
		return "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[" + e + "]]></Encrypt></xml>"
	}
	tests := []struct {
		name    string
		body    string
		sig     string
		wantKey int
		want    error
	}{
		{"xml envelope", xmlEnv(enc), sig, 0, nil},
		{"json envelope", `{"ToUserName":"gh_1","Encrypt":"` + enc + `"}`, sig, 0, nil},
		{"previous key", xmlEnv(encOld), sigOld, 1, nil},
		{"bad signature", xmlEnv(enc), sigOld, 0, ErrInvalidSignature},
		{"foreign appid", xmlEnv(encForeign), sigForeign, 0, ErrAppIDMismatch},
		{"no Encrypt", "<xml><ToUserName>gh_1</ToUserName></xml>", sig, 0, ErrNoEncrypt},
		{"DOCTYPE", `<!DOCTYPE x><xml><Encrypt>` + enc + `</Encrypt></xml>`, sig, 0, ErrForbiddenXML},
		{"plaintext not a message", xmlEnv(encGarbage), sigGarbage, 0, ErrMalformed},
		{"not base64", xmlEnv("%%%%"), MsgSignature(hToken, ts, nonce, "%%%%"), 0, ErrBase64},
		{"empty", "", sig, 0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			m, key, err := c.OpenMessage(body, ts, nonce, tt.sig)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || m != nil {
					t.Fatalf("OpenMessage = %v, %v; want %v", m, err, tt.want)
				}
				return
			}
			if err != nil || key != tt.wantKey {
				t.Fatalf("OpenMessage: key %d, %v", key, err)
			}
			// The body may be reused: the Message does not depend on it.
			for i := range body {
				body[i] = 'X'
			}
			if m.Content != "你好" || m.MsgID != 1 || string(m.Raw) != plain || m.FromUserName != testUser {
				t.Fatalf("message %+v", m)
			}
		})
	}
}

// TestOpenMessageLargeBody exercises a ciphertext larger than the pooled
// scratch buffers.
func TestOpenMessageLargeBody(t *testing.T) {
	c := testCrypter(t, testKeyNew, testKeyOld)
	content := strings.Repeat("长", 40000)
	enc, sig, err := testCrypter(t, testKeyOld).Encrypt([]byte(textXML(content, 2)), "1", "2", 0)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		m, key, err := c.OpenMessage([]byte(`{"Encrypt":"`+enc+`"}`), "1", "2", sig)
		if err != nil || key != 1 || m.Content != content {
			t.Fatalf("key %d, err %v", key, err)
		}
	}
}
