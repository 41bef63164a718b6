package wechatmp

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"
)

// aesBlock is WeChat's PKCS#7 block size: 32 bytes, not AES's 16 (wechat.md
// §1.4). Ciphertexts are always a multiple of it.
const aesBlock = 32

// Crypter seals and opens WeChat message envelopes with the WXBizMsgCrypt
// scheme (wechat.md §1): AES-256-CBC with IV = key[:16], PKCS#7 padding to 32
// bytes, and the plaintext layout random(16) | length(4, big-endian) | message
// | appid.
//
// A Crypter holds the current EncodingAESKey and, during a key change, the
// previous one: opening tries the current key first and falls back to the
// previous one, and a reply should be sealed with the key that opened the
// request (the key index that Decrypt and Open return).
//
// A Crypter is immutable and safe for concurrent use. The zero value is not
// usable; build one with NewCrypter.
type Crypter struct {
	token string
	appID string
	keys  []cryptKey
}

type cryptKey struct {
	raw   [32]byte
	block cipher.Block
}

// NewCrypter returns a Crypter for the account appID with the callback token
// and one or two EncodingAESKeys: the current key first, then optionally the
// previous one. Each key must be 43 characters that decode (as base64 with a
// "=" appended, without strict checking of the unused bits) to 32 bytes;
// otherwise the error wraps ErrIllegalAESKey. appID is the AppID embedded in
// every message: the Official Account's AppID, or for a third-party platform
// the component AppID.
func NewCrypter(token, appID string, encodingAESKeys ...string) (*Crypter, error) {
	if appID == "" {
		return nil, errors.New("wechatmp: NewCrypter: empty appID")
	}
	if len(encodingAESKeys) == 0 || len(encodingAESKeys) > 2 {
		return nil, fmt.Errorf("%w: want the current key and at most one previous key, got %d keys", ErrIllegalAESKey, len(encodingAESKeys))
	}
	c := &Crypter{token: token, appID: appID}
	for i, k := range encodingAESKeys {
		ck, err := parseAESKey(k)
		if err != nil {
			return nil, fmt.Errorf("%w: key %d: %v", ErrIllegalAESKey, i, err)
		}
		c.keys = append(c.keys, ck)
	}
	return c, nil
}

func parseAESKey(k string) (cryptKey, error) {
	var ck cryptKey
	if len(k) != 43 {
		return ck, fmt.Errorf("length %d, want 43", len(k))
	}
	raw, err := base64.StdEncoding.DecodeString(k + "=")
	if err != nil {
		return ck, errors.New("not base64")
	}
	if len(raw) != 32 {
		return ck, fmt.Errorf("decodes to %d bytes, want 32", len(raw))
	}
	copy(ck.raw[:], raw)
	block, err := aes.NewCipher(ck.raw[:])
	if err != nil {
		return ck, err
	}
	ck.block = block
	return ck, nil
}

// Token returns the callback token.
func (c *Crypter) Token() string { return c.token }

// AppID returns the AppID that messages must embed.
func (c *Crypter) AppID() string { return c.appID }

// Keys returns how many EncodingAESKeys the Crypter holds (1 or 2).
func (c *Crypter) Keys() int { return len(c.keys) }

// Decrypt checks msgSignature over (token, timestamp, nonce, encrypt) and opens
// encrypt, the base64 Encrypt value of a callback. It returns the message, and
// key, the index of the EncodingAESKey that opened it (0 current, 1 previous).
// Errors wrap one of the Err* crypto errors.
func (c *Crypter) Decrypt(msgSignature, timestamp, nonce, encrypt string) (plaintext []byte, key int, err error) {
	if err := VerifyMsgSignature(c.token, timestamp, nonce, encrypt, msgSignature); err != nil {
		return nil, 0, err
	}
	return c.Open(nil, stringBytes(encrypt))
}

