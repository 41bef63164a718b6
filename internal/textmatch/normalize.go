package textmatch

import (
	"unicode"
	"unicode/utf8"
)

// fullwidthSigns maps U+FFE0..U+FFE6 (full-width ¢ £ ¬ ¯ ¦ ¥ ₩) to their
// ordinary forms.
var fullwidthSigns = [...]rune{0x00A2, 0x00A3, 0x00AC, 0x00AF, 0x00A6, 0x00A5, 0x20A9}

// asciiNorm holds the normalised form of every ASCII rune; 0 means dropped.
var asciiNorm = buildASCIINorm()

// cjkPunctNorm and formsNorm hold the normalised forms of two blocks
// frequent in Chinese text: CJK Symbols and Punctuation (U+3000..U+303F, such
// as "。" and "、") and Halfwidth and Fullwidth Forms (U+FF00..U+FFEF, such as
// "，" and "Ａ"); 0 means dropped. They make the common punctuation as fast
// as ASCII.
var (
	cjkPunctNorm = buildNormTable(0x3000, 0x40)
	formsNorm    = buildNormTable(0xFF00, 0xF0)
)

func buildNormTable(first rune, n int) []rune {
	t := make([]rune, n)
	for i := range t {
		if nr, ok := normalizeSlow(first + rune(i)); ok {
			t[i] = nr
		}
	}
	return t
}

func buildASCIINorm() (t [utf8.RuneSelf]rune) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		if n, ok := normalizeSlow(r); ok {
			t[r] = n
		}
	}
	return t
}

// NormalizeRune returns the normalised form of r and whether r is kept at all.
//
// Full-width forms (U+FF01..U+FF5E, U+FFE0..U+FFE6) become their half-width
// counterparts, letters are lower-cased (simple case folding), and white
// space, punctuation, control and format characters (for example the
// zero-width space) are dropped: the second result is false for them. Every
// other rune, including symbols, digits and CJK characters, is kept as it is.
// NormalizeRune is idempotent: normalising a kept result again returns it
// unchanged.
func NormalizeRune(r rune) (rune, bool) {
	if r >= 0 && r < utf8.RuneSelf {
		n := asciiNorm[r]
		return n, n != 0
	}
	if r >= 0x4E00 && r <= 0x9FFF { // CJK unified ideographs: the common case.
		return r, true
	}
	if r >= 0x3000 && r < 0x3040 {
		n := cjkPunctNorm[r-0x3000]
		return n, n != 0
	}
	if r >= 0xFF00 && r < 0xFFF0 {
		n := formsNorm[r-0xFF00]
		return n, n != 0
	}
	return normalizeSlow(r)
}

func normalizeSlow(r rune) (rune, bool) {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r >= 0xFFE0 && r <= 0xFFE6:
		r = fullwidthSigns[r-0xFFE0]
	}
	if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
		return 0, false
	}
	if !utf8.ValidRune(r) {
		return utf8.RuneError, true
	}
	return unicode.ToLower(r), true
}

// Normalize returns the normalised form of s: every rune passed through
// NormalizeRune, dropped runes removed. Invalid UTF-8 bytes become U+FFFD.
// For example Normalize("ＶＩＰ 会员?") is "vip会员".
func Normalize(s string) string {
	return string(AppendNormalized(nil, s))
}

// AppendNormalized appends the normalised form of s (see Normalize) to dst and
// returns the extended buffer. It allocates only when dst lacks capacity.
func AppendNormalized(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		i += w
		if n, ok := NormalizeRune(r); ok {
			dst = utf8.AppendRune(dst, n)
		}
	}
	return dst
}

// NormalizedLen returns the number of runes in Normalize(s) without building
// it.
func NormalizedLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		i += w
		if _, ok := NormalizeRune(r); ok {
			n++
		}
	}
	return n
}

// decodeRune decodes the rune at s[i:] like utf8.DecodeRuneInString, with
// the common cases (ASCII and the three-byte sequences of CJK text) inline.
func decodeRune(s string, i int) (rune, int) {
	b0 := s[i]
	if b0 < utf8.RuneSelf {
		return rune(b0), 1
	}
	if b0&0xF0 == 0xE0 && i+2 < len(s) {
		b1, b2 := s[i+1], s[i+2]
		if b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
			r := rune(b0&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F)
			if r >= 0x800 && (r < 0xD800 || r > 0xDFFF) {
				return r, 3
			}
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}
