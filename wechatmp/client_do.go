package wechatmp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
)

// clientCall is one logical API call; clientDo may send it more than once.
type clientCall struct {
	group       APIGroup
	method      string
	op          string // path, e.g. /cgi-bin/user/info
	query       url.Values
	body        []byte
	contentType string
	// idempotent calls are retried on -1 (system busy). Every call is retried
	// once on a token error (the request was rejected, so nothing happened).
	idempotent bool
	// written is set when an attempt that WeChat did not refuse for its
	// token had its request written to the network (so a send may have been
	// delivered).
	written atomic.Bool
}

// clientReply is a successful reply.
type clientReply struct {
	header http.Header
	body   []byte
}

// clientDo sends call with the current token, refreshing the token and
// retrying once on 40001/40014/42001, and retrying idempotent calls on -1 with
// capped exponential backoff.
func (c *Client) clientDo(ctx context.Context, call *clientCall) (clientReply, error) {
	tokenRetried := false
	attempt := 1
	for {
		if err := c.wait(ctx, call.group); err != nil {
			return clientReply{}, fmt.Errorf("wechatmp: %s: rate limit: %w", call.op, err)
		}
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			return clientReply{}, fmt.Errorf("wechatmp: %s: access token: %w", call.op, err)
		}
		reply, err := c.clientSend(ctx, call, tok.Value)
		if err == nil {
			return reply, nil
		}
		var ae *APIError
		if !errors.As(err, &ae) {
			return clientReply{}, err
		}
		switch {
		case errors.Is(ae, ErrTokenInvalid) && !tokenRetried:
			tokenRetried = true
			if inv, ok := c.tokens.(TokenInvalidator); ok {
				if ierr := inv.InvalidateToken(ctx, tok.Value); ierr != nil {
					return clientReply{}, errors.Join(err, ierr)
				}
			} else {
				return clientReply{}, err // cannot get another token
			}
			c.logDebug(ctx, "token rejected; refreshing and retrying once", call.op, ae.Code)
			call.written.Store(false) // WeChat refused that attempt: nothing was delivered
			continue
		case ae.Code == -1 && call.idempotent && attempt < c.cfg.Retry.attempts():
			d := c.cfg.Retry.backoff(attempt)
			attempt++
			c.logDebug(ctx, "system busy; retrying", call.op, ae.Code)
			if serr := c.sleep(ctx, d); serr != nil {
				return clientReply{}, errors.Join(err, serr)
			}
			continue
		}
		return clientReply{}, err
	}
}

func (c *Client) logDebug(ctx context.Context, msg, op string, code int) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.DebugContext(ctx, "wechatmp: "+msg, "op", op, "errcode", code)
	}
}

// clientSend sends one attempt.
func (c *Client) clientSend(ctx context.Context, call *clientCall, token string) (clientReply, error) {
	q := url.Values{}
	for k, v := range call.query {
		q[k] = v
	}
	q.Set("access_token", token)
	var body io.Reader
	if call.body != nil {
		body = bytes.NewReader(call.body)
	}
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { call.written.Store(true) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), call.method, c.base+call.op+"?"+q.Encode(), body)
	if err != nil {
		return clientReply{}, fmt.Errorf("wechatmp: %s: %w", call.op, err)
	}
	if call.contentType != "" {
		req.Header.Set("Content-Type", call.contentType)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// Do not leak the token in the URL of a *url.Error.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return clientReply{}, fmt.Errorf("wechatmp: %s: %w", call.op, err)
	}
	if err := CheckResponse(resp); err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			ae.Op = call.op
		}
		var he *HTTPError
		if errors.As(err, &he) {
			he.Op = call.op
		}
		return clientReply{}, err
	}
	b, _ := io.ReadAll(resp.Body)
	return clientReply{header: resp.Header, body: b}, nil
}

// clientJSON performs a JSON call: in (if non-nil) is the request body, out
// (if non-nil) receives the reply.
func (c *Client) clientJSON(ctx context.Context, g APIGroup, method, op string, query url.Values, in, out any, idempotent bool) error {
	call := &clientCall{group: g, method: method, op: op, query: query, idempotent: idempotent}
	if in != nil {
		b, err := clientMarshal(in)
		if err != nil {
			return fmt.Errorf("wechatmp: %s: encode request: %w", op, err)
		}
		call.body, call.contentType = b, "application/json"
	}
	reply, err := c.clientDo(ctx, call)
	if err != nil {
		return err
	}
	return clientDecode(op, reply.body, out)
}

func (c *Client) clientGet(ctx context.Context, g APIGroup, op string, query url.Values, out any) error {
	return c.clientJSON(ctx, g, http.MethodGet, op, query, nil, out, true)
}

// clientPost posts in; idempotent says whether -1 may be retried.
func (c *Client) clientPost(ctx context.Context, g APIGroup, op string, in, out any, idempotent bool) error {
	return c.clientJSON(ctx, g, http.MethodPost, op, nil, in, out, idempotent)
}

func clientDecode(op string, body []byte, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("wechatmp: %s: decode reply: %w", op, err)
	}
	return nil
}

// clientMarshal encodes JSON without escaping <, > and & (WeChat shows the
// escapes literally in text messages with links).
func clientMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
