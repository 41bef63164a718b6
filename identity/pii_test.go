package identity_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

// leakLog collects what a piiStore reports, to test the detector itself.
type leakLog struct{ errs []string }

func (l *leakLog) Helper() {}
func (l *leakLog) Errorf(format string, args ...any) {
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
}

func TestPIIStoreDetectsPlaintext(t *testing.T) {
	for name, w := range map[string]identity.Write{
		"attribute": {Put: []identity.Record{{ID: "x", Attributes: map[string]string{"note": "call " + phoneA}}}},
		"tag":       {Put: []identity.Record{{ID: "x", Tags: []string{"+86" + phoneA}}}},
		"sealed":    {Put: []identity.Record{{ID: "x", Sealed: identity.Sealed{KeyID: "k", Data: []byte(`{"p":"+86` + phoneA + `"}`)}}}},
		"key":       {Bind: []identity.Binding{{Key: identity.Key{Kind: identity.KindPhone, Value: phoneA[3:]}, Customer: "x"}}},
		"snapshot":  {PutMerges: []identity.MergeRecord{{ID: "m", LoserBefore: identity.Record{PhoneIndex: phoneA}}}},
	} {
		log := &leakLog{}
		s := &piiStore{Store: identity.NewMemoryStore(), t: log, secrets: []string{phoneA, phoneA[3:]}}
		_ = s.Commit(bg, w)
		if len(log.errs) == 0 {
			t.Errorf("%s: plaintext phone in a write went unnoticed", name)
		}
	}
}

// TestStoreNeverSeesPlaintextPhone drives every flow that touches a phone
// (bind, replace, lookup, merge by phone, member lookup, undo, rotation,
// erasure) through a store that fails the test if any field it receives
// contains the phone digits, and checks that records carry only the blind
// index and ciphertext.
func TestStoreNeverSeesPlaintextPhone(t *testing.T) {
	h := newHarness(t)
	h.dir.ByPhone["+86"+phoneC] = identity.Member{ID: "M-1", Level: "gold", Name: "张先生"}
	a := h.resolve("wxoa", "o-a")
	b := h.resolve("wxmini", "o-b")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneB)))
	must(t)(h.reg.BindPhone(bg, b.ID, phone(phoneC)))
	must(t)(h.reg.LookupPhone(bg, phone(phoneB)))
	if _, _, err := h.reg.LookupMember(bg, b.ID); err != nil {
		t.Fatal(err)
	}
	m := must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneC))) // merges a and b
	if _, _, err := h.reg.UndoMerge(bg, m.MergeIDs[0]); err != nil {
		t.Fatal(err)
	}
	for _, rec := range h.records() {
		if rec.PhoneIndex == "" || rec.Sealed.IsZero() {
			t.Fatalf("record %s has no blind index or no sealed data: %+v", rec.ID, rec)
		}
	}
	k2, err := identity.NewKeyring("k2", map[string][]byte{"k1": testKey(1), "k2": testKey(2)}, testKey(99))
	if err != nil {
		t.Fatal(err)
	}
	h.cfg.Keyring = k2
	if _, err := h.registry().Reencrypt(bg); err != nil {
		t.Fatal(err)
	}
	if err := h.reg.Erase(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	if h.store.checked.Load() < 100 {
		t.Fatalf("the store wrapper inspected only %d fields", h.store.checked.Load())
	}
}

// countingStore counts the store calls a lookup makes.
type countingStore struct {
	identity.Store
	gets, lookups, lists atomic.Int64
}

func (s *countingStore) Get(ctx context.Context, id string) (identity.Record, error) {
	s.gets.Add(1)
	return s.Store.Get(ctx, id)
}

func (s *countingStore) Lookup(ctx context.Context, k identity.Key) (string, error) {
	s.lookups.Add(1)
	return s.Store.Lookup(ctx, k)
}

func (s *countingStore) List(ctx context.Context, q identity.Query) ([]identity.Record, error) {
	s.lists.Add(1)
	return s.Store.List(ctx, q)
}

