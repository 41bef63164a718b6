package wechatmp

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"unsafe"
)

// AppendEncryptedReply encrypts the plaintext reply (as AppendReply renders
// it) with c's key number key — the key that decrypted the push, for key
// rotation — and appends the encrypted reply envelope in format f:
//
//	<xml><Encrypt><![CDATA[…]]></Encrypt><MsgSignature><![CDATA[…]]></MsgSignature><TimeStamp>…</TimeStamp><Nonce><![CDATA[…]]></Nonce></xml>
//	{"Encrypt":"…","MsgSignature":"…","TimeStamp":…,"Nonce":"…"}
//
// timestamp is the reply's own time (Unix seconds, "使用当前时间戳即可") and nonce
// the push's nonce URL parameter. On error dst is returned unchanged.
func AppendEncryptedReply(dst []byte, c *Crypter, key int, plaintext []byte, timestamp, nonce string, f Format) ([]byte, error) {
	var random [16]byte
	if _, err := rand.Read(random[:]); err != nil {
		return dst, fmt.Errorf("%w: %v", ErrEncrypt, err)
	}
	return c.appendEncryptedReply(dst, random[:], key, plaintext, timestamp, nonce, f)
}

// appendEncryptedReply is AppendEncryptedReply with a given random prefix. It
// seals and encodes in pooled scratch space, so that the envelope appended
// to dst is the only output.
func (c *Crypter) appendEncryptedReply(dst []byte, random []byte, key int, plaintext []byte, timestamp, nonce string, f Format) ([]byte, error) {
	scratch := openScratchPool.Get().(*[]byte)
	defer openScratchPool.Put(scratch)
	ct, err := c.seal((*scratch)[:0], random, plaintext, key)
	if err != nil {
		return dst, err
	}
	// Base64 after the ciphertext, in the same buffer.
	b64 := base64.StdEncoding.AppendEncode(ct, ct)
	if cap(b64) <= 64<<10 {
		*scratch = b64[:0] // keep a grown buffer, unless it is huge
	}
	enc := b64[len(ct):]
	encrypt := unsafe.String(unsafe.SliceData(enc), len(enc))
	sum := sortedSHA1(c.token, timestamp, nonce, encrypt, 4)
	var sig [2 * sha1.Size]byte
	hex.Encode(sig[:], sum[:])
	return AppendReplyEnvelope(dst, encrypt, unsafe.String(&sig[0], len(sig)), timestamp, nonce, f), nil
}

// AppendReplyEnvelope appends an encrypted reply envelope built from values
// computed already (see AppendEncryptedReply). A timestamp of decimal digits
// is written as a JSON number, anything else as a string.
func AppendReplyEnvelope(dst []byte, encrypt, msgSignature, timestamp, nonce string, f Format) []byte {
	if f == FormatJSON {
		dst = append(dst, '{')
		dst = replyAppendJSONFirst(dst, "Encrypt", encrypt)
		dst = replyAppendJSONMember(dst, "MsgSignature", msgSignature)
		dst = append(dst, `,"TimeStamp":`...)
		if replyIsDigits(timestamp) {
			dst = append(dst, timestamp...)
		} else {
			dst = replyAppendJSONString(dst, timestamp)
		}
		dst = replyAppendJSONMember(dst, "Nonce", nonce)
		return append(dst, '}')
	}
	dst = append(dst, "<xml>"...)
	dst = replyAppendXMLElem(dst, "Encrypt", encrypt)
	dst = replyAppendXMLElem(dst, "MsgSignature", msgSignature)
	if replyIsDigits(timestamp) {
		dst = append(dst, "<TimeStamp>"...)
		dst = append(dst, timestamp...)
		dst = append(dst, "</TimeStamp>"...)
	} else {
		dst = replyAppendXMLElem(dst, "TimeStamp", timestamp)
	}
	dst = replyAppendXMLElem(dst, "Nonce", nonce)
	return append(dst, "</xml>"...)
}

func replyIsDigits(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}
