package identity_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/kefu-go/kefu/identity"
)

// exampleRegistry returns a Registry over an in-memory store, with demo keys
// and predictable customer ids. Real keys come from a secret manager.
func exampleRegistry() *identity.Registry {
	keys, err := identity.NewKeyring("2026-01",
		map[string][]byte{"2026-01": []byte("example-aes-256-key-32-bytes-abc")},
		[]byte("example-blind-index-key-32-bytes"))
	if err != nil {
		panic(err)
	}
	n := 0
	reg, err := identity.New(identity.Config{
		Keyring: keys,
		NewID:   func() string { n++; return fmt.Sprintf("cust-%d", n) },
	})
	if err != nil {
		panic(err)
	}
	return reg
}

func ExampleRegistry_Resolve() {
	ctx := context.Background()
	reg := exampleRegistry()

	// The first message from an openid creates the customer ...
	first, _ := reg.Resolve(ctx, "wx-official-account", "oUser123")
	// ... every later one finds the same customer.
	again, _ := reg.Resolve(ctx, "wx-official-account", "oUser123")
	fmt.Println(first.ID, again.ID, len(again.OpenIDs))

	// Openids are per app: the same string from a mini program is another user.
	other, _ := reg.Resolve(ctx, "wx-mini-program", "oUser123")
	fmt.Println(other.ID)
	// Output:
	// cust-1 cust-1 1
	// cust-2
}

func ExampleRegistry_BindPhone() {
	ctx := context.Background()
	reg := exampleRegistry()
	c, _ := reg.Resolve(ctx, "wx-official-account", "oUser123")

	// The host verified the number (e.g. WeChat getPhoneNumber).
	p, err := identity.ParsePhone("+86 138-1234-5678")
	if err != nil {
		panic(err)
	}
	if _, err := reg.BindPhone(ctx, c.ID, p); err != nil {
		panic(err)
	}

	// Later, a call-centre agent looks the caller up by number. The store is
	// searched by a keyed blind index; only the match is decrypted.
	found, err := reg.LookupPhone(ctx, identity.MustParsePhone("13812345678"))
	if err != nil {
		panic(err)
	}
	fmt.Println(found.ID, found.Phone)

	_, err = reg.LookupPhone(ctx, identity.MustParsePhone("13900000000"))
	fmt.Println(errors.Is(err, identity.ErrNotFound))
	// Output:
	// cust-1 138****5678
	// true
}

func ExamplePhone_Masked() {
	p := identity.MustParsePhone("13812341234")
	fmt.Println(p.Masked())
	fmt.Println(p)         // String, %v and %s are masked too
	fmt.Printf("%#v\n", p) // and %#v
	fmt.Println(p.E164())  // the number itself, for code that must dial it
	fmt.Println(identity.MustParsePhone("+44 7700 900123").Masked())
	// Output:
	// 138****1234
	// 138****1234
	// identity.Phone(138****1234)
	// +8613812341234
	// +447****0123
}

func ExampleRegistry_LinkUnionID() {
	ctx := context.Background()
	reg := exampleRegistry()

	oa, _ := reg.Resolve(ctx, "wx-official-account", "oOA")
	_, _ = reg.Tag(ctx, oa.ID, "VIP")
	mini, _ := reg.Resolve(ctx, "wx-mini-program", "oMini")
	_, _ = reg.Tag(ctx, mini.ID, "孕期")

	// Both apps report the same unionid: one person. The two customers merge,
	// keeping both openids and both tags, with a merge record.
	_, _ = reg.LinkUnionID(ctx, oa.ID, "uPerson")
	merged, err := reg.LinkUnionID(ctx, mini.ID, "uPerson")
	if err != nil {
		panic(err)
	}
	fmt.Println(merged.ID, len(merged.OpenIDs), merged.Tags, len(merged.MergeIDs))

	viaMini, _ := reg.Resolve(ctx, "wx-mini-program", "oMini")
	fmt.Println(viaMini.ID)

	// The merge can be undone from its record.
	w, l, err := reg.UndoMerge(ctx, merged.MergeIDs[0])
	if err != nil {
		panic(err)
	}
	fmt.Println(w.ID, w.Tags, l.ID, l.Tags)
	// Output:
	// cust-1 2 [VIP 孕期] 1
	// cust-1
	// cust-1 [VIP] cust-2 [孕期]
}

