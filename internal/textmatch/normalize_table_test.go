package textmatch

import (
	"testing"
	"unicode/utf8"
)

// TestNormalizeRuneTablesAgreeWithSlowPath checks the fast paths of
// NormalizeRune (ASCII, CJK ideographs, CJK punctuation, full-width forms)
// against the general rule.
func TestNormalizeRuneTablesAgreeWithSlowPath(t *testing.T) {
	for _, block := range [][2]rune{{0, utf8.RuneSelf}, {0x3000, 0x3040}, {0x4E00, 0xA000}, {0xFF00, 0xFFF0}} {
		for r := block[0]; r < block[1]; r++ {
			n, ok := NormalizeRune(r)
			sn, sok := normalizeSlow(r)
			if n != sn || ok != sok {
				t.Fatalf("NormalizeRune(%U) = %U, %v; normalizeSlow = %U, %v", r, n, ok, sn, sok)
			}
		}
	}
}
