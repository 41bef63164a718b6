package identity_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kefu-go/kefu/identity"
)

func TestTagsFromHostAndOutcomes(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	a = must(t)(h.reg.BindOpenID(bg, a.ID, "wxmini", "o-a-mini"))
	// The host tags the customer (CRM import, agent action) ...
	c := must(t)(h.reg.Tag(bg, a.ID, "VIP"))
	// ... and routing/kb outcomes add theirs (routing.Action.AddTags, a kb
	// answer about pregnancy-safe products).
	c = must(t)(h.reg.Tag(bg, c.ID, "敏感肌", "孕期", "敏感肌", "VIP"))
	if !slices.Equal(c.Tags, []string{"VIP", "敏感肌", "孕期"}) {
		t.Fatalf("tags %v; want VIP 敏感肌 孕期 in order, once each", c.Tags)
	}
	if got := must(t)(h.registry().Get(bg, a.ID)); !slices.Equal(got.Tags, c.Tags) {
		t.Fatalf("stored tags %v; want %v", got.Tags, c.Tags)
	}
	c = must(t)(h.reg.Untag(bg, a.ID, "孕期", "never-had"))
	if !slices.Equal(c.Tags, []string{"VIP", "敏感肌"}) || c.HasTag("孕期") {
		t.Fatalf("tags after Untag %v", c.Tags)
	}
	// The syncer saw each real change once, with every openid.
	openids := []identity.OpenID{{App: "wxoa", ID: "o-a"}, {App: "wxmini", ID: "o-a-mini"}}
	want := []identity.TagChange{
		{CustomerID: a.ID, OpenIDs: openids, Added: []string{"VIP"}},
		{CustomerID: a.ID, OpenIDs: openids, Added: []string{"敏感肌", "孕期"}},
		{CustomerID: a.ID, OpenIDs: openids, Removed: []string{"孕期"}},
	}
	if d := cmp.Diff(want, h.tags.Changes()); d != "" {
		t.Fatalf("tag syncs (-want +got):\n%s", d)
	}
	// A call that changes nothing neither writes nor syncs.
	commits := h.store.commits.Load()
	must(t)(h.reg.Tag(bg, a.ID, "VIP"))
	must(t)(h.reg.Untag(bg, a.ID, "absent"))
	if len(h.tags.Changes()) != 3 {
		t.Fatalf("no-op tag calls synced: %+v", h.tags.Changes()[3:])
	}
	if n := h.store.commits.Load() - commits; n != 0 {
		t.Fatalf("no-op tag calls wrote %d times", n)
	}
}

func TestTagsValidated(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	for _, bad := range []string{"", " padded", "padded ", "a\nb", "\x00", strings.Repeat("长", 22), string([]byte{0xff})} {
		if _, err := h.reg.Tag(bg, a.ID, bad); !errors.Is(err, identity.ErrInvalidIdentifier) {
			t.Errorf("Tag(%q): %v; want ErrInvalidIdentifier", bad, err)
		}
	}
	if c := h.get(a.ID); len(c.Tags) != 0 {
		t.Fatalf("invalid tags stored: %q", c.Tags)
	}
	if _, err := h.reg.Tag(bg, "missing", "vip"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("Tag of an unknown customer: %v; want ErrNotFound", err)
	}
}

func TestTagSyncFailureKeepsTagsAndReturnsChange(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	h.tags.Err = errors.New("wechat: 45157 invalid tag name") // no sync has run yet
	c, err := h.reg.Tag(bg, a.ID, "vip")
	var se *identity.TagSyncError
	if !errors.Is(err, identity.ErrTagSync) || !errors.As(err, &se) {
		t.Fatalf("failing syncer: %v; want *TagSyncError", err)
	}
	if se.CustomerID != a.ID || !slices.Equal(se.Change.Added, []string{"vip"}) || !strings.Contains(err.Error(), "45157") {
		t.Fatalf("TagSyncError %+v", se)
	}
	if !errors.Is(err, se.Err) {
		t.Fatal("TagSyncError does not unwrap to the syncer's error")
	}
	if !c.HasTag("vip") || !h.get(a.ID).HasTag("vip") {
		t.Fatal("tag not stored when the syncer failed")
	}
}

