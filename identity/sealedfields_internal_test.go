package identity

import (
	"context"
	"encoding/hex"
	"errors"
	"maps"
	"testing"
	"time"
)

// legacyKey is the key material of identitytest.NewKeyring, repeated here
// because an internal test cannot import identitytest.
func legacyKey(seed byte) []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

func legacyKeyring(t *testing.T, current string, keys ...string) *Keyring {
	t.Helper()
	m := map[string][]byte{}
	for _, id := range keys {
		m[id] = legacyKey(map[string]byte{"k1": 1, "k2": 2}[id])
	}
	k, err := NewKeyring(current, m, legacyKey(99))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// legacyRecord is a customer record exactly as the JSON-format encoder wrote
// it (sealed with key "k1" of legacyKeyring; the plaintext was
// {"p":"+8613812341234","n":"张三","s":{"allergy":"花粉","note":"VIP \"quoted\""}}).
func legacyRecord(t *testing.T) Record {
	t.Helper()
	data, err := hex.DecodeString("19edd44002e17a4396c66461f78c68461a498f6b7e0954e3dcf7f511287373441cd69cdc497b262e30dc5f104c85723e8c8c6abe739bc6a3f0b5ced99893fb3a08513b9c3fde6084575e9fb43a24a6aac6ef46baf39a2a74ddc27c7e5422e4c2dfc3c004ccaa39afc7dc4f1511eefa3b")
	if err != nil {
		t.Fatal(err)
	}
	return Record{
		ID:         "c-legacy",
		OpenIDs:    []OpenID{{App: "wxoa", ID: "o-legacy"}},
		PhoneIndex: "j9L3FXNGfcAlDku-l-vgq52Uq7rSGJjMZJNhTdAOWf4",
		Sealed:     Sealed{KeyID: "k1", Data: data},
	}
}

var legacySensitive = map[string]string{"allergy": "花粉", "note": `VIP "quoted"`}

func checkLegacyCustomer(t *testing.T, c Customer) {
	t.Helper()
	if c.ID != "c-legacy" || c.Phone != MustParsePhone("13812341234") || c.Name != "张三" || !maps.Equal(c.Sensitive, legacySensitive) {
		t.Fatalf("legacy record decoded as id %q phone %v name ok %v sensitive ok %v",
			c.ID, c.Phone, c.Name == "张三", maps.Equal(c.Sensitive, legacySensitive))
	}
}

func TestLegacyJSONRecordStaysReadable(t *testing.T) {
	ctx := context.Background()
	keys := legacyKeyring(t, "k1", "k1")
	rec := legacyRecord(t)
	if got := keys.phoneIndex(MustParsePhone("13812341234")); got != rec.PhoneIndex {
		t.Fatalf("blind index changed: %q, stored %q", got, rec.PhoneIndex)
	}
	c, err := keys.decode(rec)
	if err != nil {
		t.Fatal(err)
	}
	checkLegacyCustomer(t, c)

	// Through the Registry: found by the blind index, with and without the cache.
	for _, ttl := range []time.Duration{0, -1} {
		store := NewMemoryStore()
		if err := store.Commit(ctx, Write{Put: []Record{rec}, Bind: []Binding{
			{Key: rec.OpenIDs[0].Key(), Customer: rec.ID},
			{Key: Key{Kind: KindPhone, Value: rec.PhoneIndex}, Customer: rec.ID},
		}}); err != nil {
			t.Fatal(err)
		}
		reg, err := New(Config{Keyring: keys, Store: store, CacheTTL: ttl})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			c, err := reg.LookupPhone(ctx, MustParsePhone("13812341234"))
			if err != nil {
				t.Fatalf("cache ttl %d: %v", ttl, err)
			}
			checkLegacyCustomer(t, c)
		}
		c, err := reg.Resolve(ctx, "wxoa", "o-legacy")
		if err != nil {
			t.Fatal(err)
		}
		checkLegacyCustomer(t, c)
	}
}

