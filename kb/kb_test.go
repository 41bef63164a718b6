package kb_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kefu-go/kefu/kb"
)

func TestPersistenceThroughTheStore(t *testing.T) {
	ctx := t.Context()
	store := kb.NewMemStore()
	clock := t0
	var logs strings.Builder
	k, err := kb.Open(ctx, kb.Config{Store: store, Now: func() time.Time { return clock },
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	e, err := k.Put(ctx, pub("hours", "营业时间", "几点开门"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Version != 1 || !e.UpdatedAt.Equal(t0) {
		t.Fatalf("Put returned %+v", e)
	}
	if d := k.Answer("营业时间", t0); d.ID() != "hours" {
		t.Fatalf("new entry not live: %s", d.Reason)
	}
	clock = t0.Add(time.Minute)
	e.Answer = "每天 10:00–22:00"
	if e, err = k.Put(ctx, e); err != nil || e.Version != 2 || !e.UpdatedAt.Equal(clock) {
		t.Fatalf("update: %+v, %v", e, err)
	}
	if d := k.Answer("营业时间", t0); d.Text != "每天 10:00–22:00" {
		t.Fatalf("update not published: %q", d.Text)
	}
	stale := e
	stale.Version = 1
	if _, err := k.Put(ctx, stale); !errors.Is(err, kb.ErrConflict) {
		t.Fatalf("stale Put = %v, want ErrConflict", err)
	}
	if _, err := k.Put(ctx, pub("hours", "营业时间")); !errors.Is(err, kb.ErrConflict) {
		t.Fatalf("create of an existing id = %v, want ErrConflict", err)
	}
	bad := pub("bad", "？")
	if _, err := k.Put(ctx, bad); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("invalid Put = %v", err)
	}
	if _, err := store.Get(ctx, "bad"); !errors.Is(err, kb.ErrNotFound) {
		t.Fatal("an invalid entry reached the store")
	}
	settings := kb.Settings{AutoReplyScore: 0.8}
	rules := []kb.Rule{{ID: "hello", Exact: []string{"你好"}, Action: kb.ActionReply, Reply: "您好"}}
	canned := []kb.Canned{{Code: "/hi", Text: "您好{name}"}}
	phrases := []kb.Phrase{{Text: "最便宜", Rule: "广告法", Severity: kb.SeverityFlag}}
	for name, err := range map[string]error{
		"settings": k.SetSettings(ctx, settings),
		"rules":    k.SetRules(ctx, rules),
		"canned":   k.SetCanned(ctx, canned),
		"phrases":  k.SetPhrases(ctx, phrases),
	} {
		if err != nil {
			t.Fatalf("Set %s: %v", name, err)
		}
	}
	if d := k.Answer("你好", t0); d.ID() != "hello" {
		t.Fatalf("rules not published: %s", d.Reason)
	}
	if len(k.Guard("最便宜")) != 1 || len(k.SearchCanned("/h")) != 1 || k.Index().Settings() != settings {
		t.Fatal("config not published")
	}
	if got, err := k.FillCanned("/hi", map[string]string{"name": "张三"}); err != nil || got != "您好张三" {
		t.Fatalf("FillCanned = %q, %v", got, err)
	}
	// Invalid config is rejected and changes nothing.
	if err := k.SetSettings(ctx, kb.Settings{MinScore: -1}); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("SetSettings(bad) = %v", err)
	}
	if err := k.SetRules(ctx, []kb.Rule{{ID: "x"}}); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("SetRules(bad) = %v", err)
	}
	if err := k.SetCanned(ctx, []kb.Canned{{Code: "x"}}); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("SetCanned(bad) = %v", err)
	}
	if err := k.SetPhrases(ctx, []kb.Phrase{{Text: "x"}}); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("SetPhrases(bad) = %v", err)
	}

	// A second KB on the same store sees everything.
	k2, err := kb.Open(ctx, kb.Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(k.Export(), k2.Export(), dataOpts); diff != "" {
		t.Fatalf("reopened KB differs (-first +second):\n%s", diff)
	}

	// Another process changes the store; Reload picks it up.
	if _, err := store.Put(ctx, pub("shipping", "快递多久到", "快递")); err != nil {
		t.Fatal(err)
	}
	if d := k.Answer("快递多久到", t0); d.Outcome == kb.OutcomeAuto {
		t.Fatal("saw the store change before Reload")
	}
	if err := k.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if d := k.Answer("快递多久到", t0); d.ID() != "shipping" {
		t.Fatalf("after Reload: %s", d.Reason)
	}

	if err := k.Delete(ctx, "hours"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, "hours"); err != nil {
		t.Fatalf("second Delete = %v", err)
	}
	if _, ok := k.Index().Entry("hours"); ok || len(k.Lookup("营业时间", t0)) != 0 {
		t.Fatal("deleted entry still in the index")
	}
	if _, err := store.Get(ctx, "hours"); !errors.Is(err, kb.ErrNotFound) {
		t.Fatal("deleted entry still in the store")
	}
	if !strings.Contains(logs.String(), "kb: index published") || strings.Contains(logs.String(), "营业时间") {
		t.Fatalf("logs: %s", logs.String())
	}
}

