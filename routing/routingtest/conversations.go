package routingtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
)

// TestConversationStore checks a ConversationStore: one open conversation
// per key, full round trip of the conversation value, compare-and-set by
// version, closing frees the key, and no lost updates under concurrency.
// When the store implements the optional routing.IdleLister, it also runs
// TestIdleLister (subtest "IdleLister"; skipped otherwise).
func TestConversationStore(t *testing.T, newStore func(t *testing.T) routing.ConversationStore) {
	ctx := context.Background()
	t.Run("IdleLister", func(t *testing.T) {
		if _, ok := newStore(t).(routing.IdleLister); !ok {
			t.Skip("the store does not implement the optional routing.IdleLister")
		}
		TestIdleLister(t, newStore)
	})
	sample := func() routing.Conversation {
		c := routing.NewConversation("cust-1", "wx", t0)
		c.Tags = []string{"vip"}
		c.Routing = "matched rule \"refund\""
		c.Priority = 3
		c, _ = c.Append(routing.Entry{From: routing.SenderCustomer, Kind: routing.KindImage, MediaID: "m-1", At: t0}, t0)
		c, _ = c.Append(routing.Entry{From: routing.SenderBot, Text: "您好", At: t0.Add(time.Second)}, t0)
		return c
	}

	t.Run("CreateGet", func(t *testing.T) {
		s := newStore(t)
		c := sample()
		if _, err := s.Conversation(ctx, c.ID); !errors.Is(err, routing.ErrNotFound) {
			t.Fatalf("Conversation before create: %v, want ErrNotFound", err)
		}
		created, err := s.CreateConversation(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if created.Version != 1 {
			t.Fatalf("created version %d, want 1", created.Version)
		}
		got, err := s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != c.ID || got.CustomerID != "cust-1" || got.Channel != "wx" || got.State != routing.StateBot ||
			got.Priority != 3 || got.Routing != c.Routing || len(got.Tags) != 1 || got.Tags[0] != "vip" ||
			len(got.Transcript) != 2 || got.Transcript[0].MediaID != "m-1" || got.Transcript[1].Text != "您好" ||
			!got.Transcript[1].At.Equal(t0.Add(time.Second)) || !got.OpenedAt.Equal(t0) || got.Version != 1 {
			t.Fatalf("round trip: got %+v, want %+v", got, c)
		}
		if _, err := s.CreateConversation(ctx, c); !errors.Is(err, routing.ErrConflict) {
			t.Fatalf("second create: %v, want ErrConflict", err)
		}
	})

	t.Run("CompareAndSet", func(t *testing.T) {
		s := newStore(t)
		c, err := s.CreateConversation(ctx, sample())
		if err != nil {
			t.Fatal(err)
		}
		q, err := c.Enqueue("after-sales", t0)
		if err != nil {
			t.Fatal(err)
		}
		q2, err := s.UpdateConversation(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if q2.Version != 2 || q2.State != routing.StateQueued {
			t.Fatalf("after update: %+v", q2)
		}
		stale, _ := c.Append(routing.Entry{Text: "lost?"}, t0)
		if _, err := s.UpdateConversation(ctx, stale); !errors.Is(err, routing.ErrConflict) {
			t.Fatalf("stale update: %v, want ErrConflict", err)
		}
		got, err := s.Conversation(ctx, c.ID)
		if err != nil || got.Version != 2 || got.State != routing.StateQueued || len(got.Transcript) != 2 {
			t.Fatalf("after refused update: %+v, %v", got, err)
		}
		other := routing.NewConversation("nobody", "wx", t0)
		if _, err := s.UpdateConversation(ctx, other); !errors.Is(err, routing.ErrNotFound) {
			t.Fatalf("update of unknown: %v, want ErrNotFound", err)
		}
	})

	t.Run("CloseFreesKey", func(t *testing.T) {
		s := newStore(t)
		c, err := s.CreateConversation(ctx, sample())
		if err != nil {
			t.Fatal(err)
		}
		closed, err := c.Close("resolved", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateConversation(ctx, closed); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Conversation(ctx, c.ID); !errors.Is(err, routing.ErrNotFound) {
			t.Fatalf("after close: %v, want ErrNotFound", err)
		}
		n, err := routing.OpenConversation(ctx, s, "cust-1", "wx", t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if n.Version != 1 || len(n.Transcript) != 0 || !n.OpenedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("new conversation after close: %+v", n)
		}
	})

	t.Run("InvalidCreate", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.CreateConversation(ctx, routing.Conversation{}); !errors.Is(err, routing.ErrInvalidRequest) {
			t.Fatalf("create without id: %v, want ErrInvalidRequest", err)
		}
	})

	t.Run("ConcurrentOpenCreatesOne", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		ids := make([]int64, 12)
		for g := range ids {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				c, err := routing.OpenConversation(ctx, s, "cust-9", "wx", t0.Add(time.Duration(g)*time.Second))
				if err != nil {
					t.Error(err)
					return
				}
				ids[g] = c.OpenedAt.UnixNano()
			}(g)
		}
		wg.Wait()
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Fatalf("goroutines got different conversations: %v", ids)
			}
		}
	})

	t.Run("ConcurrentUpdatesLoseNothing", func(t *testing.T) {
		s := newStore(t)
		c, err := s.CreateConversation(ctx, routing.NewConversation("cust-2", "wx", t0))
		if err != nil {
			t.Fatal(err)
		}
		const writers = 10
		var wg sync.WaitGroup
		for g := 0; g < writers; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for {
					cur, err := s.Conversation(ctx, c.ID)
					if err != nil {
						t.Error(err)
						return
					}
					next, err := cur.Append(routing.Entry{From: routing.SenderCustomer, Text: fmt.Sprint(g)}, t0)
					if err != nil {
						t.Error(err)
						return
					}
					_, err = s.UpdateConversation(ctx, next)
					if err == nil {
						return
					}
					if !errors.Is(err, routing.ErrConflict) {
						t.Error(err)
						return
					}
				}
			}(g)
		}
		wg.Wait()
		got, err := s.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Transcript) != writers || got.Version != writers+1 {
			t.Fatalf("%d entries at version %d, want %d at %d", len(got.Transcript), got.Version, writers, writers+1)
		}
	})
}
