package kb_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/kb"
)

// TestConcurrentReadersAndWriters runs writers (Put, SetStatus, SetSettings,
// SetPhrases, Import) against readers (Answer, Lookup, Guard, Index) under
// -race. Every reader must see a consistent snapshot: the "toggle" entry's
// answer always matches its version, and an Index never changes once read.
func TestConcurrentReadersAndWriters(t *testing.T) {
	ctx := t.Context()
	k := mustNew(t, kb.Data{Rules: kb.DefaultRules(), Entries: []kb.Entry{
		pub("hours", "营业时间", "几点开门"),
		{ID: "toggle", Question: "会员积分", Keywords: []string{"积分"}, Answer: "v0", Status: kb.StatusPublished},
	}})
	stop := make(chan struct{})
	var readers, writers sync.WaitGroup
	var reads atomic.Int64
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				ix := k.Index()
				d1 := ix.Answer("会员积分", t0)
				if d1.Outcome == kb.OutcomeAuto {
					if e, ok := ix.Entry("toggle"); !ok || d1.Text != e.Answer {
						t.Errorf("answer %q does not match its snapshot's entry %+v", d1.Text, e)
						return
					}
				}
				if d2 := ix.Answer("会员积分", t0); d2.Text != d1.Text || d2.Outcome != d1.Outcome {
					t.Errorf("one snapshot answered %q then %q", d1.Text, d2.Text)
					return
				}
				if d := k.Answer("营业时间", t0); d.ID() != "hours" {
					t.Errorf("stable entry lost: %s", d.Reason)
					return
				}
				_ = k.Lookup("积分 营业时间", t0)
				_ = k.Guard("最便宜的终身免费升级")
				_ = k.Export()
				reads.Add(1)
			}
		})
	}
	const rounds = 40
	writers.Go(func() {
		for i := range rounds {
			e, ok := k.Index().Entry("toggle")
			if !ok {
				t.Error("toggle entry missing")
				return
			}
			e.Answer = "v" + strconv.Itoa(i+1)
			if _, err := k.Put(ctx, e); err != nil {
				t.Error(err)
				return
			}
			st := kb.StatusHidden
			if i%2 == 1 {
				st = kb.StatusPublished
			}
			if _, err := k.SetStatus(ctx, "toggle", st); err != nil {
				t.Error(err)
				return
			}
		}
	})
	writers.Go(func() {
		for i := range rounds {
			if err := k.SetSettings(ctx, kb.Settings{AutoReplyScore: 0.5 + float64(i%3)/10}); err != nil {
				t.Error(err)
				return
			}
			if err := k.SetPhrases(ctx, []kb.Phrase{{Text: "终身免费升级", Rule: "r" + strconv.Itoa(i), Severity: kb.SeverityBlock}}); err != nil {
				t.Error(err)
				return
			}
			if _, err := k.Put(ctx, pub("extra-"+strconv.Itoa(i), "问题"+strconv.Itoa(i), "词"+strconv.Itoa(i))); err != nil {
				t.Error(err)
				return
			}
		}
	})
	writers.Wait()
	close(stop)
	readers.Wait()
	if reads.Load() == 0 {
		t.Fatal("no reads happened")
	}
	if n := k.Index().Len(); n != 2+rounds {
		t.Fatalf("index has %d entries, want %d", n, 2+rounds)
	}
	if e, _ := k.Index().Entry("toggle"); e.Answer != "v"+strconv.Itoa(rounds) || e.Status != kb.StatusPublished {
		t.Fatalf("final toggle %+v", e)
	}
}

// blockingStore blocks Put until released, holding the KB's writer lock.
type blockingStore struct {
	*kb.MemStore
	entered chan struct{}
	release chan struct{}
}

func (b *blockingStore) Put(ctx context.Context, e kb.Entry) (kb.Entry, error) {
	if e.ID == "slow" {
		close(b.entered)
		<-b.release
	}
	return b.MemStore.Put(ctx, e)
}

// TestLookupsNeverWaitForAWriter holds a writer inside the Store (and so
// inside the KB's writer lock) and checks that lookups, answers and every
// other read still complete, seeing the last published index.
func TestLookupsNeverWaitForAWriter(t *testing.T) {
	ctx := t.Context()
	bs := &blockingStore{MemStore: kb.NewMemStore(), entered: make(chan struct{}), release: make(chan struct{})}
	k, err := kb.Open(ctx, kb.Config{Store: bs})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Put(ctx, pub("hours", "营业时间")); err != nil {
		t.Fatal(err)
	}
	writeDone := make(chan error, 1)
	go func() {
		_, err := k.Put(ctx, pub("slow", "慢问题", "慢"))
		writeDone <- err
	}()
	<-bs.entered // the writer now holds the lock

	readDone := make(chan kb.Decision, 1)
	go func() {
		d := k.Answer("营业时间", t0)
		_ = k.Lookup("慢问题", t0)
		_ = k.Guard("x")
		_ = k.Export()
		_ = k.Stats().Report(1)
		readDone <- d
	}()
	select {
	case d := <-readDone:
		if d.ID() != "hours" {
			t.Fatalf("read during a write: %s", d.Reason)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a lookup waited for the writer")
	}
	if len(k.Lookup("慢问题", t0)) != 0 {
		t.Fatal("an unfinished write is visible")
	}
	close(bs.release)
	if err := <-writeDone; err != nil {
		t.Fatal(err)
	}
	if d := k.Answer("慢问题", t0); d.ID() != "slow" {
		t.Fatalf("after the write: %s", d.Reason)
	}
}
