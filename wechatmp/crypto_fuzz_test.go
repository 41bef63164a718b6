package wechatmp

import (
	"bytes"
	"testing"
)

// FuzzDecrypt feeds arbitrary Encrypt values (and signatures computed over
// them, so the decryption path is reached) to a Crypter holding two keys: it
// must never panic, must return either a message or a crypto error, and what
// Encrypt seals must open again.
func FuzzDecrypt(f *testing.F) {
	c := mustCrypter(f, testKey, testOldKey)
	for _, v := range []string{"", "AAAA", "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655", "%%%"} {
		f.Add(v, []byte("seed"))
	}
	f.Fuzz(func(t *testing.T, encrypt string, msg []byte) {
		sig := MsgSignature(testToken, testTS, testNonce, encrypt)
		got, key, err := c.Decrypt(sig, testTS, testNonce, encrypt)
		if err != nil {
			if CryptoCode(err) == 0 {
				t.Fatalf("error without a crypto code: %v", err)
			}
		} else if key < 0 || key > 1 || len(got) > len(encrypt) {
			t.Fatalf("bad result: key %d, %d bytes from %d", key, len(got), len(encrypt))
		}
		enc, sig2, err := c.Encrypt(msg, testTS, testNonce, len(msg)%2)
		if err != nil {
			t.Fatal(err)
		}
		back, key, err := c.Decrypt(sig2, testTS, testNonce, enc)
		if err != nil || key != len(msg)%2 || !bytes.Equal(back, msg) {
			t.Fatalf("round trip: %v key %d", err, key)
		}
	})
}
