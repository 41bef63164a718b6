package wechatmp

import (
	"strconv"
	"testing"
)

// parseInt agrees with strconv.ParseInt (after trimming white space) on its
// fast path and off it.
func TestParseIntMatchesStrconv(t *testing.T) {
	for _, v := range []string{"0", "7", " 42 ", "000123", "123456789012345678", "1234567890123456789", "9223372036854775807",
		"9223372036854775808", "-5", "+5", "1_000", "12a", "1.5", "١٢", "\t99\n"} {
		for _, bits := range []int{32, 64} {
			got, ok := parseInt(v, bits)
			want, err := strconv.ParseInt(parseTrim(v), 10, bits)
			if ok != (err == nil) || (ok && got != want) {
				t.Errorf("parseInt(%q, %d) = %d, %v; strconv %d, %v", v, bits, got, ok, want, err)
			}
		}
	}
	if n, ok := parseInt("", 64); n != 0 || !ok {
		t.Errorf("empty = %d, %v", n, ok)
	}
}

func TestXMLNameClassMatchesNameByte(t *testing.T) {
	for c := range 256 {
		if (xmlNameClass[c]&1 != 0) != xmlNameByte(byte(c), true) || (xmlNameClass[c]&2 != 0) != xmlNameByte(byte(c), false) {
			t.Errorf("byte %#x: class %b", c, xmlNameClass[c])
		}
	}
}
