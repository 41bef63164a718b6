package identitytest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

func regMember(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	if _, _, err := e.reg.LookupMember(bg, a.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("member lookup without phone or unionid: %v; want ErrNotFound", err)
	}
	ok(e.reg.BindPhone(bg, a.ID, phone(phone1)))(t)
	calls := e.dir.Calls()
	c, m := ok2(t)(e.reg.LookupMember(bg, a.ID))
	if m.ID != "M-1" || m.Level != "diamond" || m.Name != name1 {
		t.Fatalf("member %+v", m)
	}
	if c.MemberID != "M-1" || c.MemberLevel != "diamond" || c.Name != name1 {
		t.Fatalf("customer after member lookup: %v / name ok %v", c, c.Name == name1)
	}
	if got := ok(e.registry(nil).Get(bg, a.ID))(t); got.Name != name1 || got.MemberLevel != "diamond" {
		t.Fatal("member data not persisted")
	}
	ok2(t)(e.reg.LookupMember(bg, a.ID))
	if e.dir.Calls() != calls+1 {
		t.Fatalf("second lookup within MemberTTL reached the directory (%d calls)", e.dir.Calls()-calls)
	}
	// The CRM upgrades the member; a refresh sees it at once.
	e.dir.ByPhone["+86"+phone1] = identity.Member{ID: "M-1", Level: "black", Name: name1}
	if _, m := ok2(t)(e.reg.LookupMember(bg, a.ID)); m.Level != "diamond" {
		t.Fatalf("cached level %q; want diamond until refresh", m.Level)
	}
	c, m = ok2(t)(e.reg.RefreshMember(bg, a.ID))
	if m.Level != "black" || c.MemberLevel != "black" {
		t.Fatalf("after refresh level %q / %q; want black", m.Level, c.MemberLevel)
	}
	// After the TTL the directory is asked again.
	calls = e.dir.Calls()
	e.clock.Advance(11 * time.Minute)
	ok2(t)(e.reg.LookupMember(bg, a.ID))
	if e.dir.Calls() != calls+1 {
		t.Fatalf("lookup after MemberTTL: %d directory calls; want 1", e.dir.Calls()-calls)
	}
	// "No member" answers are cached too.
	b := e.resolve("wxoa", "o-bob")
	ok(e.reg.BindPhone(bg, b.ID, phone(phone3)))(t)
	calls = e.dir.Calls()
	for range 3 {
		if _, _, err := e.reg.LookupMember(bg, b.ID); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("no member: %v; want ErrNotFound", err)
		}
	}
	if e.dir.Calls() != calls+1 {
		t.Fatalf("negative answers: %d directory calls; want 1", e.dir.Calls()-calls)
	}
	noDir := e.registry(func(c *identity.Config) { c.Directory = nil })
	if _, _, err := noDir.LookupMember(bg, a.ID); !errors.Is(err, identity.ErrNoDirectory) {
		t.Fatalf("without a directory: %v; want ErrNoDirectory", err)
	}
}

func regMemberMerge(t *testing.T, e *env) {
	// The OA customer verified its phone; the mini-program customer has a
	// unionid. The CRM says both are member M-1: one person.
	oa, mini := e.twoCustomers()
	ok(e.reg.BindPhone(bg, oa.ID, phone(phone1)))(t)
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-member"))(t)
	ok2(t)(e.reg.LookupMember(bg, oa.ID))
	c, _ := ok2(t)(e.reg.LookupMember(bg, mini.ID))
	if c.ID != oa.ID || c.MemberID != "M-1" || c.UnionID != "u-member" || len(c.OpenIDs) != 2 {
		t.Fatalf("member merge: %v", c)
	}
}

