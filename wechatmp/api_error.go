package wechatmp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
)

// Sentinel errors for the API error codes callers branch on. An *APIError
// matches them with errors.Is (see APIError.Is); the window sentinels are also
// returned, unwrapped, when the Client refuses a send locally.
var (
	// ErrTokenInvalid: the access token is invalid, stale or expired
	// (40001, 40014, 42001). The Client refreshes and retries once by itself.
	ErrTokenInvalid = errors.New("wechatmp: access token invalid or expired")
	// ErrWindowClosed: the 48-hour (or 1-minute) customer-service window is
	// closed (45015), or the user unfollowed.
	ErrWindowClosed = errors.New("wechatmp: customer-service window closed")
	// ErrWindowQuota: the window's sends are spent (45047).
	ErrWindowQuota = errors.New("wechatmp: customer-service window quota spent")
	// ErrRateLimited: a daily API quota is spent or calls are too frequent
	// (45009, 45011).
	ErrRateLimited = errors.New("wechatmp: api rate or quota limited")
	// ErrNotFollowing: the user does not follow the account (43004).
	ErrNotFollowing = errors.New("wechatmp: user does not follow the account")
	// ErrSubscriptionRefused: the user refused, or used up, subscription
	// messages (43101).
	ErrSubscriptionRefused = errors.New("wechatmp: subscription message refused")
	// ErrSystemBusy: WeChat is busy (-1); idempotent calls are retried.
	ErrSystemBusy = errors.New("wechatmp: system busy")
	// ErrUnauthorized: the account may not use this API (48001).
	ErrUnauthorized = errors.New("wechatmp: api not authorised")
	// ErrCustomerService: a customer-service (kf) error, codes 65400-65499.
	ErrCustomerService = errors.New("wechatmp: customer-service error")
	// ErrInvalidMessage: a message or request failed local validation before
	// any network call (for example a news message with more than one article).
	ErrInvalidMessage = errors.New("wechatmp: invalid message")
)

// APIError is an error reply from the WeChat API ({"errcode":..,"errmsg":..}).
// Find it with errors.As; match code groups with errors.Is and the sentinels
// above.
type APIError struct {
	Code int    // errcode, never 0
	Msg  string // errmsg as sent by WeChat
	Op   string // the API path, e.g. "/cgi-bin/message/custom/send"
}

// Error returns "wechatmp: <op>: errcode <code>: <msg>".
func (e *APIError) Error() string {
	op := e.Op
	if op == "" {
		op = "api"
	}
	return "wechatmp: " + op + ": errcode " + strconv.Itoa(e.Code) + ": " + e.Msg
}

// Is reports whether target is the sentinel for e.Code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrTokenInvalid:
		return e.Code == 40001 || e.Code == 40014 || e.Code == 42001
	case ErrWindowClosed:
		return e.Code == 45015
	case ErrWindowQuota:
		return e.Code == 45047
	case ErrRateLimited:
		return e.Code == 45009 || e.Code == 45011
	case ErrNotFollowing:
		return e.Code == 43004
	case ErrSubscriptionRefused:
		return e.Code == 43101
	case ErrSystemBusy:
		return e.Code == -1
	case ErrUnauthorized:
		return e.Code == 48001
	case ErrCustomerService:
		return e.Code >= 65400 && e.Code <= 65499
	}
	return false
}

// HTTPError is a reply with an HTTP status other than 2xx. WeChat reports
// API errors with status 200 and an errcode body (APIError); a non-2xx status
// comes from a proxy or an outage.
type HTTPError struct {
	StatusCode int
	Op         string
	Body       []byte // at most the first 512 bytes
}

// Error returns "wechatmp: <op>: http status <code>".
func (e *HTTPError) Error() string {
	return fmt.Sprintf("wechatmp: %s: http status %d", e.Op, e.StatusCode)
}

// clientErrBody is the error part of every JSON reply.
type clientErrBody struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// clientIsJSON reports whether a reply is a JSON document: by Content-Type
// (application/json, text/plain as WeChat sometimes sends) or, for a missing
// or generic type, by a leading '{'.
func clientIsJSON(contentType string, body []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/json", "text/json", "text/plain":
		return true
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '{' && (mt == "" || mt == "application/octet-stream")
}

// clientCheckBody returns an *APIError if body is a JSON error reply.
func clientCheckBody(op, contentType string, body []byte) error {
	if !clientIsJSON(contentType, body) {
		return nil
	}
	var eb clientErrBody
	if err := json.Unmarshal(body, &eb); err != nil {
		return nil // not an error document; the caller decodes and reports
	}
	if eb.ErrCode == nil || *eb.ErrCode == 0 {
		return nil
	}
	return &APIError{Code: *eb.ErrCode, Msg: eb.ErrMsg, Op: op}
}

// clientMaxBody bounds every reply read into memory (media downloads included).
const clientMaxBody = 32 << 20

// CheckResponse checks an API reply: a non-2xx status is an *HTTPError, a
// JSON body with a non-zero errcode is an *APIError (also for media downloads,
// whose error replies are JSON while success is binary). It reads the body and
// replaces resp.Body with an in-memory copy, so the caller can decode it
// afterwards. It returns nil for a successful reply.
func CheckResponse(resp *http.Response) error {
	op := ""
	if resp.Request != nil && resp.Request.URL != nil {
		op = resp.Request.URL.Path
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, clientMaxBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("wechatmp: %s: read reply: %w", op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &HTTPError{StatusCode: resp.StatusCode, Op: op, Body: body[:min(len(body), 512)]}
	}
	return clientCheckBody(op, resp.Header.Get("Content-Type"), body)
}
