package mptest

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/kefu-go/kefu/wechatmp"
)

// componentState is the third-party platform's push side.
type componentState struct {
	once     sync.Once
	crypter  *wechatmp.Crypter
	callback http.Handler
	url      string
}

// ComponentCrypter returns the Crypter of the fake third-party platform's
// pushes: the callback Token and EncodingAESKey of the account, with the
// component AppID embedded (wechat.md §7). A host's component Handler uses
// an equal Crypter.
func (s *Server) ComponentCrypter() *wechatmp.Crypter {
	s.comp.once.Do(func() {
		c, err := wechatmp.NewCrypter(s.cfg.Token, s.cfg.ComponentAppID, s.cfg.EncodingAESKey)
		if err != nil {
			panic("mptest: " + err.Error()) // the key was already accepted for the account
		}
		s.comp.crypter = c
	})
	return s.comp.crypter
}

// SetComponentCallback sets the in-process handler of the third-party
// platform's authorisation-event URL (授权事件接收URL).
func (s *Server) SetComponentCallback(h http.Handler) {
	s.mu.Lock()
	s.comp.callback = h
	s.mu.Unlock()
}

// SetComponentCallbackURL sets the authorisation-event URL, used when no
// handler is set.
func (s *Server) SetComponentCallbackURL(u string) {
	s.mu.Lock()
	s.comp.url = u
	s.mu.Unlock()
}

// DeliverVerifyTicket does what WeChat does every 10 minutes: it issues a new
// component_verify_ticket (which api_component_token accepts for 12 hours)
// and pushes it, encrypted with ComponentCrypter, to the component callback
// (InfoType component_verify_ticket; the host answers "success"). It returns
// the ticket and the delivery, with WeChat's retries when the host is late.
func (s *Server) DeliverVerifyTicket(ctx context.Context) (string, *Delivery, error) {
	ticket := s.PushVerifyTicket()
	s.mu.Lock()
	h, target := s.comp.callback, s.comp.url
	s.mu.Unlock()
	if h == nil && target == "" {
		return ticket, nil, ErrNoCallback
	}
	now := s.Clock.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	fields := []Field{{"AppId", s.cfg.ComponentAppID}, {"CreateTime", ts},
		{"InfoType", string(wechatmp.InfoComponentVerifyTicket)}, {"ComponentVerifyTicket", ticket}}
	plain := pushXML(fields)
	nonce := randomDigits(9)
	enc, msgSig, err := s.ComponentCrypter().Encrypt(plain, ts, nonce, 0)
	if err != nil {
		return ticket, nil, err
	}
	q := url.Values{"signature": {wechatmp.Signature(s.cfg.Token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce},
		"encrypt_type": {"aes"}, "msg_signature": {msgSig}}
	req := pushRequest{query: q.Encode(), body: pushXML([]Field{{"AppId", s.cfg.ComponentAppID}, {"Encrypt", enc}}), contentType: "text/xml"}
	d := &Delivery{Body: plain}
	for d.Attempts < 1+MaxRetries {
		d.Attempts++
		status, answer, late, err := s.attempt(ctx, h, target, req)
		if err != nil {
			return ticket, d, err
		}
		if late {
			d.Late++
			continue
		}
		d.Status, d.Answer = status, answer
		if status != http.StatusOK || string(answer) != "success" {
			d.ReplyErr = ErrBadReply
		}
		return ticket, d, nil
	}
	d.Failed = true
	return ticket, d, nil
}
