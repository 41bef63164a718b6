package wechatmp

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// vector is one entry of testdata/vectors.json (wechat.md §2).
type vector struct {
	Source               string   `json:"source"`
	Kind                 string   `json:"kind"`
	Token                string   `json:"token"`
	EncodingAESKey       *string  `json:"encoding_aes_key"`
	AppID                *string  `json:"appid"`
	Timestamp            string   `json:"timestamp"`
	Nonce                string   `json:"nonce"`
	MsgSignature         *string  `json:"msg_signature"`
	Signature            *string  `json:"signature"`
	Encrypt              *string  `json:"encrypt"`
	Plaintext            *string  `json:"plaintext"`
	PlaintextContains    []string `json:"plaintext_contains"`
	DecryptedPlaintext   *string  `json:"decrypted_plaintext"`
	Random               *string  `json:"random"`
	EmbeddedAppID        *string  `json:"embedded_appid"`
	ComputedMsgSignature *string  `json:"computed_msg_signature"`
	Expect               string   `json:"expect"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

var expectCode = regexp.MustCompile(`-400\d\d`)

// wantFailure reports whether the vector expects a failure, and the official
// code it names, if any.
func (v vector) wantFailure() (bool, int) {
	if strings.EqualFold(strings.TrimSpace(v.Expect), "ok") {
		return false, 0
	}
	if m := expectCode.FindString(v.Expect); m != "" {
		code, _ := strconv.Atoi(m)
		return true, code
	}
	return true, 0
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	return vs
}

// randomBytes reads a vector's random prefix: 16 literal characters, or 32 hex digits.
func randomBytes(t *testing.T, s string) []byte {
	if len(s) == 32 {
		if b, err := hex.DecodeString(s); err == nil {
			return b
		}
	}
	if len(s) != 16 {
		t.Fatalf("random %q is neither 16 bytes nor 32 hex digits", s)
	}
	return []byte(s)
}

// TestKnownAnswerVectors runs every vector of testdata/vectors.json: signatures,
// decryption (with the embedded appid) and encryption with a fixed random, and
// for vectors that expect a failure, that it fails with the named code.
func TestKnownAnswerVectors(t *testing.T) {
	for i, v := range loadVectors(t) {
		name := strconv.Itoa(i) + "_" + v.Kind
		t.Run(name, func(t *testing.T) {
			fail, code := v.wantFailure()
			err := runVector(t, v)
			switch {
			case !fail && err != nil:
				t.Fatalf("%s: %v", v.Source, err)
			case fail && err == nil:
				t.Fatalf("%s: want failure %q, got success", v.Source, v.Expect)
			case fail && code != 0 && CryptoCode(err) != code:
				t.Fatalf("%s: want code %d, got %d (%v)", v.Source, code, CryptoCode(err), err)
			}
		})
	}
}

type vectorMismatch string

func (m vectorMismatch) Error() string { return string(m) }

// runVector performs the vector's operation and returns the first error or
// mismatch. Mismatches are plain errors with no crypto code.
func runVector(t *testing.T, v vector) error {
	switch v.Kind {
	case "plain_signature":
		if err := VerifySignature(v.Token, v.Timestamp, v.Nonce, str(v.Signature)); err != nil {
			return err
		}
		if got := Signature(v.Token, v.Timestamp, v.Nonce); got != str(v.Signature) {
			return vectorMismatch("signature " + got)
		}
		return nil
	case "msg_signature_only":
		return VerifyMsgSignature(v.Token, v.Timestamp, v.Nonce, str(v.Encrypt), str(v.MsgSignature))
	case "decrypt_msg", "verify_url_encrypted":
		appID := str(v.AppID)
		if appID == "" {
			appID = str(v.EmbeddedAppID)
		}
		c, err := NewCrypter(v.Token, appID, str(v.EncodingAESKey))
		if err != nil {
			return err
		}
		var got []byte
		if v.MsgSignature != nil {
			got, _, err = c.Decrypt(str(v.MsgSignature), v.Timestamp, v.Nonce, str(v.Encrypt))
		} else {
			got, _, err = c.Open(nil, []byte(str(v.Encrypt)))
		}
		if err != nil {
			return err
		}
		if v.Plaintext != nil && string(got) != *v.Plaintext {
			return vectorMismatch("plaintext " + string(got))
		}
		if v.DecryptedPlaintext != nil && string(got) != *v.DecryptedPlaintext {
			return vectorMismatch("decrypted plaintext " + string(got))
		}
		for _, part := range v.PlaintextContains {
			if !strings.Contains(string(got), part) {
				return vectorMismatch("plaintext lacks " + part)
			}
		}
		return nil
	case "encrypt_fixed_random":
		c, err := NewCrypter(v.Token, str(v.AppID), str(v.EncodingAESKey))
		if err != nil {
			return err
		}
		enc, sig, err := c.EncryptWithRandom(randomBytes(t, str(v.Random)), []byte(str(v.Plaintext)), v.Timestamp, v.Nonce, 0)
		if err != nil {
			return err
		}
		if enc != str(v.Encrypt) {
			return vectorMismatch("encrypt " + enc)
		}
		for _, want := range []*string{v.MsgSignature, v.ComputedMsgSignature} {
			if want != nil && sig != *want {
				return vectorMismatch("msg_signature " + sig)
			}
		}
		// And it opens again to the same message.
		back, _, err := c.Decrypt(sig, v.Timestamp, v.Nonce, enc)
		if err != nil {
			return err
		}
		if string(back) != str(v.Plaintext) {
			return vectorMismatch("round trip " + string(back))
		}
		return nil
	default:
		t.Fatalf("unknown vector kind %q", v.Kind)
		return nil
	}
}
