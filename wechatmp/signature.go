package wechatmp

import (
	"crypto/sha1"
	"encoding/hex"
	"sync"
)

// Signature returns the URL `signature` WeChat sends with every callback: the
// lower-case hex SHA-1 of token, timestamp and nonce sorted in byte order and
// concatenated (wechat.md §1.2). It is used for URL verification (GET) and to
// authenticate plaintext-mode POSTs.
func Signature(token, timestamp, nonce string) string {
	sum := sortedSHA1(token, timestamp, nonce, "", 3)
	return hex.EncodeToString(sum[:])
}

// MsgSignature returns the `msg_signature` of an encrypted body or reply: the
// lower-case hex SHA-1 of token, timestamp, nonce and the base64 Encrypt value
// sorted in byte order and concatenated.
func MsgSignature(token, timestamp, nonce, encrypt string) string {
	sum := sortedSHA1(token, timestamp, nonce, encrypt, 4)
	return hex.EncodeToString(sum[:])
}

// VerifySignature reports whether signature is the URL signature of token,
// timestamp and nonce. It returns nil or ErrInvalidSignature, and compares in
// constant time.
func VerifySignature(token, timestamp, nonce, signature string) error {
	sum := sortedSHA1(token, timestamp, nonce, "", 3)
	if !hexEqual(sum, signature) {
		return ErrInvalidSignature
	}
	return nil
}

// VerifyMsgSignature reports whether msgSignature is the msg_signature of
// token, timestamp, nonce and encrypt. It returns nil or ErrInvalidSignature,
// and compares in constant time. Note that encrypted callbacks are checked with
// msg_signature, never with the URL signature.
func VerifyMsgSignature(token, timestamp, nonce, encrypt, msgSignature string) error {
	sum := sortedSHA1(token, timestamp, nonce, encrypt, 4)
	if !hexEqual(sum, msgSignature) {
		return ErrInvalidSignature
	}
	return nil
}

// sigBufPool holds scratch buffers for the concatenated signature input, so a
// signature costs no allocation.
var sigBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// sortedSHA1 hashes the first n of the four parts, sorted in byte order and
// concatenated.
func sortedSHA1(a, b, c, d string, n int) [sha1.Size]byte {
	parts := [4]string{a, b, c, d}
	p := parts[:n]
	for i := 1; i < len(p); i++ { // insertion sort: at most four strings
		for j := i; j > 0 && p[j] < p[j-1]; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
	bp := sigBufPool.Get().(*[]byte)
	buf := (*bp)[:0]
	for _, s := range p {
		buf = append(buf, s...)
	}
	sum := sha1.Sum(buf)
	if cap(buf) <= 1<<20 { // do not pin huge buffers in the pool
		*bp = buf[:0]
		sigBufPool.Put(bp)
	}
	return sum
}

// hexEqual compares the lower-case hex form of sum with s in constant time
// (for a given length of s).
func hexEqual(sum [sha1.Size]byte, s string) bool {
	var want [2 * sha1.Size]byte
	hex.Encode(want[:], sum[:])
	if len(s) != len(want) {
		return false
	}
	var v byte
	for i := 0; i < len(want); i++ {
		v |= want[i] ^ s[i]
	}
	return v == 0
}
