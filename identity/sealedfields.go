package identity

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"slices"
)

// sealedFields is the plaintext sealed into Record.Sealed: the personal data
// of a customer.
//
// It is written in the binary format v1:
//
//	0x01                      format version
//	uvarint len, bytes        phone (E.164, "" for none)
//	uvarint len, bytes        name
//	uvarint n                 number of sensitive attributes
//	n × (uvarint len, bytes,  key
//	     uvarint len, bytes)  value, keys in ascending order
//
// Records sealed before v1 hold the JSON object {"p":…,"n":…,"s":{…}}, which
// always starts with '{': parseSealedFields tells the two apart by the first
// byte, so old records stay readable, and Reencrypt rewrites them as v1.
type sealedFields struct {
	Phone     string            `json:"p,omitempty"`
	Name      string            `json:"n,omitempty"`
	Sensitive map[string]string `json:"s,omitempty"`
}

const (
	sealedFormatV1   = 0x01 // first byte of the binary format
	sealedFormatJSON = '{'  // first byte of the legacy JSON format
)

// errMalformedSealed reports sealed plaintext that decrypted but does not
// parse. Callers wrap it with ErrDecrypt and the customer id.
var errMalformedSealed = errors.New("malformed sealed fields")

// appendSealedFields appends the v1 encoding of f to dst.
func appendSealedFields(dst []byte, f sealedFields) []byte {
	dst = append(dst, sealedFormatV1)
	dst = appendLenString(dst, f.Phone)
	dst = appendLenString(dst, f.Name)
	dst = binary.AppendUvarint(dst, uint64(len(f.Sensitive)))
	for _, k := range slices.Sorted(maps.Keys(f.Sensitive)) {
		dst = appendLenString(dst, k)
		dst = appendLenString(dst, f.Sensitive[k])
	}
	return dst
}

func appendLenString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// parseSealedFields decodes plaintext in either format. The strings of a v1
// result are substrings of pt (one allocation in all, made by the caller's
// string conversion). Errors match errMalformedSealed.
func parseSealedFields(pt string) (sealedFields, error) {
	if pt == "" {
		return sealedFields{}, errMalformedSealed
	}
	switch pt[0] {
	case sealedFormatV1:
		return parseSealedV1(pt[1:])
	case sealedFormatJSON:
		var f sealedFields
		if err := json.Unmarshal([]byte(pt), &f); err != nil {
			return sealedFields{}, errMalformedSealed
		}
		return f, nil
	default:
		return sealedFields{}, errMalformedSealed
	}
}

func parseSealedV1(s string) (sealedFields, error) {
	var f sealedFields
	var ok bool
	if f.Phone, s, ok = cutLenString(s); !ok {
		return sealedFields{}, errMalformedSealed
	}
	if f.Name, s, ok = cutLenString(s); !ok {
		return sealedFields{}, errMalformedSealed
	}
	n, s, ok := cutUvarint(s)
	// Every attribute takes at least two bytes (two empty strings), so a count
	// beyond that cannot be honest and must not size an allocation.
	if !ok || n > uint64(len(s)/2) {
		return sealedFields{}, errMalformedSealed
	}
	if n > 0 {
		f.Sensitive = make(map[string]string, n)
		for range n {
			var k, v string
			if k, s, ok = cutLenString(s); !ok {
				return sealedFields{}, errMalformedSealed
			}
			if v, s, ok = cutLenString(s); !ok {
				return sealedFields{}, errMalformedSealed
			}
			if _, dup := f.Sensitive[k]; dup {
				return sealedFields{}, errMalformedSealed
			}
			f.Sensitive[k] = v
		}
	}
	if s != "" {
		return sealedFields{}, errMalformedSealed
	}
	return f, nil
}

// cutUvarint reads a uvarint from the front of s.
func cutUvarint(s string) (uint64, string, bool) {
	var x uint64
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if i == binary.MaxVarintLen64-1 && b > 1 {
			return 0, "", false // overflows 64 bits
		}
		x |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return x, s[i+1:], true
		}
	}
	return 0, "", false
}

// cutLenString reads a length-prefixed string from the front of s.
func cutLenString(s string) (string, string, bool) {
	n, rest, ok := cutUvarint(s)
	if !ok || n > uint64(len(rest)) {
		return "", "", false
	}
	return rest[:n], rest[n:], true
}
