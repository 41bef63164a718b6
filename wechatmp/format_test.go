package wechatmp

import (
	"errors"
	"testing"
)

func TestFormatTextRoundTrip(t *testing.T) {
	for _, f := range []Format{FormatXML, FormatJSON} {
		b, err := f.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var got Format = 7
		if err := got.UnmarshalText(b); err != nil || got != f {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, got, err, f)
		}
	}
	var f Format
	if err := f.UnmarshalText([]byte("yaml")); err == nil {
		t.Error("UnmarshalText(yaml) succeeded")
	}
}

func TestAppIDMismatchNamesEmbeddedAppID(t *testing.T) {
	a, _ := NewCrypter(testToken, "wxAAAA", testKey)
	b, _ := NewCrypter(testToken, "wxBBBB", testKey)
	enc, sig, err := a.Encrypt([]byte("<xml/>"), "1", "2", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = b.Decrypt(sig, "1", "2", enc)
	if !errors.Is(err, ErrAppIDMismatch) || CryptoCode(err) != -40005 {
		t.Fatalf("err = %v, want ErrAppIDMismatch", err)
	}
	if want := `wechatmp: appid mismatch: message is for "wxAAAA"`; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}