func TestLookupPhoneUsesBlindIndexOnly(t *testing.T) {
	cs := &countingStore{Store: identity.NewMemoryStore()}
	h := newHarness(t, func(c *identity.Config) { c.Store = cs })
	var target identity.Customer
	for i := range 200 {
		c := h.resolve("wxoa", fmt.Sprintf("o-%03d", i))
		c = must(t)(h.reg.BindPhone(bg, c.ID, phone(fmt.Sprintf("137%08d", i))))
		if i == 123 {
			target = c
		}
	}
	cold := h.registry() // no cache: the lookup must go to the store
	cs.gets.Store(0)
	cs.lookups.Store(0)
	cs.lists.Store(0)
	got := must(t)(cold.LookupPhone(bg, phone("13700000123")))
	if got.ID != target.ID || got.Phone != phone("13700000123") {
		t.Fatalf("LookupPhone found %s (%v); want %s", got.ID, got.Phone, target.ID)
	}
	if cs.lookups.Load() != 1 || cs.gets.Load() != 1 || cs.lists.Load() != 0 {
		t.Fatalf("LookupPhone made %d lookups, %d gets, %d lists; want 1, 1, 0 (one record decrypted)",
			cs.lookups.Load(), cs.gets.Load(), cs.lists.Load())
	}
	if _, err := cold.LookupPhone(bg, phone("13799999999")); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("unknown phone: %v; want ErrNotFound", err)
	}
	if cs.gets.Load() != 1 || cs.lists.Load() != 0 {
		t.Fatal("a miss read customer records")
	}
	if _, err := cold.LookupPhone(bg, identity.Phone{}); !errors.Is(err, identity.ErrInvalidPhone) {
		t.Fatalf("zero phone: %v; want ErrInvalidPhone", err)
	}
}

func TestBlindIndexIsKeyedAndStable(t *testing.T) {
	index := func(indexKey []byte) string {
		t.Helper()
		k, err := identity.NewKeyring("k1", map[string][]byte{"k1": testKey(1)}, indexKey)
		if err != nil {
			t.Fatal(err)
		}
		mem := identity.NewMemoryStore()
		reg, err := identity.New(identity.Config{Keyring: k, Store: mem})
		if err != nil {
			t.Fatal(err)
		}
		c := must(t)(reg.Resolve(bg, "wxoa", "o"))
		must(t)(reg.BindPhone(bg, c.ID, phone(phoneA)))
		rec, err := mem.Get(bg, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return rec.PhoneIndex
	}
	a1, a2, other := index(testKey(99)), index(testKey(99)), index(testKey(77))
	if a1 == "" || a1 != a2 {
		t.Fatalf("blind index not deterministic: %q vs %q", a1, a2)
	}
	if a1 == other {
		t.Fatal("blind index does not depend on the index key")
	}
	if strings.ContainsAny(a1, "+") || strings.Contains(a1, phoneA[7:]) {
		t.Fatalf("blind index %q looks like the number", a1)
	}
}

func TestBindPhoneAndLookup(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	c := must(t)(h.reg.BindPhone(bg, a.ID, phone("+86 138 9012 7654")))
	if c.ID != a.ID || c.Phone.E164() != "+86"+phoneA || c.Phone.Masked() != "138****7654" {
		t.Fatalf("after BindPhone: %v", c)
	}
	if got := must(t)(h.registry().LookupPhone(bg, phone(phoneA))); got.ID != a.ID || got.Phone != phone(phoneA) {
		t.Fatalf("LookupPhone from another registry: %v", got)
	}
	commits := h.store.commits.Load()
	must(t)(h.reg.BindPhone(bg, a.ID, phone("008613890127654")))
	if h.store.commits.Load() != commits {
		t.Fatal("binding the same phone again wrote to the store")
	}
	// A newly verified phone replaces the old one, in the index too.
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneB)))
	if _, err := h.reg.LookupPhone(bg, phone(phoneA)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("replaced phone still found: %v", err)
	}
	if got := must(t)(h.reg.LookupPhone(bg, phone(phoneB))); got.ID != a.ID {
		t.Fatalf("new phone resolves to %s", got.ID)
	}
	if _, err := h.reg.BindPhone(bg, a.ID, identity.Phone{}); !errors.Is(err, identity.ErrInvalidPhone) {
		t.Fatalf("zero phone: %v; want ErrInvalidPhone", err)
	}
	if _, err := h.reg.BindPhone(bg, "missing", phone(phoneC)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("unknown customer: %v; want ErrNotFound", err)
	}
}