func TestImportReplacesEverything(t *testing.T) {
	ctx := t.Context()
	store := kb.NewMemStore()
	k, err := kb.Open(ctx, kb.Config{Store: store, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Put(ctx, pub("old", "旧问题", "旧")); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Put(ctx, pub("hours", "营业时间")); err != nil {
		t.Fatal(err)
	}
	d := fullData()
	if err := k.Import(ctx, d); err != nil {
		t.Fatal(err)
	}
	list, err := store.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.ID)
		if e.UpdatedAt.IsZero() {
			t.Errorf("%s: UpdatedAt not stamped", e.ID)
		}
	}
	if strings.Join(got, ",") != "double11,hours,old-phone,refund" {
		t.Fatalf("store after Import: %q", got)
	}
	if e, _ := store.Get(ctx, "hours"); e.Version != 2 {
		t.Fatalf("overwritten entry version %d, want 2", e.Version)
	}
	if e, _ := k.Index().Entry("hours"); e.Version != 2 {
		t.Fatalf("index has version %d, want the store's 2", e.Version)
	}
	if k.Index().Settings() != d.Settings || len(k.Export().Canned) != 2 {
		t.Fatal("config not imported")
	}
	// An invalid import writes nothing.
	before := k.Export()
	bad := fullData()
	bad.Entries = append(bad.Entries, pub("refund", "dup"))
	if err := k.Import(ctx, bad); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("Import(bad) = %v", err)
	}
	if diff := cmp.Diff(before, k.Export(), dataOpts); diff != "" {
		t.Fatalf("invalid import changed the KB:\n%s", diff)
	}
}

// failingStore fails Put after n successful calls.
type failingStore struct {
	*kb.MemStore
	n int
}

var errDisk = errors.New("disk full")

func (f *failingStore) Put(ctx context.Context, e kb.Entry) (kb.Entry, error) {
	if f.n == 0 {
		return kb.Entry{}, errDisk
	}
	f.n--
	return f.MemStore.Put(ctx, e)
}

func TestImportFailureReloadsTheStore(t *testing.T) {
	ctx := t.Context()
	fs := &failingStore{MemStore: kb.NewMemStore(), n: 2}
	k, err := kb.Open(ctx, kb.Config{Store: fs})
	if err != nil {
		t.Fatal(err)
	}
	err = k.Import(ctx, fullData())
	if !errors.Is(err, errDisk) {
		t.Fatalf("Import = %v, want the store's error", err)
	}
	// The published index is what the store holds: the two entries written.
	if k.Index().Len() != 2 {
		t.Fatalf("index has %d entries, want the 2 stored", k.Index().Len())
	}
	if _, err := k.Put(ctx, pub("x", "q")); !errors.Is(err, errDisk) {
		t.Fatalf("Put = %v, want errDisk", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	s := kb.NewMemStore()
	if err := s.SaveConfig(ctx, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if _, err := kb.Open(ctx, kb.Config{Store: s}); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("Open with a corrupt config = %v, want ErrInvalid", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := kb.Open(cctx, kb.Config{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Open with a cancelled context = %v", err)
	}
	if _, err := kb.New(kb.Data{Entries: []kb.Entry{{ID: "a"}}}); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("New(invalid) = %v", err)
	}
}