func regTags(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	c := ok(e.reg.Tag(bg, a.ID, "敏感肌", "孕期", "敏感肌"))(t)
	if !slices.Equal(c.Tags, []string{"敏感肌", "孕期"}) {
		t.Fatalf("tags %v", c.Tags)
	}
	commits := e.store.Commits()
	ok(e.reg.Tag(bg, a.ID, "孕期"))(t)
	c = ok(e.reg.Untag(bg, a.ID, "孕期", "absent"))(t)
	if !slices.Equal(c.Tags, []string{"敏感肌"}) {
		t.Fatalf("tags after Untag %v", c.Tags)
	}
	if e.store.Commits() != commits+1 {
		t.Fatalf("%d commits for a no-op tag and an untag; want 1", e.store.Commits()-commits)
	}
	ch := e.tags.Changes()
	if len(ch) != 2 {
		t.Fatalf("%d tag syncs; want 2 (the no-op Tag syncs nothing): %+v", len(ch), ch)
	}
	want0 := identity.TagChange{CustomerID: a.ID, OpenIDs: a.OpenIDs, Added: []string{"敏感肌", "孕期"}}
	if ch[0].CustomerID != want0.CustomerID || !slices.Equal(ch[0].OpenIDs, want0.OpenIDs) ||
		!slices.Equal(ch[0].Added, want0.Added) || len(ch[0].Removed) != 0 {
		t.Fatalf("first sync %+v; want %+v", ch[0], want0)
	}
	if !slices.Equal(ch[1].Removed, []string{"孕期"}) || len(ch[1].Added) != 0 {
		t.Fatalf("second sync %+v", ch[1])
	}
	e.tags.mu.Lock()
	e.tags.Err = errors.New("wechat: 45159 invalid tag")
	e.tags.mu.Unlock()
	_, err := e.reg.Tag(bg, a.ID, "vip")
	var se *identity.TagSyncError
	if !errors.Is(err, identity.ErrTagSync) || !errors.As(err, &se) || se.CustomerID != a.ID {
		t.Fatalf("failing syncer: %v; want *TagSyncError", err)
	}
	if c := e.get(a.ID); !c.HasTag("vip") {
		t.Fatal("tag not stored when the syncer failed")
	}
	for _, bad := range []string{"", " padded", "a\nb", string(make([]byte, 65))} {
		if _, err := e.reg.Tag(bg, a.ID, bad); !errors.Is(err, identity.ErrInvalidIdentifier) {
			t.Errorf("Tag(%q): %v; want ErrInvalidIdentifier", bad, err)
		}
	}
}

func regUpdate(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	ok(e.reg.BindPhone(bg, a.ID, phone(phone1)))(t)
	c := ok(e.reg.Update(bg, a.ID, func(c *identity.Customer) error {
		c.Name = name2
		c.MemberLevel = "silver"
		c.Attributes = map[string]string{"lang": "zh"}
		c.Sensitive = map[string]string{"address": secret}
		return nil
	}))(t)
	got := ok(e.registry(nil).Get(bg, a.ID))(t)
	if got.Name != name2 || got.MemberLevel != "silver" || got.Attributes["lang"] != "zh" || got.Sensitive["address"] != secret || got.Version != c.Version {
		t.Fatalf("after Update: %v (version %d, want %d)", got, got.Version, c.Version)
	}
	for field, f := range map[string]func(*identity.Customer){
		"phone":   func(c *identity.Customer) { c.Phone = phone(phone2) },
		"unionid": func(c *identity.Customer) { c.UnionID = "u-x" },
		"openids": func(c *identity.Customer) { c.OpenIDs = nil },
		"member":  func(c *identity.Customer) { c.MemberID = "M-x" },
		"id":      func(c *identity.Customer) { c.ID = "other" },
	} {
		_, err := e.reg.Update(bg, a.ID, func(c *identity.Customer) error { f(c); return nil })
		if !errors.Is(err, identity.ErrImmutable) {
			t.Errorf("Update changing %s: %v; want ErrImmutable", field, err)
		}
	}
	boom := errors.New("boom")
	if _, err := e.reg.Update(bg, a.ID, func(*identity.Customer) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("callback error: %v", err)
	}
}