func TestReencryptUpgradesLegacyJSON(t *testing.T) {
	ctx := context.Background()
	store := NewMemoryStore()
	rec := legacyRecord(t)
	if err := store.Commit(ctx, Write{Put: []Record{rec}, Bind: []Binding{
		{Key: Key{Kind: KindPhone, Value: rec.PhoneIndex}, Customer: rec.ID},
	}}); err != nil {
		t.Fatal(err)
	}
	reg, err := New(Config{Keyring: legacyKeyring(t, "k2", "k1", "k2"), Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := reg.Reencrypt(ctx); err != nil || n != 1 {
		t.Fatalf("Reencrypt = %d, %v; want 1", n, err)
	}
	got, err := store.Get(ctx, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	k2 := legacyKeyring(t, "k2", "k2")
	pt, err := k2.open(got.Sealed, recordAAD(rec.ID))
	if err != nil {
		t.Fatalf("re-encrypted record does not open with k2 alone: %v", err)
	}
	if pt[0] != sealedFormatV1 {
		t.Fatalf("re-encrypted plaintext starts with %#x; want the v1 format", pt[0])
	}
	c, err := k2.decode(got)
	if err != nil {
		t.Fatal(err)
	}
	checkLegacyCustomer(t, c)
}

func TestSealedFieldsV1RoundTrip(t *testing.T) {
	for _, f := range []sealedFields{
		{},
		{Phone: "+8613812341234"},
		{Name: "张三"},
		{Phone: "+447911123456", Name: string(make([]byte, 300)), Sensitive: map[string]string{"": "", "b": "2", "a": "1", "孕期": "是"}},
	} {
		enc := appendSealedFields(nil, f)
		if enc[0] != sealedFormatV1 {
			t.Fatalf("encoding starts with %#x", enc[0])
		}
		if again := appendSealedFields(nil, f); string(again) != string(enc) {
			t.Fatal("encoding is not deterministic")
		}
		got, err := parseSealedFields(string(enc))
		if err != nil {
			t.Fatalf("parse %q: %v", enc, err)
		}
		if got.Phone != f.Phone || got.Name != f.Name || !maps.Equal(got.Sensitive, f.Sensitive) || (got.Sensitive == nil) != (len(f.Sensitive) == 0) {
			t.Fatalf("round trip of %+v gave %+v", f, got)
		}
	}
}

func TestSealedFieldsRejectsMalformed(t *testing.T) {
	valid := string(appendSealedFields(nil, sealedFields{Phone: "+8613812341234", Name: "n", Sensitive: map[string]string{"k": "v"}}))
	for name, pt := range map[string]string{
		"empty":           "",
		"unknown version": "\x02" + valid[1:],
		"trailing bytes":  valid + "x",
		"truncated":       valid[:len(valid)-1],
		"length too long": "\x01\x7f+86",
		"varint overflow": "\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
		"unterminated":    "\x01\x80",
		"count too large": "\x01\x00\x00\x05\x00\x00",
		"duplicate key":   "\x01\x00\x00\x02\x01k\x01v\x01k\x01w",
		"bad json":        `{"p":`,
		"json wrong type": `{"p":1}`,
	} {
		if _, err := parseSealedFields(pt); !errors.Is(err, errMalformedSealed) {
			t.Errorf("%s: %v; want errMalformedSealed", name, err)
		}
	}
	// Malformed plaintext that authenticates is still ErrDecrypt for the caller.
	keys := legacyKeyring(t, "k1", "k1")
	s, err := keys.seal([]byte("\x01garbage"), recordAAD("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.decode(Record{ID: "c1", Sealed: s}); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("decode of malformed plaintext: %v; want ErrDecrypt", err)
	}
}

func TestOpenFieldsZeroesScratch(t *testing.T) {
	keys := legacyKeyring(t, "k1", "k1")
	rec, err := keys.encode(Customer{ID: "c1", Phone: MustParsePhone("13812341234"), Name: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	keys = legacyKeyring(t, "k1", "k1") // a fresh, empty scratch pool
	mine := &sealScratch{aad: make([]byte, 0, 128), pt: make([]byte, 0, 256)}
	keys.scratch.New = func() any { return mine } // the pool is empty: openFields gets mine
	f, err := keys.openFields(rec)
	if err != nil || f.Name != "张三" {
		t.Fatalf("openFields: %v", err)
	}
	if string(mine.aad) != recordAADPrefix+"c1" {
		t.Fatalf("openFields did not use the pooled scratch (aad %q)", mine.aad)
	}
	for i, b := range mine.pt[:cap(mine.pt)] {
		if b != 0 {
			t.Fatalf("pooled plaintext byte %d is %#x after use; want zero", i, b)
		}
	}
}

func FuzzSealedFields(f *testing.F) {
	f.Add(string(appendSealedFields(nil, sealedFields{Phone: "+8613812341234", Name: "张三", Sensitive: map[string]string{"a": "b"}})))
	f.Add(`{"p":"+8613812341234","n":"张三","s":{"allergy":"花粉"}}`)
	f.Add("\x01\x00\x00\x00")
	f.Fuzz(func(t *testing.T, pt string) {
		got, err := parseSealedFields(pt)
		if err != nil {
			if !errors.Is(err, errMalformedSealed) {
				t.Fatalf("error %v does not match errMalformedSealed", err)
			}
			return
		}
		again, err := parseSealedFields(string(appendSealedFields(nil, got)))
		if err != nil {
			t.Fatalf("re-encoding of a parsed value does not parse: %v", err)
		}
		if again.Phone != got.Phone || again.Name != got.Name || !maps.Equal(again.Sensitive, got.Sensitive) {
			t.Fatalf("round trip changed %q", pt)
		}
	})
}
