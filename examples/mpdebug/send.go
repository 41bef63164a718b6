package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// sendAccount is the default ToUserName of the pushes send makes (the
// account's original id, gh_…); -to sets the real one for servers that
// check it.
const sendAccount = "gh_mpdebug"

// sendTimeout is how long send waits for the answer: WeChat's 5 seconds.
var sendTimeout = 5 * time.Second

// sendNow is send's clock; tests replace it.
var sendNow = time.Now

// runSend posts a text message from -from to -url as WeChat would, signed
// and, with -aes-key and -appid, encrypted in secure mode, and prints the
// reply, decrypted and checked when it is encrypted.
func runSend(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("send", stderr)
	target := fs.String("url", "", "callback URL of the server (required)")
	token := fs.String("token", "", "callback token (required)")
	aesKey := fs.String("aes-key", "", "EncodingAESKey: send in secure mode (needs -appid)")
	appID := fs.String("appid", "", "AppID to embed in secure mode (needs -aes-key)")
	from := fs.String("from", "", "the user's OpenID (required)")
	text := fs.String("text", "", "the text message (required)")
	to := fs.String("to", sendAccount, "ToUserName: the account's original id (gh_…)")
	err := parseFlags(fs, args, map[string]*string{"url": target, "token": token, "from": from, "text": text})
	if err != nil {
		return err
	}
	if (*aesKey == "") != (*appID == "") {
		return errors.New("-aes-key and -appid go together")
	}
	var c *wechatmp.Crypter
	if *aesKey != "" {
		if c, err = wechatmp.NewCrypter(*token, *appID, *aesKey); err != nil {
			return cryptoFailure(err)
		}
	}
	u, err := url.Parse(*target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-url %q is not an http(s) URL", *target)
	}

	now := sendNow()
	timestamp := strconv.FormatInt(now.Unix(), 10)
	nonce, msgID := sendRandom()
	plain := sendTextXML(*to, *from, *text, now.Unix(), msgID)
	q := u.Query()
	q.Set("signature", wechatmp.Signature(*token, timestamp, nonce))
	q.Set("timestamp", timestamp)
	q.Set("nonce", nonce)
	q.Set("openid", *from)
	body := plain
	if c != nil {
		enc, sig, err := c.Encrypt(plain, timestamp, nonce, 0)
		if err != nil {
			return cryptoFailure(err)
		}
		body = sendEnvelopeXML(enc)
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", sig)
	}
	u.RawQuery = q.Encode()

	reply, err := sendPost(u.String(), body)
	if err != nil {
		return err
	}
	return printReply(stdout, stderr, c, reply)
}

// sendRandom returns a nonce of decimal digits and a MsgId, as WeChat makes them.
func sendRandom() (nonce string, msgID int64) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	nonce = strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[:4])), 10)
	msgID = int64(binary.BigEndian.Uint64(b[4:]) >> 1)
	return nonce, msgID
}

// sendTextXML renders a text message push.
func sendTextXML(to, from, text string, createTime, msgID int64) []byte {
	var b bytes.Buffer
	b.WriteString("<xml><ToUserName>")
	writeCDATA(&b, to)
	b.WriteString("</ToUserName><FromUserName>")
	writeCDATA(&b, from)
	b.WriteString("</FromUserName><CreateTime>")
	b.WriteString(strconv.FormatInt(createTime, 10))
	b.WriteString("</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>")
	writeCDATA(&b, text)
	b.WriteString("</Content><MsgId>")
	b.WriteString(strconv.FormatInt(msgID, 10))
	b.WriteString("</MsgId></xml>")
	return b.Bytes()
}

// sendEnvelopeXML renders the body of a secure-mode push.
func sendEnvelopeXML(encrypt string) []byte {
	var b bytes.Buffer
	b.WriteString("<xml><ToUserName>")
	writeCDATA(&b, sendAccount)
	b.WriteString("</ToUserName><Encrypt>")
	writeCDATA(&b, encrypt)
	b.WriteString("</Encrypt></xml>")
	return b.Bytes()
}

// writeCDATA writes s as CDATA, splitting any "]]>" it contains.
func writeCDATA(b *bytes.Buffer, s string) {
	b.WriteString("<![CDATA[")
	b.WriteString(strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>"))
	b.WriteString("]]>")
}

// sendPost posts body and returns the answer of a 200 response.
func sendPost(target string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", "Mozilla/4.0 (mpdebug)")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("no answer within %v: WeChat would retry the push", sendTimeout)
		}
		return nil, err
	}
	defer resp.Body.Close()
	reply, err := readInput(resp.Body, "answer")
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("no complete answer within %v: WeChat would retry the push", sendTimeout)
		}
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		detail := strings.TrimSpace(string(reply))
		if len(detail) > 200 {
			detail = detail[:200] + "…"
		}
		return nil, fmt.Errorf("server answered %s: %s", resp.Status, detail)
	}
	return reply, nil
}

// printReply prints the server's answer: "success" (or an empty body) as is,
// an encrypted reply envelope decrypted after checking its msg_signature, a
// plaintext reply as is.
func printReply(stdout, stderr io.Writer, c *wechatmp.Crypter, reply []byte) error {
	trimmed := bytes.TrimSpace(reply)
	if len(trimmed) == 0 || string(trimmed) == wechatmp.ReplySuccess {
		fmt.Fprintln(stdout, wechatmp.ReplySuccess)
		return nil
	}
	m, err := wechatmp.ParseMessage(trimmed)
	if err != nil {
		return fmt.Errorf("the reply is neither success nor a message: %w", err)
	}
	enc, encrypted := m.ExtraValue("Encrypt")
	if !encrypted {
		if c != nil {
			fmt.Fprintln(stderr, "mpdebug send: note: the reply to an encrypted push is not encrypted")
		}
		_, err := stdout.Write(append(trimmed, '\n'))
		return err
	}
	if c == nil {
		return errors.New("the server answered an encrypted reply to a plaintext push; pass -aes-key and -appid to read it")
	}
	sig, _ := m.ExtraValue("MsgSignature")
	ts, _ := m.ExtraValue("TimeStamp")
	nonce, _ := m.ExtraValue("Nonce")
	plain, err := decrypt(c, sig, ts, nonce, enc)
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	_, err = stdout.Write(append(plain, '\n'))
	return err
}
