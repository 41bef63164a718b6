package wechatmp

import "errors"

// CryptoError is an error of the WXBizMsgCrypt scheme. Each value carries the
// official sample's code (wechat.md §1.6) so that logs line up with WeChat's
// documentation. The exported Err* values below are the only instances; match
// them with errors.Is and read the code with CryptoCode. They are immutable
// and safe for concurrent use.
type CryptoError struct {
	// Code is the official WXBizMsgCrypt code, e.g. -40001.
	Code int
	msg  string
}

func (e *CryptoError) Error() string { return "wechatmp: " + e.msg }

// Errors of the message crypto. Callers branch on them with errors.Is; the
// returned error may wrap one of them with more detail.
var (
	// ErrInvalidSignature: signature or msg_signature does not match (-40001).
	ErrInvalidSignature = &CryptoError{Code: -40001, msg: "invalid signature"}
	// ErrIllegalAESKey: the EncodingAESKey is not 43 base64 characters
	// decoding to 32 bytes (-40004).
	ErrIllegalAESKey = &CryptoError{Code: -40004, msg: "illegal EncodingAESKey"}
	// ErrAppIDMismatch: the AppID embedded in the decrypted message is not
	// this account's (-40005).
	ErrAppIDMismatch = &CryptoError{Code: -40005, msg: "appid mismatch"}
	// ErrEncrypt: encryption failed, e.g. no random source (-40006).
	ErrEncrypt = &CryptoError{Code: -40006, msg: "encrypt failed"}
	// ErrDecrypt: the ciphertext is not a whole number of AES blocks, or is
	// too short to hold a message (-40007).
	ErrDecrypt = &CryptoError{Code: -40007, msg: "decrypt failed"}
	// ErrIllegalBuffer: the decrypted buffer has bad PKCS#7 padding or a
	// length field that does not fit (-40008).
	ErrIllegalBuffer = &CryptoError{Code: -40008, msg: "illegal buffer after decrypt"}
	// ErrBase64: the Encrypt value is not valid base64 (-40010).
	ErrBase64 = &CryptoError{Code: -40010, msg: "illegal base64 in encrypt"}
)

// CryptoCode returns the official WXBizMsgCrypt code (-400xx) of err, or 0
// when err is nil or not a crypto error.
func CryptoCode(err error) int {
	var ce *CryptoError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}
