package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/kefu-go/kefu/wechatmp"
)

// runEncrypt reads a plaintext reply on stdin and prints its encrypted reply
// envelope, in the plaintext's format (XML or JSON).
func runEncrypt(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("encrypt", stderr)
	token := fs.String("token", "", "callback token (required)")
	aesKey := fs.String("aes-key", "", "EncodingAESKey, 43 characters (required)")
	appID := fs.String("appid", "", "AppID to embed (required)")
	timestamp := fs.String("timestamp", "", "reply timestamp (required)")
	nonce := fs.String("nonce", "", "nonce of the push being answered (required)")
	random := fs.String("random", "", "16-byte random prefix, as 16 characters or 32 hex digits (default: crypto/rand)")
	err := parseFlags(fs, args, map[string]*string{
		"token": token, "aes-key": aesKey, "appid": appID, "timestamp": timestamp, "nonce": nonce,
	})
	if err != nil {
		return err
	}
	prefix, err := randomPrefix(*random)
	if err != nil {
		return err
	}
	c, err := wechatmp.NewCrypter(*token, *appID, *aesKey)
	if err != nil {
		return cryptoFailure(err)
	}
	plain, err := readInput(stdin, "plaintext")
	if err != nil {
		return err
	}
	if len(plain) == 0 {
		return fmt.Errorf("no plaintext on stdin")
	}
	format := wechatmp.FormatXML
	if m, err := wechatmp.ParseMessage(plain); err == nil {
		format = m.Format
	}
	enc, sig, err := c.EncryptWithRandom(prefix, plain, *timestamp, *nonce, 0)
	if err != nil {
		return cryptoFailure(err)
	}
	out := wechatmp.AppendReplyEnvelope(nil, enc, sig, *timestamp, *nonce, format)
	_, err = stdout.Write(append(out, '\n'))
	return err
}

// randomPrefix decodes the -random flag: 16 characters taken as bytes, or 32
// hex digits; empty means 16 bytes from crypto/rand.
func randomPrefix(s string) ([]byte, error) {
	switch len(s) {
	case 0:
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("random prefix: %w", err)
		}
		return b, nil
	case 16:
		return []byte(s), nil
	case 32:
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("-random: 32 characters must be hex digits: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("-random: want 16 characters or 32 hex digits, got %d characters", len(s))
}