// Open decrypts the base64 Encrypt value without checking a signature (the
// caller has verified msg_signature already) and appends the message to dst,
// which may be nil; the returned plaintext aliases the grown dst. It tries the
// current key, then the previous one, and returns the index of the key that
// worked. When no key opens the value, the error is the current key's.
func (c *Crypter) Open(dst []byte, encrypt []byte) (plaintext []byte, key int, err error) {
	n := base64.StdEncoding.DecodedLen(len(encrypt))
	start := len(dst)
	// Room for the decoded ciphertext, and a second copy when a previous key
	// may have to be tried on the untouched ciphertext.
	need := n
	if len(c.keys) > 1 {
		need = 2 * n
	}
	if cap(dst)-start < need {
		grown := make([]byte, start, start+need)
		copy(grown, dst)
		dst = grown
	}
	ct := dst[start : start+n]
	m, derr := base64.StdEncoding.Decode(ct, encrypt)
	if derr != nil {
		return dst[:start], 0, ErrBase64
	}
	ct = ct[:m]
	if len(ct) < aesBlock || len(ct)%aes.BlockSize != 0 {
		return dst[:start], 0, fmt.Errorf("%w: ciphertext of %d bytes", ErrDecrypt, len(ct))
	}
	var firstErr error
	for i := range c.keys {
		out := ct
		if len(c.keys) > 1 {
			out = dst[start+m : start+2*m]
		}
		k := &c.keys[i]
		cipher.NewCBCDecrypter(k.block, k.raw[:16]).CryptBlocks(out, ct)
		msg, err := c.unwrap(out)
		if err == nil {
			// Move the message to the front of dst's free space.
			copy(dst[start:start+len(msg)], msg)
			return dst[:start+len(msg)], i, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return dst[:start], 0, firstErr
}

// unwrap strips the PKCS#7 padding, the random prefix and the length field of
// a decrypted buffer and checks the trailing AppID.
func (c *Crypter) unwrap(buf []byte) ([]byte, error) {
	pad := int(buf[len(buf)-1])
	if pad < 1 || pad > aesBlock || pad > len(buf) {
		return nil, fmt.Errorf("%w: padding byte %d", ErrIllegalBuffer, pad)
	}
	for _, b := range buf[len(buf)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: inconsistent padding", ErrIllegalBuffer)
		}
	}
	body := buf[:len(buf)-pad]
	if len(body) < 20 {
		return nil, fmt.Errorf("%w: %d bytes, too short", ErrIllegalBuffer, len(body))
	}
	msgLen := binary.BigEndian.Uint32(body[16:20])
	if uint64(msgLen) > uint64(len(body)-20) {
		return nil, fmt.Errorf("%w: length field %d exceeds buffer", ErrIllegalBuffer, msgLen)
	}
	end := 20 + int(msgLen)
	if string(body[end:]) != c.appID {
		got := body[end:]
		if len(got) > 64 {
			got = got[:64]
		}
		return nil, fmt.Errorf("%w: message is for %q", ErrAppIDMismatch, got)
	}
	return body[20:end], nil
}

// Encrypt seals plaintext with the key of index key (0 current, 1 previous) and
// a fresh random prefix from crypto/rand, and returns the base64 Encrypt value
// with its msg_signature for the given timestamp and nonce.
func (c *Crypter) Encrypt(plaintext []byte, timestamp, nonce string, key int) (encrypt, msgSignature string, err error) {
	var random [16]byte
	if _, err := rand.Read(random[:]); err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrEncrypt, err)
	}
	return c.EncryptWithRandom(random[:], plaintext, timestamp, nonce, key)
}

// EncryptWithRandom is Encrypt with a caller-chosen 16-byte random prefix, for
// reproducing known-answer vectors and for debugging tools. Production code
// should call Encrypt.
func (c *Crypter) EncryptWithRandom(random, plaintext []byte, timestamp, nonce string, key int) (encrypt, msgSignature string, err error) {
	ct, err := c.seal(nil, random, plaintext, key)
	if err != nil {
		return "", "", err
	}
	encrypt = base64.StdEncoding.EncodeToString(ct)
	return encrypt, MsgSignature(c.token, timestamp, nonce, encrypt), nil
}

// seal appends the AES-CBC ciphertext (not yet base64) of the padded FullStr to dst.
func (c *Crypter) seal(dst, random, plaintext []byte, key int) ([]byte, error) {
	if len(random) != 16 {
		return nil, fmt.Errorf("%w: random prefix of %d bytes, want 16", ErrEncrypt, len(random))
	}
	if key < 0 || key >= len(c.keys) {
		return nil, fmt.Errorf("%w: no key %d", ErrEncrypt, key)
	}
	if uint64(len(plaintext)) > 1<<31 {
		return nil, fmt.Errorf("%w: message too large", ErrEncrypt)
	}
	n := 20 + len(plaintext) + len(c.appID)
	pad := aesBlock - n%aesBlock
	start := len(dst)
	total := n + pad
	if cap(dst)-start < total {
		grown := make([]byte, start, start+total)
		copy(grown, dst)
		dst = grown
	}
	buf := dst[start : start+total]
	copy(buf, random)
	binary.BigEndian.PutUint32(buf[16:20], uint32(len(plaintext)))
	copy(buf[20:], plaintext)
	copy(buf[20+len(plaintext):], c.appID)
	for i := n; i < total; i++ {
		buf[i] = byte(pad)
	}
	k := &c.keys[key]
	cipher.NewCBCEncrypter(k.block, k.raw[:16]).CryptBlocks(buf, buf)
	return dst[:start+total], nil
}

// stringBytes views s as a byte slice without copying. The result must not be
// modified; it is only passed to readers (base64 decoding).
func stringBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
