package wechatmp

import (
	"errors"
	"slices"
	"strconv"
	"time"
)

// ReplySuccess is the bare body that acknowledges a push without a passive
// reply. WeChat then neither shows anything nor retries (wechat.md §4); the host
// answers later through the customer-service API if it wants to.
const ReplySuccess = "success"

// MaxNewsArticles is the number of articles a passive news reply may carry.
// WeChat limits news replies to one article since October 2018 (wechat.md §4).
const MaxNewsArticles = 1

// Reply is a passive reply: the answer written in the HTTP response to a push.
// The implementations are TextReply, ImageReply, VoiceReply, VideoReply,
// MusicReply, NewsReply and TransferCustomerServiceReply; the set is closed.
// A nil Reply means "no reply": the Handler answers ReplySuccess.
//
// Reply values are plain data and safe for concurrent use once built.
type Reply interface {
	// ReplyType returns the MsgType the reply is sent as, such as "text" or
	// "transfer_customer_service".
	ReplyType() MsgType
	// replyCheck reports the first missing or invalid field.
	replyCheck() error
	// replyAppendXML appends the type-specific XML elements.
	replyAppendXML(dst []byte) []byte
	// replyAppendJSON appends the type-specific JSON members, each preceded
	// by a comma.
	replyAppendJSON(dst []byte) []byte
}

// Reply message types that only occur in replies.
const (
	replyTypeMusic    MsgType = "music"
	replyTypeNews     MsgType = "news"
	replyTypeTransfer MsgType = "transfer_customer_service"
)

// ErrInvalidReply is matched (errors.Is) by every *ReplyError.
var ErrInvalidReply = errors.New("wechatmp: invalid reply")

// ErrReplyFieldMissing is the cause of a *ReplyError for a required field that
// is empty.
var ErrReplyFieldMissing = errors.New("wechatmp: reply field missing")

// ErrTooManyArticles is the cause of a *ReplyError for a news reply with more
// than MaxNewsArticles articles (WeChat's error 45008 for custom sends).
var ErrTooManyArticles = errors.New("wechatmp: too many news articles")

// ReplyError describes a passive reply that cannot be sent. It matches
// ErrInvalidReply and its cause (ErrReplyFieldMissing, ErrTooManyArticles) with
// errors.Is. It is plain data, safe to read from several goroutines.
type ReplyError struct {
	Type  MsgType // the reply's MsgType ("" for a nil Reply)
	Field string  // the offending field, e.g. "Content" or "Articles"
	Err   error   // the cause
}

// Error implements error.
func (e *ReplyError) Error() string {
	if e.Type == "" {
		return "wechatmp: invalid reply: nil reply"
	}
	return "wechatmp: invalid " + string(e.Type) + " reply: " + e.Field + ": " + replyCauseText(e.Err)
}

func replyCauseText(err error) string {
	switch {
	case errors.Is(err, ErrReplyFieldMissing):
		return "required field is empty"
	case errors.Is(err, ErrTooManyArticles):
		return "at most " + strconv.Itoa(MaxNewsArticles) + " article allowed"
	case err == nil:
		return "invalid"
	default:
		return err.Error()
	}
}

// Unwrap returns the cause.
func (e *ReplyError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalidReply.
func (e *ReplyError) Is(target error) bool { return target == ErrInvalidReply }

func replyMissing(t MsgType, field string) error {
	return &ReplyError{Type: t, Field: field, Err: ErrReplyFieldMissing}
}

// ReplyHeader addresses a passive reply: it is sent to the user who wrote the
// push, from the account that received it, in the push's data format. It is
// plain data, safe to read from several goroutines.
type ReplyHeader struct {
	ToUserName   string // the user's OpenID: the push's FromUserName
	FromUserName string // the account's original ID (gh_…): the push's ToUserName
	CreateTime   int64  // Unix seconds
	Format       Format // FormatXML or FormatJSON, as the push arrived
}

// ReplyHeaderFor returns the header of a reply to m, created at now.
func ReplyHeaderFor(m *Message, now time.Time) ReplyHeader {
	return ReplyHeader{ToUserName: m.FromUserName, FromUserName: m.ToUserName, CreateTime: now.Unix(), Format: m.Format}
}

// CheckReply reports whether r can be sent: nil for a valid reply, otherwise a
// *ReplyError naming the first missing or invalid field. A nil r is invalid.
func CheckReply(r Reply) error {
	if r == nil {
		return &ReplyError{Err: ErrReplyFieldMissing}
	}
	return r.replyCheck()
}

// AppendReply validates r and appends its plaintext rendering in h.Format to
// dst: XML with every string in CDATA (a "]]>" inside a value is split across
// two sections; characters XML cannot carry become U+FFFD), or JSON. The result
// is what the Handler writes in plaintext mode and what it encrypts in the
// encrypted modes. On error dst is returned unchanged.
func AppendReply(dst []byte, h ReplyHeader, r Reply) ([]byte, error) {
	if err := CheckReply(r); err != nil {
		return dst, err
	}
	// Grow once: a reply is a few fixed tags around its strings.
	if need := 256 + len(h.ToUserName) + len(h.FromUserName) + replyTextLen(r); cap(dst)-len(dst) < need {
		dst = slices.Grow(dst, need)
	}
	if h.Format == FormatJSON {
		dst = append(dst, `{"ToUserName":`...)
		dst = replyAppendJSONString(dst, h.ToUserName)
		dst = append(dst, `,"FromUserName":`...)
		dst = replyAppendJSONString(dst, h.FromUserName)
		dst = append(dst, `,"CreateTime":`...)
		dst = strconv.AppendInt(dst, h.CreateTime, 10)
		dst = append(dst, `,"MsgType":`...)
		dst = replyAppendJSONString(dst, string(r.ReplyType()))
		dst = r.replyAppendJSON(dst)
		return append(dst, '}'), nil
	}
	dst = append(dst, "<xml>"...)
	dst = replyAppendXMLElem(dst, "ToUserName", h.ToUserName)
	dst = replyAppendXMLElem(dst, "FromUserName", h.FromUserName)
	dst = append(dst, "<CreateTime>"...)
	dst = strconv.AppendInt(dst, h.CreateTime, 10)
	dst = append(dst, "</CreateTime>"...)
	dst = replyAppendXMLElem(dst, "MsgType", string(r.ReplyType()))
	dst = r.replyAppendXML(dst)
	return append(dst, "</xml>"...), nil
}

// MarshalReply is AppendReply into a new slice.
func MarshalReply(h ReplyHeader, r Reply) ([]byte, error) {
	return AppendReply(nil, h, r)
}

// replyTextLen is the total length of r's strings, with a little room for
// escaping: a size hint for AppendReply.
func replyTextLen(r Reply) int {
	n := 0
	switch r := r.(type) {
	case TextReply:
		n = len(r.Content)
	case *TextReply:
		n = len(r.Content)
	case MusicReply:
		n = len(r.Title) + len(r.Description) + len(r.MusicURL) + len(r.HQMusicURL) + len(r.ThumbMediaID) + 128
	case VideoReply:
		n = len(r.MediaID) + len(r.Title) + len(r.Description) + 64
	case NewsReply:
		for _, a := range r.Articles {
			n += len(a.Title) + len(a.Description) + len(a.PicURL) + len(a.URL) + 128
		}
	default:
		n = 128 // image, voice, transfer: one short id
	}
	return n + n/8
}