func ExampleRegistry_Merge() {
	ctx := context.Background()
	reg := exampleRegistry()

	a, _ := reg.Resolve(ctx, "wx-official-account", "oA")
	_, _ = reg.BindPhone(ctx, a.ID, identity.MustParsePhone("13812345678"))
	b, _ := reg.Resolve(ctx, "wx-official-account", "oB")
	_, _ = reg.BindPhone(ctx, b.ID, identity.MustParsePhone("13900001111"))
	c, _ := reg.Resolve(ctx, "wx-official-account", "oC")

	// An agent merges two customers by hand. Nothing proves they are one
	// person, so a disagreement on any identifier blocks the merge.
	_, err := reg.Merge(ctx, a.ID, b.ID)
	var conflict *identity.ConflictError
	fmt.Println(errors.As(err, &conflict), conflict.Kind)

	merged, err := reg.Merge(ctx, c.ID, a.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(merged.ID, len(merged.OpenIDs), merged.Phone)
	// Output:
	// true phone
	// cust-1 2 138****5678
}

func ExampleCustomer_LogValue() {
	// Drop the time so the output is stable.
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{}
			}
			return a
		},
	}))
	c := identity.Customer{
		ID:          "cust-1",
		OpenIDs:     []identity.OpenID{{App: "wx-official-account", ID: "oUser123"}},
		Phone:       identity.MustParsePhone("13812341234"),
		MemberID:    "M-88",
		MemberLevel: "diamond",
		Name:        "张先生",
		Tags:        []string{"敏感肌"},
		Sensitive:   map[string]string{"address": "上海市徐汇区"},
	}
	log.Info("handing over", "customer", c)
	// Output:
	// {"level":"INFO","msg":"handing over","customer":{"id":"cust-1","openids":1,"unionid":false,"phone":"138****1234","member":"M-88","level":"diamond","name":"[redacted]","tags":["敏感肌"],"sensitive":["address"]}}
}

func ExampleRegistry_Reencrypt() {
	ctx := context.Background()
	oldKey := []byte("example-aes-256-key-32-bytes-abc")
	newKey := []byte("example-aes-256-key-2027-rotated")
	indexKey := []byte("example-blind-index-key-32-bytes") // never rotates: the index depends on it
	store := identity.NewMemoryStore()

	ring2026, _ := identity.NewKeyring("2026", map[string][]byte{"2026": oldKey}, indexKey)
	reg, _ := identity.New(identity.Config{Keyring: ring2026, Store: store})
	c, _ := reg.Resolve(ctx, "wx-official-account", "oUser123")
	_, _ = reg.BindPhone(ctx, c.ID, identity.MustParsePhone("13812345678"))

	// Rotation: add the new key and make it current. Old records stay
	// readable; Reencrypt moves them to the new key.
	ring2027, _ := identity.NewKeyring("2027", map[string][]byte{"2026": oldKey, "2027": newKey}, indexKey)
	rotated, _ := identity.New(identity.Config{Keyring: ring2027, Store: store})
	n, err := rotated.Reencrypt(ctx)
	fmt.Println(n, err)

	// Now the old key can be dropped.
	only2027, _ := identity.NewKeyring("2027", map[string][]byte{"2027": newKey}, indexKey)
	fresh, _ := identity.New(identity.Config{Keyring: only2027, Store: store})
	found, err := fresh.LookupPhone(ctx, identity.MustParsePhone("13812345678"))
	fmt.Println(found.ID == c.ID, found.Phone, err)
	// Output:
	// 1 <nil>
	// true 138****5678 <nil>
}
