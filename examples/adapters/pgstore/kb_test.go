package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/kb"
)

// These tests add PostgreSQL-specific checks (ConfigStore, refused text) to
// the kb/kbtest conformance suite run in kb_conformance_test.go.

func newKBStore(t *testing.T) *pgstore.KBStore {
	return pgstore.NewKBStore(testenv.Postgres(t, 0, pgstore.Migrate))
}

func kbSample(id string) kb.Entry {
	return kb.Entry{
		ID: id, Category: []string{"售后", "退款"}, Question: "怎么退款", Keywords: []string{"退款", "refund"},
		Synonyms: []string{"退钱"}, Exclusions: []string{"不退款"}, Answer: "签收 7 天内可无理由退货。",
		Media: []kb.MediaRef{{Kind: "image", ID: "m1"}}, Status: kb.StatusPublished,
		ValidFrom: time.Date(2026, 1, 1, 8, 0, 0, 123456789, time.FixedZone("CST", 8*3600)),
		ValidTo:   time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Priority: 7,
		UpdatedAt: time.Date(2026, 3, 1, 9, 30, 0, 1, time.UTC),
	}
}

func sameEntry(a, b kb.Entry) bool {
	return a.ID == b.ID && slices.Equal(a.Category, b.Category) && a.Question == b.Question &&
		slices.Equal(a.Keywords, b.Keywords) && slices.Equal(a.Synonyms, b.Synonyms) && slices.Equal(a.Exclusions, b.Exclusions) &&
		a.Answer == b.Answer && slices.Equal(a.Media, b.Media) && a.Status == b.Status && a.ValidFrom.Equal(b.ValidFrom) &&
		a.ValidTo.Equal(b.ValidTo) && a.Priority == b.Priority && a.UpdatedAt.Equal(b.UpdatedAt) && a.Version == b.Version
}

func TestKBStore(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	ctx := context.Background()

	t.Run("CRUDWithCompareAndSet", func(t *testing.T) {
		s := newKBStore(t)
		if _, err := s.Get(ctx, "refund"); !errors.Is(err, kb.ErrNotFound) {
			t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
		}
		e := kbSample("refund")
		got, err := s.Put(ctx, e)
		if err != nil || got.Version != 1 {
			t.Fatalf("create: %+v, %v; want version 1", got, err)
		}
		want := e
		want.Version = 1
		if read, err := s.Get(ctx, "refund"); err != nil || !sameEntry(read, want) {
			t.Fatalf("Get = %+v, %v; want %+v", read, err, want)
		}
		if _, err := s.Put(ctx, e); !errors.Is(err, kb.ErrConflict) {
			t.Fatalf("create existing: %v, want ErrConflict", err)
		}
		upd := got
		upd.Answer = "新答案"
		if got, err = s.Put(ctx, upd); err != nil || got.Version != 2 || got.Answer != "新答案" {
			t.Fatalf("update: %+v, %v", got, err)
		}
		if _, err := s.Put(ctx, upd); !errors.Is(err, kb.ErrConflict) { // still version 1
			t.Fatalf("stale update: %v, want ErrConflict", err)
		}
		ghost := kbSample("ghost")
		ghost.Version = 3
		if _, err := s.Put(ctx, ghost); !errors.Is(err, kb.ErrNotFound) {
			t.Fatalf("update of a missing entry: %v, want ErrNotFound", err)
		}
		if _, err := s.Put(ctx, kb.Entry{}); !errors.Is(err, kb.ErrInvalid) {
			t.Fatalf("empty id: %v, want ErrInvalid", err)
		}
		if err := s.Delete(ctx, "refund"); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, "refund"); err != nil {
			t.Fatalf("delete of a missing entry: %v", err)
		}
		if _, err := s.Get(ctx, "refund"); !errors.Is(err, kb.ErrNotFound) {
			t.Fatalf("Get after delete = %v", err)
		}
	})

	t.Run("ListByteOrderNoAliasing", func(t *testing.T) {
		s := newKBStore(t)
		if l, err := s.List(ctx); err != nil || len(l) != 0 {
			t.Fatalf("empty List = %v, %v", l, err)
		}
		ids := []string{"b", "B", "a-1", "a", "退款", "Z"}
		for _, id := range ids {
			if _, err := s.Put(ctx, kbSample(id)); err != nil {
				t.Fatal(err)
			}
		}
		l, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range l {
			got = append(got, e.ID)
		}
		want := slices.Sorted(slices.Values(ids))
		if !slices.Equal(got, want) {
			t.Fatalf("List order %v, want byte order %v", got, want)
		}
		l[0].Keywords[0] = "changed"
		if e, _ := s.Get(ctx, l[0].ID); e.Keywords[0] != "退款" {
			t.Fatal("a listed entry aliases the store")
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newKBStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Put(cctx, kbSample("x")); err == nil {
			t.Fatal("Put with a cancelled context succeeded")
		}
		if _, err := s.Get(ctx, "x"); !errors.Is(err, kb.ErrNotFound) {
			t.Fatalf("cancelled Put stored the entry: %v", err)
		}
		if _, err := s.List(cctx); err == nil {
			t.Fatal("List with a cancelled context succeeded")
		}
		if err := s.SaveConfig(cctx, []byte("{}")); err == nil {
			t.Fatal("SaveConfig with a cancelled context succeeded")
		}
	})

	t.Run("ConcurrentCompareAndSet", func(t *testing.T) {
		s := newKBStore(t)
		base, err := s.Put(ctx, kbSample("hot"))
		if err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				e := base
				e.Answer = fmt.Sprint("writer ", i)
				_, err := s.Put(ctx, e)
				switch {
				case err == nil:
					wins.Add(1)
				case !errors.Is(err, kb.ErrConflict):
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got, _ := s.Get(ctx, "hot"); wins.Load() != 1 || got.Version != 2 {
			t.Fatalf("%d writers won from one version (stored version %d), want exactly 1", wins.Load(), got.Version)
		}
	})

	t.Run("ConfigStore", func(t *testing.T) {
		s := newKBStore(t)
		if _, err := s.LoadConfig(ctx); !errors.Is(err, kb.ErrNotFound) {
			t.Fatalf("LoadConfig before save = %v, want ErrNotFound", err)
		}
		doc := []byte(`{"settings": {"threshold":0.5}, "z": 1}`) // kept byte for byte
		for range 2 {
			if err := s.SaveConfig(ctx, doc); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.LoadConfig(ctx)
		if err != nil || string(got) != string(doc) {
			t.Fatalf("LoadConfig = %q, %v; want %q", got, err, doc)
		}
	})

	t.Run("KnowledgeBaseOnPostgres", func(t *testing.T) {
		// A KB opened on the store answers from the entries it wrote, and
		// a second KB (another replica) sees them after Open.
		s := newKBStore(t)
		k, err := kb.Open(ctx, kb.Config{Store: s})
		if err != nil {
			t.Fatal(err)
		}
		e := kb.Entry{ID: "hours", Question: "营业时间", Keywords: []string{"营业时间", "几点"}, Answer: "每天 9:00-21:00", Status: kb.StatusPublished}
		if _, err := k.Put(ctx, e); err != nil {
			t.Fatal(err)
		}
		other, err := kb.Open(ctx, kb.Config{Store: s})
		if err != nil {
			t.Fatal(err)
		}
		if d := other.Answer("你们营业时间是几点", time.Now()); d.Text != e.Answer {
			t.Fatalf("second replica answered %+v, want %q", d, e.Answer)
		}
	})
}
