package main

import (
	"fmt"
	"io"

	"github.com/kefu-go/kefu/wechatmp"
)

// runSign prints the URL signature of token, timestamp and nonce, or the
// msg_signature when -encrypt is given.
func runSign(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("sign", stderr)
	token := fs.String("token", "", "callback token (required)")
	timestamp := fs.String("timestamp", "", "timestamp URL parameter (required)")
	nonce := fs.String("nonce", "", "nonce URL parameter (required)")
	encrypt := fs.String("encrypt", "", "Encrypt value: print its msg_signature instead")
	if err := parseFlags(fs, args, map[string]*string{"token": token, "timestamp": timestamp, "nonce": nonce}); err != nil {
		return err
	}
	if *encrypt != "" {
		fmt.Fprintln(stdout, wechatmp.MsgSignature(*token, *timestamp, *nonce, *encrypt))
		return nil
	}
	fmt.Fprintln(stdout, wechatmp.Signature(*token, *timestamp, *nonce))
	return nil
}
