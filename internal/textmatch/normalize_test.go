package textmatch

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＶＩＰ 会员?", "vip会员"},
		{"vip会员", "vip会员"},
		{"  Hello,\tWorld!\n", "helloworld"},
		{"【退款】，怎么办？", "退款怎么办"},
		{"终身\u200b免费", "终身免费"},      // zero-width space dropped
		{"ＡＢＣ１２３ｘｙｚ", "abc123xyz"},  // full-width letters and digits
		{"价格￥１００", "价格¥100"},        // full-width yen sign
		{"Ünïcode ÄÖ", "ünïcodeäö"}, // non-ASCII letters lower-cased
		{"a\xffb", "a\uFFFDb"},      // invalid byte → U+FFFD
		{"", ""},
		{"？！。，、", ""},
		{"$5 + 3 = 8~", "$5+3=8~"}, // symbols are kept
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := NormalizedLen(tt.in); got != utf8.RuneCountInString(tt.want) {
			t.Errorf("NormalizedLen(%q) = %d, want %d", tt.in, got, utf8.RuneCountInString(tt.want))
		}
	}
}

func TestNormalizeRuneIdempotent(t *testing.T) {
	for r := rune(0); r <= 0x2FFFF; r++ {
		n, ok := NormalizeRune(r)
		if !ok {
			continue
		}
		n2, ok2 := NormalizeRune(n)
		if !ok2 || n2 != n {
			t.Fatalf("NormalizeRune(%U) = %U, but NormalizeRune(%U) = %U, %v", r, n, n, n2, ok2)
		}
	}
}

func TestAppendNormalizedNoAlloc(t *testing.T) {
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		buf = AppendNormalized(buf[:0], "ＶＩＰ 会员怎么退款？")
	})
	if allocs != 0 {
		t.Fatalf("AppendNormalized allocated %v times", allocs)
	}
}

func TestDecodeRuneMatchesUTF8(t *testing.T) {
	check := func(s string) {
		r, w := decodeRune(s, 0)
		wr, ww := utf8.DecodeRuneInString(s)
		if r != wr || w != ww {
			t.Fatalf("decodeRune(%q) = %U, %d; utf8 says %U, %d", s, r, w, wr, ww)
		}
	}
	for b0 := 0; b0 < 256; b0++ {
		check(string([]byte{byte(b0)}))
		for b1 := 0; b1 < 256; b1++ {
			check(string([]byte{byte(b0), byte(b1)}))
			if b0 < 0xE0 || b0 > 0xEF {
				continue
			}
			for b2 := 0; b2 < 256; b2++ {
				check(string([]byte{byte(b0), byte(b1), byte(b2)}))
			}
		}
	}
}

// TestCJKIdeographMatchesUTF8 checks the scan's three-byte test against
// the standard decoder for every sequence with a lead byte 0xE0..0xEF.
func TestCJKIdeographMatchesUTF8(t *testing.T) {
	for b0 := 0xE0; b0 <= 0xEF; b0++ {
		for b1 := 0; b1 < 256; b1++ {
			for b2 := 0; b2 < 256; b2++ {
				r, w := utf8.DecodeRune([]byte{byte(b0), byte(b1), byte(b2)})
				want := w == 3 && r >= cjkFirst && r <= cjkLast
				if got := cjkIdeograph(byte(b0), byte(b1), byte(b2)); got != want {
					t.Fatalf("cjkIdeograph(% X) = %v, want %v", []byte{byte(b0), byte(b1), byte(b2)}, got, want)
				}
			}
		}
	}
}
