package wechatmp

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

const (
	testKey    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // official sample key ('G' has non-zero trailing bits)
	testOldKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	testToken  = "spamtest"
	testAppID  = "wx2c2769f8efd9abc2"
	testTS     = "1409735669"
	testNonce  = "1320562132"
)

func mustCrypter(t testing.TB, keys ...string) *Crypter {
	t.Helper()
	c, err := NewCrypter(testToken, testAppID, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rawSeal encrypts an arbitrary FullStr buffer (already padded or not) with
// key, so tests can build malformed plaintexts that Encrypt never produces.
func rawSeal(t *testing.T, key string, full []byte) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(key + "=")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(raw)
	out := make([]byte, len(full))
	cipher.NewCBCEncrypter(block, raw[:16]).CryptBlocks(out, full)
	return base64.StdEncoding.EncodeToString(out)
}

// fullStr builds random | len | msg | appid with the given length field, padded
// with pad bytes of value padValue (count padCount).
func fullStr(msg, appID string, lenField uint32, padValue byte, padCount int) []byte {
	b := make([]byte, 0, 64+len(msg))
	b = append(b, "0123456789abcdef"...)
	b = binary.BigEndian.AppendUint32(b, lenField)
	b = append(b, msg...)
	b = append(b, appID...)
	for i := 0; i < padCount; i++ {
		b = append(b, padValue)
	}
	return b
}

func TestNewCrypterKeyValidation(t *testing.T) {
	cases := map[string]string{
		"short":      testKey[:42],
		"long":       testKey + "A",
		"not base64": strings.Repeat("!", 43),
		"empty":      "",
	}
	for name, k := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := NewCrypter(testToken, testAppID, k)
			if !errors.Is(err, ErrIllegalAESKey) || CryptoCode(err) != -40004 {
				t.Fatalf("got %v (code %d), want ErrIllegalAESKey", err, CryptoCode(err))
			}
		})
	}
	if _, err := NewCrypter(testToken, testAppID); !errors.Is(err, ErrIllegalAESKey) {
		t.Fatalf("no key: got %v", err)
	}
	if _, err := NewCrypter(testToken, testAppID, testKey, testKey, testKey); !errors.Is(err, ErrIllegalAESKey) {
		t.Fatalf("three keys: got %v", err)
	}
	if _, err := NewCrypter(testToken, "", testKey); err == nil {
		t.Fatal("empty appID accepted")
	}
}

func TestCryptoNegatives(t *testing.T) {
	c := mustCrypter(t, testKey)
	msg := "<xml><Content><![CDATA[hi]]></Content></xml>"
	good := fullStr(msg, testAppID, uint32(len(msg)), 0, 0)
	padded := func(b []byte) []byte {
		p := aesBlock - len(b)%aesBlock
		return append(b, bytes.Repeat([]byte{byte(p)}, p)...)
	}
	withPadValue := func(v byte) []byte {
		b := padded(append([]byte(nil), good...))
		b[len(b)-1] = v
		return b
	}
	encGood := rawSeal(t, testKey, padded(append([]byte(nil), good...)))
	cases := []struct {
		name    string
		encrypt string
		sigTok  string // token used to compute msg_signature ("" = the right one)
		appID   string
		want    error
	}{
		{name: "ok", encrypt: encGood},
		{name: "wrong token", encrypt: encGood, sigTok: "other", want: ErrInvalidSignature},
		{name: "wrong appid", encrypt: encGood, appID: "wx0000000000000000", want: ErrAppIDMismatch},
		{name: "pad 0", encrypt: rawSeal(t, testKey, withPadValue(0)), want: ErrIllegalBuffer},
		{name: "pad 33", encrypt: rawSeal(t, testKey, withPadValue(33)), want: ErrIllegalBuffer},
		{name: "inconsistent pad", encrypt: rawSeal(t, testKey, func() []byte {
			b := padded(append([]byte(nil), good...))
			if b[len(b)-1] < 2 {
				b = append(b[:len(b)-1], bytes.Repeat([]byte{32}, 32)...)
				b = b[:len(b)-len(b)%aesBlock]
			}
			b[len(b)-2] ^= 0x40
			return b
		}()), want: ErrIllegalBuffer},
		{name: "oversized length", encrypt: rawSeal(t, testKey, padded(fullStr(msg, testAppID, 0xFFFF, 0, 0))), want: ErrIllegalBuffer},
		{name: "length beyond uint31", encrypt: rawSeal(t, testKey, padded(fullStr(msg, testAppID, 0xFFFFFFFF, 0, 0))), want: ErrIllegalBuffer},
		{name: "truncated ciphertext", encrypt: func() string {
			raw, _ := base64.StdEncoding.DecodeString(encGood)
			return base64.StdEncoding.EncodeToString(raw[:len(raw)-8])
		}(), want: ErrDecrypt},
		{name: "too short", encrypt: base64.StdEncoding.EncodeToString(make([]byte, 16)), want: ErrDecrypt},
		{name: "empty", encrypt: "", want: ErrDecrypt},
		{name: "non-base64", encrypt: "%%%not base64%%%", want: ErrBase64},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := c
			if tc.appID != "" {
				var err error
				if cc, err = NewCrypter(testToken, tc.appID, testKey); err != nil {
					t.Fatal(err)
				}
			}
			tok := testToken
			if tc.sigTok != "" {
				tok = tc.sigTok
			}
			sig := MsgSignature(tok, testTS, testNonce, tc.encrypt)
			got, _, err := cc.Decrypt(sig, testTS, testNonce, tc.encrypt)
			if tc.want == nil {
				if err != nil || string(got) != msg {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var ce *CryptoError
			if !errors.As(err, &ce) || ce.Code != CryptoCode(tc.want) {
				t.Fatalf("code: got %v", err)
			}
		})
	}
}

