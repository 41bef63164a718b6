package wechatmp

import (
	"sync"
	"unsafe"
)

// OpenMessage is the whole inbound step of an encrypted push in one call, for
// hosts with their own HTTP layer: it parses the envelope body (XML or JSON),
// checks msgSignature (the msg_signature URL parameter) over timestamp, nonce
// and the Encrypt value, decrypts it with the current or the previous
// EncodingAESKey, checks the embedded AppID, and parses the plaintext
// message. key is the index of the key that opened it, to seal the reply
// with (AppendEncryptedReply).
//
// Errors are those of ParseEnvelope, Decrypt and ParseMessage: *ParseError
// values (ErrMalformed, ErrNoEncrypt, …) and crypto errors
// (ErrInvalidSignature, ErrAppIDMismatch, …), matched with errors.Is.
//
// The work uses pooled scratch space: the only copies made are the
// Message's. The Message is as ParseMessage returns it, except that Raw shares
// memory with the Message's strings and must not be modified. body is only
// read, and may be reused once OpenMessage returns.
func (c *Crypter) OpenMessage(body []byte, timestamp, nonce, msgSignature string) (m *Message, key int, err error) {
	m, key, _, _, err = c.openMessage(body, timestamp, nonce, msgSignature)
	return m, key, err
}

// openScratchPool recycles the buffers ciphertexts are decoded and decrypted in.
var openScratchPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// openStage says which step of openMessage failed.
type openStage uint8

const (
	openOK openStage = iota
	openEnvelope
	openSignature
	openDecrypt
	openParse
)

// openMessage is OpenMessage; it also returns the envelope's format (for the
// reply) and, on error, the step that failed.
func (c *Crypter) openMessage(body []byte, timestamp, nonce, msgSignature string) (*Message, int, Format, openStage, error) {
	// body is only read during this call: view it as a string without a copy.
	var view string
	if len(body) > 0 {
		view = unsafe.String(unsafe.SliceData(body), len(body))
	}
	env, err := parseEnvelope(view, body)
	if err != nil {
		return nil, 0, 0, openEnvelope, err
	}
	if err := VerifyMsgSignature(c.token, timestamp, nonce, env.Encrypt, msgSignature); err != nil {
		return nil, 0, 0, openSignature, err
	}
	scratch := openScratchPool.Get().(*[]byte)
	plain, key, err := c.Open((*scratch)[:0], stringBytes(env.Encrypt))
	if cap(plain) <= 64<<10 {
		*scratch = plain[:0] // keep a grown buffer, unless it is huge
	}
	if err != nil {
		openScratchPool.Put(scratch)
		return nil, 0, 0, openDecrypt, err
	}
	// The one copy: the Message's strings are substrings of s, and Raw views
	// the same immutable bytes.
	s := string(plain)
	openScratchPool.Put(scratch)
	m, err := parseMessage(s, unsafe.Slice(unsafe.StringData(s), len(s)))
	if err != nil {
		return nil, 0, 0, openParse, err
	}
	return m, key, env.Format, openOK, nil
}
