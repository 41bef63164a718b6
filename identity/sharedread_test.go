package identity_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
	"github.com/kefu-go/kefu/identity/identitytest"
)

// The Registry reads a bare MemoryStore without copying on its read-only
// paths (Get, LookupPhone, Resolve). These tests use a bare MemoryStore on
// purpose: the harness wraps the store, which takes the copying path.

func bareRegistry(t *testing.T, cacheTTL time.Duration) (*identity.Registry, *identity.MemoryStore) {
	t.Helper()
	mem := identity.NewMemoryStore()
	reg, err := identity.New(identity.Config{Keyring: identitytest.NewKeyring(t), Store: mem, CacheTTL: cacheTTL})
	if err != nil {
		t.Fatal(err)
	}
	return reg, mem
}

// TestReadsDoNotShareStoreMemory changes every slice and map of customers
// returned by the read paths and checks the store did not change.
func TestReadsDoNotShareStoreMemory(t *testing.T) {
	ctx := context.Background()
	for _, ttl := range []time.Duration{-1, time.Minute} {
		t.Run(fmt.Sprint("CacheTTL=", ttl), func(t *testing.T) {
			reg, mem := bareRegistry(t, ttl)
			c := must(t)(reg.Resolve(ctx, "wxoa", "o-1"))
			must(t)(reg.BindPhone(ctx, c.ID, phone(phoneA)))
			must(t)(reg.Update(ctx, c.ID, func(c *identity.Customer) error {
				c.Tags = []string{"vip"}
				c.Attributes = map[string]string{"room": "1201"}
				c.Sensitive = map[string]string{"allergy": "花粉"}
				c.Name = "张先生"
				return nil
			}))
			before := storedRecord(t, mem, c.ID)
			reads := map[string]func() (identity.Customer, error){
				"Get":         func() (identity.Customer, error) { return reg.Get(ctx, c.ID) },
				"LookupPhone": func() (identity.Customer, error) { return reg.LookupPhone(ctx, phone(phoneA)) },
				"Resolve":     func() (identity.Customer, error) { return reg.Resolve(ctx, "wxoa", "o-1") },
			}
			for _, name := range slices.Sorted(maps.Keys(reads)) {
				got, err := reads[name]()
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got.Name != "张先生" || got.Sensitive["allergy"] != "花粉" || got.Attributes["room"] != "1201" || !got.HasTag("vip") {
					t.Fatalf("%s returned an incomplete customer: %v", name, got)
				}
				if ttl < 0 { // with the cache on, the returned maps are the cache's (read-only)
					got.OpenIDs[0].ID = "changed"
					got.Tags[0] = "changed"
					got.Attributes["room"] = "changed"
					got.Sensitive["allergy"] = "changed"
				}
				after := storedRecord(t, mem, c.ID)
				if !slices.Equal(after.OpenIDs, before.OpenIDs) || !slices.Equal(after.Tags, before.Tags) ||
					!maps.Equal(after.Attributes, before.Attributes) || !slices.Equal(after.Sealed.Data, before.Sealed.Data) {
					t.Fatalf("changing the customer %s returned changed the store", name)
				}
				again := must(t)(reg.Get(ctx, c.ID))
				if again.OpenIDs[0].ID != "o-1" || again.Tags[0] != "vip" || again.Attributes["room"] != "1201" || again.Sensitive["allergy"] != "花粉" {
					t.Fatalf("changing the customer %s returned changed later reads", name)
				}
			}
		})
	}
}

// TestSharedReadsRaceWithWrites reads a customer through the non-copying
// paths while other goroutines rewrite it. Run with -race.
func TestSharedReadsRaceWithWrites(t *testing.T) {
	ctx := context.Background()
	reg, _ := bareRegistry(t, -1)
	c := must(t)(reg.Resolve(ctx, "wxoa", "o-1"))
	must(t)(reg.BindPhone(ctx, c.ID, phone(phoneA)))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 2 {
		wg.Go(func() {
			for i := range 50 {
				_, err := reg.Update(ctx, c.ID, func(c *identity.Customer) error {
					c.Tags = append(c.Tags, fmt.Sprintf("t%d-%d", w, i))
					c.Attributes = map[string]string{"n": fmt.Sprint(i)}
					c.Name = fmt.Sprintf("name-%d-%d", w, i)
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range 3 {
		wg.Go(func() {
			for range 100 {
				for _, read := range []func() (identity.Customer, error){
					func() (identity.Customer, error) { return reg.Get(ctx, c.ID) },
					func() (identity.Customer, error) { return reg.LookupPhone(ctx, phone(phoneA)) },
					func() (identity.Customer, error) { return reg.Resolve(ctx, "wxoa", "o-1") },
				} {
					got, err := read()
					if err != nil {
						errs <- err
						return
					}
					if got.ID != c.ID || got.Phone != phone(phoneA) {
						errs <- fmt.Errorf("read customer %s with phone %v", got.ID, got.Phone)
						return
					}
					got.Tags = append(got.Tags[:len(got.Tags):len(got.Tags)], "local") // callers may append
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := must(t)(reg.Get(ctx, c.ID)); len(got.Tags) != 100 || got.HasTag("local") {
		t.Fatalf("after the writes: %d tags (local %v); want 100 written ones", len(got.Tags), got.HasTag("local"))
	}
}

func storedRecord(t *testing.T, mem *identity.MemoryStore, id string) identity.Record {
	t.Helper()
	rec, err := mem.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}