func TestKeyRotation(t *testing.T) {
	old := mustCrypter(t, testOldKey)
	rotated := mustCrypter(t, testKey, testOldKey)
	msg := []byte("<xml><MsgType><![CDATA[text]]></MsgType></xml>")

	// A message sealed with the previous key opens with key index 1 ...
	enc, sig, err := old.Encrypt(msg, testTS, testNonce, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, key, err := rotated.Decrypt(sig, testTS, testNonce, enc)
	if err != nil || key != 1 || !bytes.Equal(got, msg) {
		t.Fatalf("previous key: got %q key %d err %v", got, key, err)
	}
	// ... and the reply sealed with that key opens for the old side.
	renc, rsig, err := rotated.Encrypt([]byte("reply"), testTS, testNonce, key)
	if err != nil {
		t.Fatal(err)
	}
	if back, _, err := old.Decrypt(rsig, testTS, testNonce, renc); err != nil || string(back) != "reply" {
		t.Fatalf("reply: %q %v", back, err)
	}
	// A message sealed with the current key opens with index 0.
	enc, sig, _ = rotated.Encrypt(msg, testTS, testNonce, 0)
	if _, key, err := rotated.Decrypt(sig, testTS, testNonce, enc); err != nil || key != 0 {
		t.Fatalf("current key: key %d err %v", key, err)
	}
	// A key that is neither fails with the current key's error.
	stranger := mustCrypter(t, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	enc, sig, _ = stranger.Encrypt(msg, testTS, testNonce, 0)
	if _, _, err := rotated.Decrypt(sig, testTS, testNonce, enc); CryptoCode(err) == 0 {
		t.Fatalf("stranger's message: got %v", err)
	}
	if _, _, err := rotated.Encrypt(msg, testTS, testNonce, 2); !errors.Is(err, ErrEncrypt) {
		t.Fatalf("key index 2: got %v", err)
	}
}

func TestEncryptRoundTripSizes(t *testing.T) {
	c := mustCrypter(t, testKey, testOldKey)
	for n := 0; n < 200; n++ {
		msg := bytes.Repeat([]byte("消"), n)
		enc, sig, err := c.Encrypt(msg, testTS, testNonce, n%2)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.StdEncoding.DecodeString(enc)
		if len(raw)%aesBlock != 0 {
			t.Fatalf("n=%d: ciphertext %d bytes, not a multiple of 32", n, len(raw))
		}
		got, key, err := c.Decrypt(sig, testTS, testNonce, enc)
		if err != nil || key != n%2 || !bytes.Equal(got, msg) {
			t.Fatalf("n=%d: %v key %d", n, err, key)
		}
	}
}

func TestOpenAppendsToDst(t *testing.T) {
	c := mustCrypter(t, testKey)
	enc, _, _ := c.Encrypt([]byte("hello"), testTS, testNonce, 0)
	got, _, err := c.Open([]byte("prefix:"), []byte(enc))
	if err != nil || string(got) != "prefix:hello" {
		t.Fatalf("got %q %v", got, err)
	}
	buf := make([]byte, 0, 4096)
	got, _, err = c.Open(buf, []byte(enc))
	if err != nil || string(got) != "hello" || &got[:1][0] != &buf[:1][0] {
		t.Fatalf("did not reuse dst: %q %v", got, err)
	}
}

func TestSignatureRejectsNearMisses(t *testing.T) {
	sig := Signature(testToken, testTS, testNonce)
	for _, bad := range []string{"", sig[:39], sig + "0", strings.ToUpper(sig), "0" + sig[1:]} {
		if bad == sig {
			continue
		}
		if err := VerifySignature(testToken, testTS, testNonce, bad); !errors.Is(err, ErrInvalidSignature) {
			t.Fatalf("%q accepted", bad)
		}
	}
	if err := VerifySignature(testToken, testTS, "other", sig); !errors.Is(err, ErrInvalidSignature) {
		t.Fatal("wrong nonce accepted")
	}
}

func BenchmarkDecrypt(b *testing.B) {
	c := mustCrypter(b, testKey)
	msg := bytes.Repeat([]byte("x"), 300)
	enc, sig, _ := c.Encrypt(msg, testTS, testNonce, 0)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, _, err := c.Decrypt(sig, testTS, testNonce, enc); err != nil {
			b.Fatal(err)
		}
	}
}
