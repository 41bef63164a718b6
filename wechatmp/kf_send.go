package wechatmp

import (
	"context"
	"errors"
	"net/http"
)

// SendCustom sends a customer-service message.
//
// With Config.Window set, one send is reserved from the user's window first;
// when the window is closed or its quota spent, SendCustom returns
// ErrWindowClosed or ErrWindowQuota without any network call. The reservation
// is given back when the message was certainly not delivered: the request was
// never written to the network, or WeChat answered with an errcode (other than
// -1). WeChat's 45015 and 45047 are recorded into the window.
//
// Retries: a rejected token (40001, 40014, 42001) is refreshed and the message
// re-sent once, because WeChat rejected the first request. A -1 (system busy)
// or a transport error after the request was written is NOT retried: the
// message may have been delivered, and a duplicate would reach the user and
// spend a send of the 5-message quota. The caller decides (errors.Is(err,
// ErrSystemBusy)).
func (c *Client) SendCustom(ctx context.Context, m CustomMessage) error {
	if err := m.Validate(); err != nil {
		return err
	}
	w := c.cfg.Window
	var res WindowReservation
	if w != nil {
		var err error
		if res, err = w.Reserve(ctx, c.cfg.AppID, m.ToUser); err != nil {
			return err
		}
	}
	b, err := clientMarshal(m)
	if err != nil {
		return err
	}
	call := &clientCall{group: GroupCustomSend, method: http.MethodPost, op: "/cgi-bin/message/custom/send", body: b, contentType: "application/json"}
	_, err = c.clientDo(ctx, call)
	if err == nil || w == nil {
		return err
	}
	// Bookkeeping must survive a cancelled ctx.
	bctx := context.WithoutCancel(ctx)
	var ae *APIError
	switch {
	case errors.Is(err, ErrWindowClosed) || errors.Is(err, ErrWindowQuota):
		if rerr := w.RecordRefusal(bctx, res, err); rerr != nil {
			return errors.Join(err, rerr)
		}
	case errors.As(err, &ae) && ae.Code != -1, !call.written.Load():
		if rerr := w.Release(bctx, res); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	return err
}

// SendText sends a text customer-service message.
func (c *Client) SendText(ctx context.Context, toUser, content string) error {
	return c.SendCustom(ctx, CustomMessage{ToUser: toUser, Text: &CustomText{Content: content}})
}

// SendImage sends an image customer-service message (media_id from UploadMedia).
func (c *Client) SendImage(ctx context.Context, toUser, mediaID string) error {
	return c.SendCustom(ctx, CustomMessage{ToUser: toUser, Image: &CustomMedia{MediaID: mediaID}})
}

// SendVoice sends a voice customer-service message.
func (c *Client) SendVoice(ctx context.Context, toUser, mediaID string) error {
	return c.SendCustom(ctx, CustomMessage{ToUser: toUser, Voice: &CustomMedia{MediaID: mediaID}})
}

// TypingCommand is a typing-status command.
type TypingCommand string

// Typing commands.
const (
	TypingStart  TypingCommand = "Typing"
	TypingCancel TypingCommand = "CancelTyping"
)

// Typing shows "typing..." to the user for up to 15 s (POST
// /cgi-bin/message/custom/typing), until CancelTyping or the next message. It
// needs an interaction within the last 30 s (45080) and must not be repeated
// while shown (45081). It does not use the window quota. It is retried on -1:
// nothing is sent to the user twice, though should the busy attempt have
// taken effect after all, the retry fails with 45081.
func (c *Client) Typing(ctx context.Context, toUser string) error {
	return c.typing(ctx, toUser, TypingStart)
}

// CancelTyping hides the typing status.
func (c *Client) CancelTyping(ctx context.Context, toUser string) error {
	return c.typing(ctx, toUser, TypingCancel)
}

func (c *Client) typing(ctx context.Context, toUser string, cmd TypingCommand) error {
	body := map[string]string{"touser": toUser, "command": string(cmd)}
	return c.clientPost(ctx, GroupCustomSend, "/cgi-bin/message/custom/typing", body, nil, true)
}
