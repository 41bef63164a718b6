package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/kefu-go/kefu/wechatmp"
)

// runDecrypt checks msg_signature, decrypts the Encrypt value (the -encrypt
// flag, or the envelope on stdin), checks the embedded AppID and prints the
// plaintext.
func runDecrypt(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("decrypt", stderr)
	token := fs.String("token", "", "callback token (required)")
	aesKey := fs.String("aes-key", "", "EncodingAESKey, 43 characters (required)")
	appID := fs.String("appid", "", "AppID the message must embed (required)")
	timestamp := fs.String("timestamp", "", "timestamp URL parameter (required)")
	nonce := fs.String("nonce", "", "nonce URL parameter (required)")
	msgSig := fs.String("msg-signature", "", "msg_signature URL parameter (required)")
	encrypt := fs.String("encrypt", "", "Encrypt value (default: read the envelope, XML or JSON, from stdin)")
	err := parseFlags(fs, args, map[string]*string{
		"token": token, "aes-key": aesKey, "appid": appID,
		"timestamp": timestamp, "nonce": nonce, "msg-signature": msgSig,
	})
	if err != nil {
		return err
	}
	c, err := wechatmp.NewCrypter(*token, *appID, *aesKey)
	if err != nil {
		return cryptoFailure(err)
	}
	enc := *encrypt
	if enc == "" {
		body, err := readInput(stdin, "envelope")
		if err != nil {
			return err
		}
		env, err := wechatmp.ParseEnvelope(body)
		if err != nil {
			return fmt.Errorf("envelope: %w", err)
		}
		enc = env.Encrypt
	}
	plain, err := decrypt(c, *msgSig, *timestamp, *nonce, enc)
	if err != nil {
		return err
	}
	_, err = stdout.Write(append(plain, '\n'))
	return err
}

// decrypt is Crypter.Decrypt with a precise explanation of a signature
// mismatch.
func decrypt(c *wechatmp.Crypter, msgSig, timestamp, nonce, encrypt string) ([]byte, error) {
	plain, _, err := c.Decrypt(msgSig, timestamp, nonce, encrypt)
	if errors.Is(err, wechatmp.ErrInvalidSignature) {
		want := wechatmp.MsgSignature(c.Token(), timestamp, nonce, encrypt)
		return nil, fmt.Errorf("msg_signature mismatch: got %s, computed %s from token, timestamp %q, nonce %q and the Encrypt value (code %d)",
			msgSig, want, timestamp, nonce, wechatmp.CryptoCode(err))
	}
	if err != nil {
		return nil, cryptoFailure(err)
	}
	return plain, nil
}
