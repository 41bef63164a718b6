package wechatmp

import (
	"net/url"
	"strings"
)

// handlerQuery holds the URL parameters of a callback.
type handlerQuery struct {
	signature    string
	timestamp    string
	nonce        string
	echostr      string
	encryptType  string
	msgSignature string
	present      uint8 // bit set of the parameters seen
}

const (
	handlerHasEncryptType uint8 = 1 << iota
)

// handlerParseQuery extracts the callback parameters from a raw query string
// without building a url.Values: only escaped values allocate. The first
// occurrence of a parameter wins, as with url.Values.Get. A malformed escape
// reports ok == false.
func handlerParseQuery(raw string) (q handlerQuery, ok bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		var dst *string
		switch name {
		case "signature":
			dst = &q.signature
		case "timestamp":
			dst = &q.timestamp
		case "nonce":
			dst = &q.nonce
		case "echostr":
			dst = &q.echostr
		case "encrypt_type":
			if q.present&handlerHasEncryptType != 0 {
				continue
			}
			q.present |= handlerHasEncryptType
			dst = &q.encryptType
		case "msg_signature":
			dst = &q.msgSignature
		default:
			continue
		}
		if *dst != "" {
			continue
		}
		if strings.ContainsAny(value, "%+") {
			v, err := url.QueryUnescape(value)
			if err != nil {
				return q, false
			}
			value = v
		}
		*dst = value
	}
	return q, true
}