// TestRegistryLogsNoPersonalData runs merges, undo and erasure with a JSON
// logger and checks the log carries ids, not numbers or names.
func TestRegistryLogsNoPersonalData(t *testing.T) {
	h := newHarness(t)
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1", Name: "张先生"}
	a := h.resolve("wxoa", "o-a")
	b := h.resolve("wxmini", "o-b")
	must(t)(h.reg.BindPhone(bg, b.ID, phone(phoneA)))
	m := must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	if _, _, err := h.reg.LookupMember(bg, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.reg.UndoMerge(bg, m.MergeIDs[0]); err != nil {
		t.Fatal(err)
	}
	if err := h.reg.Erase(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	out := h.logs.String()
	if !containsAll(out, "customers merged", "merge undone", "customer erased") {
		t.Fatalf("expected events missing from the log:\n%s", out)
	}
	for _, leak := range []string{phoneA, phoneA[3:], "张先生", "o-a", "o-b"} {
		if strings.Contains(out, leak) {
			t.Errorf("log contains %q:\n%s", leak, out)
		}
	}
}

func testKey(seed byte) []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

func TestNewKeyringRejectsBadKeys(t *testing.T) {
	good := testKey(1)
	for name, tc := range map[string]struct {
		current string
		keys    map[string][]byte
		index   []byte
	}{
		"current missing":    {"k2", map[string][]byte{"k1": good}, testKey(99)},
		"empty current":      {"", map[string][]byte{"": good}, testKey(99)},
		"short index key":    {"k1", map[string][]byte{"k1": good}, testKey(99)[:31]},
		"index equals key":   {"k1", map[string][]byte{"k1": good}, good},
		"bad AES key size":   {"k1", map[string][]byte{"k1": good[:20]}, testKey(99)},
		"empty key id":       {"k1", map[string][]byte{"k1": good, "": testKey(3)}, testKey(99)},
		"no keys at all":     {"k1", nil, testKey(99)},
		"nil index key":      {"k1", map[string][]byte{"k1": good}, nil},
		"index equals other": {"k1", map[string][]byte{"k1": good, "k0": testKey(99)}, testKey(99)},
	} {
		if _, err := identity.NewKeyring(tc.current, tc.keys, tc.index); !errors.Is(err, identity.ErrInvalidKey) {
			t.Errorf("%s: %v; want ErrInvalidKey", name, err)
		}
	}
	for _, size := range []int{16, 24, 32} {
		k, err := identity.NewKeyring("k", map[string][]byte{"k": testKey(5)[:size]}, testKey(99))
		if err != nil || k.CurrentKeyID() != "k" {
			t.Errorf("AES-%d key: %v", size*8, err)
		}
	}
	if _, err := identity.New(identity.Config{}); !errors.Is(err, identity.ErrInvalidKey) {
		t.Fatalf("New without a keyring: %v; want ErrInvalidKey", err)
	}
	if _, err := identity.New(identity.Config{Keyring: new(identity.Keyring)}); !errors.Is(err, identity.ErrInvalidKey) {
		t.Fatalf("New with a zero Keyring: %v; want ErrInvalidKey", err)
	}
}

func TestKeyRotation(t *testing.T) {
	k1, k2 := testKey(1), testKey(2)
	ring := func(current string, keys ...string) *identity.Keyring {
		t.Helper()
		m := map[string][]byte{}
		for _, id := range keys {
			m[id] = map[string][]byte{"k1": k1, "k2": k2}[id]
		}
		r, err := identity.NewKeyring(current, m, testKey(99))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	h := newHarness(t, func(c *identity.Config) { c.Keyring = ring("k1", "k1") })
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	b := h.resolve("wxmini", "o-b")
	must(t)(h.reg.BindPhone(bg, b.ID, phone(phoneB)))
	must(t)(h.reg.Update(bg, b.ID, func(c *identity.Customer) error { c.Name = "李女士"; return nil }))

	// Make k2 current: old records stay readable, new writes use k2.
	h.cfg.Keyring = ring("k2", "k1", "k2")
	rotated := h.registry()
	if got := must(t)(rotated.LookupPhone(bg, phone(phoneA))); got.ID != a.ID || got.Phone != phone(phoneA) {
		t.Fatalf("old record unreadable after adding k2: %v", got)
	}
	must(t)(rotated.Tag(bg, a.ID, "vip"))
	if rec, _ := h.mem.Get(bg, a.ID); rec.Sealed.KeyID != "k2" {
		t.Fatalf("write after rotation sealed with %q; want k2", rec.Sealed.KeyID)
	}
	if rec, _ := h.mem.Get(bg, b.ID); rec.Sealed.KeyID != "k1" {
		t.Fatalf("untouched record sealed with %q; want k1 until Reencrypt", rec.Sealed.KeyID)
	}
	// Re-encrypt everything, then k1 can go.
	n, err := rotated.Reencrypt(bg)
	if err != nil || n != 1 {
		t.Fatalf("Reencrypt = %d, %v; want 1 record rewritten", n, err)
	}
	if n, err := rotated.Reencrypt(bg); err != nil || n != 0 {
		t.Fatalf("second Reencrypt = %d, %v; want 0", n, err)
	}
	for _, rec := range h.records() {
		if rec.Sealed.KeyID != "k2" {
			t.Fatalf("record %s still sealed with %q", rec.ID, rec.Sealed.KeyID)
		}
	}
	h.cfg.Keyring = ring("k2", "k2")
	onlyK2 := h.registry()
	if got := must(t)(onlyK2.Get(bg, b.ID)); got.Name != "李女士" || got.Phone != phone(phoneB) {
		t.Fatalf("after dropping k1: name ok %v, phone %v", got.Name == "李女士", got.Phone)
	}
	// A keyring without the sealing key fails closed with ErrDecrypt.
	h.cfg.Keyring = ring("k1", "k1")
	if _, err := h.registry().Get(bg, b.ID); !errors.Is(err, identity.ErrDecrypt) {
		t.Fatalf("reading with only the retired key: %v; want ErrDecrypt", err)
	}
}

func TestSealedDataIsAuthenticated(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	b := h.resolve("wxoa", "o-b")
	must(t)(h.reg.BindPhone(bg, b.ID, phone(phoneB)))
	ra, _ := h.mem.Get(bg, a.ID)
	rb, _ := h.mem.Get(bg, b.ID)

	// Ciphertext moved onto another customer's record does not open: the
	// customer id is authenticated.
	moved := rb.Clone()
	moved.Sealed = ra.Sealed
	if err := h.mem.Commit(bg, identity.Write{Put: []identity.Record{moved}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.registry().Get(bg, b.ID); !errors.Is(err, identity.ErrDecrypt) {
		t.Fatalf("ciphertext of another customer: %v; want ErrDecrypt", err)
	}
	// A flipped bit does not open either.
	tampered := ra.Clone()
	tampered.Sealed.Data[len(tampered.Sealed.Data)-1] ^= 1
	if err := h.mem.Commit(bg, identity.Write{Put: []identity.Record{tampered}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.registry().Get(bg, a.ID); !errors.Is(err, identity.ErrDecrypt) {
		t.Fatalf("tampered ciphertext: %v; want ErrDecrypt", err)
	}
	for _, s := range []identity.Sealed{{KeyID: "k9", Data: ra.Sealed.Data}, {KeyID: "k1", Data: []byte{1, 2}}} {
		r, _ := h.mem.Get(bg, a.ID)
		r.Sealed = s
		if err := h.mem.Commit(bg, identity.Write{Put: []identity.Record{r}}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.registry().Get(bg, a.ID); !errors.Is(err, identity.ErrDecrypt) {
			t.Fatalf("sealed data %q/%d bytes: %v; want ErrDecrypt", s.KeyID, len(s.Data), err)
		}
	}
}

func TestLookupPhoneWarmCache(t *testing.T) {
	cs := &countingStore{Store: identity.NewMemoryStore()}
	h := newHarness(t, func(c *identity.Config) { c.Store = cs })
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	must(t)(h.reg.LookupPhone(bg, phone(phoneA))) // loads a into the cache
	gets, lookups := cs.gets.Load(), cs.lookups.Load()
	for range 3 {
		if c := must(t)(h.reg.LookupPhone(bg, phone(phoneA))); c.ID != a.ID {
			t.Fatalf("warm LookupPhone = %s; want %s", c.ID, a.ID)
		}
	}
	if cs.gets.Load() != gets || cs.lookups.Load() != lookups {
		t.Fatalf("warm LookupPhone reached the store: %d gets, %d lookups", cs.gets.Load()-gets, cs.lookups.Load()-lookups)
	}
	// A change through this registry shows at once.
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneB)))
	if _, err := h.reg.LookupPhone(bg, phone(phoneA)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("replaced phone served from the cache: %v", err)
	}
	must(t)(h.reg.LookupPhone(bg, phone(phoneB)))
	// A change through another process shows within CacheTTL.
	if err := h.registry().Erase(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Minute)
	if _, err := h.reg.LookupPhone(bg, phone(phoneB)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("phone of a customer erased elsewhere still found after CacheTTL: %v", err)
	}
}