func TestRegistryWithoutTagSyncer(t *testing.T) {
	h := newHarness(t, func(c *identity.Config) { c.TagSyncer = nil })
	a := h.resolve("wxoa", "o-a")
	if c := must(t)(h.reg.Tag(bg, a.ID, "vip")); !c.HasTag("vip") {
		t.Fatal("tag not added without a syncer")
	}
}

func TestTagSyncFunc(t *testing.T) {
	var mu sync.Mutex
	var got []identity.TagChange
	syncer := identity.TagSyncFunc(func(ctx context.Context, c identity.TagChange) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, c)
		return nil
	})
	h := newHarness(t, func(c *identity.Config) { c.TagSyncer = syncer })
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.Tag(bg, a.ID, "孕期"))
	if len(got) != 1 || !slices.Equal(got[0].Added, []string{"孕期"}) {
		t.Fatalf("TagSyncFunc received %+v", got)
	}
}

func TestUpdateRejectsIdentifierChanges(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	c := must(t)(h.reg.Update(bg, a.ID, func(c *identity.Customer) error {
		c.Name = "李女士"
		c.MemberLevel = "silver"
		c.Attributes = map[string]string{"lang": "zh"}
		c.Sensitive = map[string]string{"skin": "敏感"}
		return nil
	}))
	got := must(t)(h.registry().Get(bg, a.ID))
	if got.Name != "李女士" || got.MemberLevel != "silver" || got.Attributes["lang"] != "zh" || got.Sensitive["skin"] != "敏感" || got.Version != c.Version {
		t.Fatalf("after Update: %v", got)
	}
	for field, f := range map[string]func(*identity.Customer){
		"Phone":    func(c *identity.Customer) { c.Phone = phone(phoneB) },
		"UnionID":  func(c *identity.Customer) { c.UnionID = "u-x" },
		"OpenIDs":  func(c *identity.Customer) { c.OpenIDs = nil },
		"MemberID": func(c *identity.Customer) { c.MemberID = "M-x" },
		"ID":       func(c *identity.Customer) { c.ID = "other" },
		"Version":  func(c *identity.Customer) { c.Version++ },
		"MergeIDs": func(c *identity.Customer) { c.MergeIDs = []string{"m"} },
		"LastSeen": func(c *identity.Customer) { c.LastSeen = c.LastSeen.Add(1) },
	} {
		_, err := h.reg.Update(bg, a.ID, func(c *identity.Customer) error { f(c); return nil })
		if !errors.Is(err, identity.ErrImmutable) {
			t.Errorf("Update changing %s: %v; want ErrImmutable", field, err)
		}
	}
	for name, f := range map[string]func(*identity.Customer){
		"duplicate tag":       func(c *identity.Customer) { c.Tags = []string{"a", "a"} },
		"empty attribute":     func(c *identity.Customer) { c.Attributes = map[string]string{"": "x"} },
		"empty sensitive key": func(c *identity.Customer) { c.Sensitive = map[string]string{"": "x"} },
	} {
		_, err := h.reg.Update(bg, a.ID, func(c *identity.Customer) error { f(c); return nil })
		if !errors.Is(err, identity.ErrInvalidIdentifier) {
			t.Errorf("Update with %s: %v; want ErrInvalidIdentifier", name, err)
		}
	}
	if _, err := h.reg.Update(bg, a.ID, nil); !errors.Is(err, identity.ErrInvalidIdentifier) {
		t.Fatalf("nil update function: %v; want ErrInvalidIdentifier", err)
	}
	boom := errors.New("boom")
	if _, err := h.reg.Update(bg, a.ID, func(*identity.Customer) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("callback error: %v", err)
	}
}
