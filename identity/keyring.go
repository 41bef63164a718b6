package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"sync"
)

// Sealed is an AES-GCM ciphertext as the store keeps it: the id of the key
// that sealed it and the nonce followed by the sealed bytes. A Sealed is bound
// to the customer id it was written for (the id is the additional
// authenticated data), so ciphertext copied onto another record fails to open.
// The zero value means "nothing sealed".
// A Sealed may be read concurrently but its Data must not be changed while
// it is shared.
type Sealed struct {
	KeyID string
	Data  []byte
}

// IsZero reports whether s holds no ciphertext.
func (s Sealed) IsZero() bool { return s.KeyID == "" && len(s.Data) == 0 }

// Keyring holds the keys that protect personal data at rest: AES-GCM keys by
// id (the current one seals new writes, every one can open) and a separate
// HMAC-SHA256 key for the blind index that lets the store find a customer by
// phone without ever seeing the number.
//
// Rotate encryption keys by adding a new key, making it current, running
// Registry.Reencrypt, and only then dropping the old key. The index key cannot
// be rotated in place: every stored blind index depends on it.
//
// A Keyring is immutable after NewKeyring and safe for concurrent use. The zero
// value is not usable; Registry refuses a nil Keyring.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
	hmacs   sync.Pool // of *indexer keyed with the index key
	scratch sync.Pool // of *sealScratch
}

// sealScratch is pooled working space for sealing and opening records: the
// additional authenticated data and the plaintext. Plaintext is personal
// data, so it is zeroed before the scratch goes back to the pool.
type sealScratch struct {
	aad []byte
	pt  []byte
}

// maxPooledPlaintext caps the plaintext buffer kept in the pool, so one
// customer with very large sealed attributes does not pin that much memory.
const maxPooledPlaintext = 4 << 10

func (k *Keyring) getScratch() *sealScratch {
	if x, ok := k.scratch.Get().(*sealScratch); ok {
		return x
	}
	return &sealScratch{aad: make([]byte, 0, 128), pt: make([]byte, 0, 256)}
}

// putScratch zeroes the plaintext in x and returns x to the pool.
func (k *Keyring) putScratch(x *sealScratch) {
	clear(x.pt[:cap(x.pt)])
	x.pt = x.pt[:0]
	if cap(x.pt) > maxPooledPlaintext {
		return
	}
	k.scratch.Put(x)
}

// indexer is a pooled HMAC with scratch space, so computing a blind index
// allocates only the resulting string.
type indexer struct {
	mac hash.Hash
	in  [96]byte
	sum [sha256.Size]byte
	out [43]byte // base64.RawURLEncoding.EncodedLen(sha256.Size)
}

// NewKeyring returns a keyring that seals with keys[current] and opens with any
// key in keys. Encryption keys must be 16, 24 or 32 bytes (AES-128/192/256;
// 32 recommended); key ids must be non-empty. indexKey keys the blind index: at
// least 32 bytes, and different from every encryption key. The keys are
// copied. Errors match ErrInvalidKey.
func NewKeyring(current string, keys map[string][]byte, indexKey []byte) (*Keyring, error) {
	if _, ok := keys[current]; !ok || current == "" {
		return nil, fmt.Errorf("%w: current key id %q is not in the keyring", ErrInvalidKey, current)
	}
	if len(indexKey) < 32 {
		return nil, fmt.Errorf("%w: index key must be at least 32 bytes", ErrInvalidKey)
	}
	k := &Keyring{current: current, aeads: make(map[string]cipher.AEAD, len(keys))}
	for id, key := range keys {
		if id == "" {
			return nil, fmt.Errorf("%w: empty key id", ErrInvalidKey)
		}
		if subtle.ConstantTimeCompare(key, indexKey) == 1 {
			return nil, fmt.Errorf("%w: index key must differ from encryption key %q", ErrInvalidKey, id)
		}
		block, err := aes.NewCipher(append([]byte(nil), key...))
		if err != nil {
			return nil, fmt.Errorf("%w: key %q must be 16, 24 or 32 bytes", ErrInvalidKey, id)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%w: key %q: %v", ErrInvalidKey, id, err)
		}
		k.aeads[id] = aead
	}
	ik := append([]byte(nil), indexKey...)
	k.hmacs.New = func() any { return &indexer{mac: hmac.New(sha256.New, ik)} }
	return k, nil
}

// CurrentKeyID returns the id of the key that seals new writes.
func (k *Keyring) CurrentKeyID() string { return k.current }

// seal encrypts plaintext with the current key, bound to aad.
func (k *Keyring) seal(plaintext, aad []byte) (Sealed, error) {
	aead := k.aeads[k.current]
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return Sealed{}, fmt.Errorf("identity: seal: nonce: %w", err)
	}
	out = aead.Seal(out, out, plaintext, aad)
	return Sealed{KeyID: k.current, Data: out}, nil
}

// open decrypts s, which must have been sealed with aad, into a new slice.
func (k *Keyring) open(s Sealed, aad []byte) ([]byte, error) {
	return k.openTo(nil, s, aad)
}

// openTo decrypts s, which must have been sealed with aad, appending the
// plaintext to dst. dst must not overlap s.Data.
func (k *Keyring) openTo(dst []byte, s Sealed, aad []byte) ([]byte, error) {
	aead, ok := k.aeads[s.KeyID]
	if !ok {
		return nil, fmt.Errorf("%w: unknown key id %q", ErrDecrypt, s.KeyID)
	}
	if len(s.Data) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("%w: ciphertext too short", ErrDecrypt)
	}
	n := aead.NonceSize()
	pt, err := aead.Open(dst, s.Data[:n], s.Data[n:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: key %q: authentication failed", ErrDecrypt, s.KeyID)
	}
	return pt, nil
}

// phoneIndex returns the blind index of a phone: base64url(HMAC-SHA256(index
// key, "phone:" + E.164)). The domain prefix keeps phone indexes apart from
// any other field indexed with the same key later.
func (k *Keyring) phoneIndex(p Phone) string {
	x := k.hmacs.Get().(*indexer)
	x.mac.Reset()
	in := append(x.in[:0], "phone:"...)
	in = append(in, p.e164...)
	x.mac.Write(in)
	base64.RawURLEncoding.Encode(x.out[:], x.mac.Sum(x.sum[:0]))
	out := string(x.out[:])
	k.hmacs.Put(x)
	return out
}
