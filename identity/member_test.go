package identity_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

func TestLookupMemberByPhone(t *testing.T) {
	h := newHarness(t)
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-88", Level: "diamond", Name: "张先生"}
	a := h.resolve("wxoa", "o-a")
	if _, _, err := h.reg.LookupMember(bg, a.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("no phone, no unionid: %v; want ErrNotFound", err)
	}
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	c, m, err := h.reg.LookupMember(bg, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m != (identity.Member{ID: "M-88", Level: "diamond", Name: "张先生"}) {
		t.Fatalf("member %+v", m)
	}
	if c.ID != a.ID || c.MemberID != "M-88" || c.MemberLevel != "diamond" || c.Name != "张先生" {
		t.Fatalf("customer after member lookup: %v", c)
	}
	// Persisted: another process sees the member without asking the CRM.
	calls := h.dir.Calls()
	if got := must(t)(h.registry().Get(bg, a.ID)); got.MemberID != "M-88" || got.Name != "张先生" {
		t.Fatalf("member not persisted: %v", got)
	}
	if h.dir.Calls() != calls {
		t.Fatal("Get asked the directory")
	}
}

func TestLookupMemberByUnionID(t *testing.T) {
	h := newHarness(t)
	h.dir.ByUnionID["u-1"] = identity.Member{ID: "M-7", Level: "gold"}
	a := h.resolve("wxmini", "o-a")
	must(t)(h.reg.LinkUnionID(bg, a.ID, "u-1"))
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneB))) // unknown to the CRM: falls back to the unionid
	c, m, err := h.reg.LookupMember(bg, a.ID)
	if err != nil || m.ID != "M-7" || c.MemberID != "M-7" || c.MemberLevel != "gold" {
		t.Fatalf("member by unionid: %+v / %v, %v", m, c, err)
	}
	if h.dir.Calls() != 2 {
		t.Fatalf("%d directory calls; want 2 (phone, then unionid)", h.dir.Calls())
	}
}

func TestMemberCacheTTLAndRefresh(t *testing.T) {
	h := newHarness(t, func(c *identity.Config) { c.MemberTTL = 5 * time.Minute })
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1", Level: "gold"}
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	if _, _, err := h.reg.LookupMember(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	if h.dir.Calls() != 1 {
		t.Fatalf("%d directory calls; want 1", h.dir.Calls())
	}
	// The CRM upgrades the member. Within the TTL the cached answer is used.
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1", Level: "diamond"}
	h.clock.Advance(4*time.Minute + 59*time.Second)
	if _, m, err := h.reg.LookupMember(bg, a.ID); err != nil || m.Level != "gold" || h.dir.Calls() != 1 {
		t.Fatalf("within the TTL: level %q, %d calls, %v; want the cached gold, 1 call", m.Level, h.dir.Calls(), err)
	}
	// An explicit refresh asks the CRM at once and stores the new level.
	c, m, err := h.reg.RefreshMember(bg, a.ID)
	if err != nil || m.Level != "diamond" || c.MemberLevel != "diamond" || h.dir.Calls() != 2 {
		t.Fatalf("refresh: level %q/%q, %d calls, %v", m.Level, c.MemberLevel, h.dir.Calls(), err)
	}
	// The refreshed answer is cached again for a full TTL.
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1", Level: "black"}
	h.clock.Advance(4 * time.Minute)
	if _, m, _ := h.reg.LookupMember(bg, a.ID); m.Level != "diamond" || h.dir.Calls() != 2 {
		t.Fatalf("after refresh: level %q, %d calls; want cached diamond", m.Level, h.dir.Calls())
	}
	// Once the TTL has passed, the CRM is asked again.
	h.clock.Advance(time.Minute)
	if _, m, _ := h.reg.LookupMember(bg, a.ID); m.Level != "black" || h.dir.Calls() != 3 {
		t.Fatalf("after the TTL: level %q, %d calls; want black, 3", m.Level, h.dir.Calls())
	}
	if got := h.get(a.ID); got.MemberLevel != "black" {
		t.Fatalf("stored level %q; want black", got.MemberLevel)
	}
}

func TestMemberCacheRemembersNotFound(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	for range 3 {
		if _, _, err := h.reg.LookupMember(bg, a.ID); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("no member: %v; want ErrNotFound", err)
		}
	}
	if h.dir.Calls() != 1 {
		t.Fatalf("%d directory calls for a cached miss; want 1", h.dir.Calls())
	}
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-new"}
	if _, m, err := h.reg.RefreshMember(bg, a.ID); err != nil || m.ID != "M-new" {
		t.Fatalf("refresh after the member joined: %+v, %v", m, err)
	}
}

func TestMemberCacheDisabled(t *testing.T) {
	h := newHarness(t, func(c *identity.Config) { c.MemberTTL = -1 })
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1"}
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	for range 3 {
		if _, _, err := h.reg.LookupMember(bg, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if h.dir.Calls() != 3 {
		t.Fatalf("%d directory calls with caching disabled; want 3", h.dir.Calls())
	}
}

// failingDirectory fails every lookup with err.
type failingDirectory struct {
	mu    sync.Mutex
	err   error
	calls int
}

func (d *failingDirectory) MemberByPhone(ctx context.Context, p identity.Phone) (identity.Member, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	return identity.Member{}, d.err
}

func (d *failingDirectory) MemberByUnionID(ctx context.Context, u string) (identity.Member, error) {
	return d.MemberByPhone(ctx, identity.Phone{})
}

func TestMemberDirectoryErrors(t *testing.T) {
	boom := errors.New("crm: 503")
	fd := &failingDirectory{err: boom}
	h := newHarness(t, func(c *identity.Config) { c.Directory = fd })
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	for range 2 {
		if _, _, err := h.reg.LookupMember(bg, a.ID); !errors.Is(err, boom) || errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("directory failure: %v; want the directory's error", err)
		}
	}
	if fd.calls != 2 {
		t.Fatalf("%d directory calls; failures must not be cached", fd.calls)
	}
	fd.err = nil // a member without an id
	if _, _, err := h.reg.LookupMember(bg, a.ID); !errors.Is(err, identity.ErrInvalidIdentifier) {
		t.Fatalf("member without id: %v; want ErrInvalidIdentifier", err)
	}
	h.cfg.Directory = nil
	if _, _, err := h.registry().LookupMember(bg, a.ID); !errors.Is(err, identity.ErrNoDirectory) {
		t.Fatalf("no directory: %v; want ErrNoDirectory", err)
	}
}

func TestEraseForgetsCachedMemberAnswers(t *testing.T) {
	h := newHarness(t)
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1", Name: "张先生"}
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	if _, _, err := h.reg.LookupMember(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.reg.Erase(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	// Someone verifies the same number later: the CRM is asked afresh, not
	// answered from what was cached for the erased customer.
	b := h.resolve("wxoa", "o-b")
	must(t)(h.reg.BindPhone(bg, b.ID, phone(phoneA)))
	calls := h.dir.Calls()
	if _, _, err := h.reg.LookupMember(bg, b.ID); err != nil {
		t.Fatal(err)
	}
	if h.dir.Calls() != calls+1 {
		t.Fatalf("%d directory calls after erasure; want 1 (cached answer dropped)", h.dir.Calls()-calls)
	}
}
