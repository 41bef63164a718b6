package routingtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
)

// TestIdleLister checks a ConversationStore's routing.IdleLister: only open
// conversations whose LastActivity is strictly before the bound, the least
// recently active first with ties in ID order, at most limit of them, at
// their current Version; updates move a conversation in that order and
// closed conversations are never listed. newStore must return a fresh,
// empty store that implements routing.IdleLister; the test fails if it does
// not. TestConversationStore runs this suite too when the store implements
// the interface.
func TestIdleLister(t *testing.T, newStore func(t *testing.T) routing.ConversationStore) {
	ctx := context.Background()
	open := func(t *testing.T) (routing.ConversationStore, routing.IdleLister) {
		t.Helper()
		s := newStore(t)
		l, ok := s.(routing.IdleLister)
		if !ok {
			t.Fatalf("%T does not implement routing.IdleLister", s)
		}
		return s, l
	}
	create := func(t *testing.T, s routing.ConversationStore, customer string, last time.Time) routing.Conversation {
		t.Helper()
		c := routing.NewConversation(customer, "wx", t0)
		c.LastActivity = last
		stored, err := s.CreateConversation(ctx, c)
		if err != nil {
			t.Fatalf("CreateConversation(%s): %v", customer, err)
		}
		return stored
	}
	list := func(t *testing.T, l routing.IdleLister, before time.Time, limit int) []routing.Conversation {
		t.Helper()
		got, err := l.IdleConversations(ctx, before, limit)
		if err != nil {
			t.Fatalf("IdleConversations(%v, %d): %v", before, limit, err)
		}
		return got
	}
	customers := func(cs []routing.Conversation) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.CustomerID
		}
		return out
	}
	expect := func(t *testing.T, what string, got []routing.Conversation, want ...string) {
		t.Helper()
		g := customers(got)
		if len(g) != len(want) {
			t.Fatalf("%s: listed %q, want %q", what, g, want)
		}
		for i := range want {
			if g[i] != want[i] {
				t.Fatalf("%s: listed %q, want %q", what, g, want)
			}
		}
	}

	t.Run("EmptyAndInvalid", func(t *testing.T) {
		_, l := open(t)
		expect(t, "empty store", list(t, l, t0.Add(time.Hour), 10))
		for _, limit := range []int{0, -1} {
			if _, err := l.IdleConversations(ctx, t0, limit); !errors.Is(err, routing.ErrInvalidRequest) {
				t.Fatalf("limit %d: %v, want ErrInvalidRequest", limit, err)
			}
		}
	})

	t.Run("OrderBoundLimit", func(t *testing.T) {
		s, l := open(t)
		// Created out of order; "b" and "a" tie.
		create(t, s, "c", t0.Add(3*time.Minute))
		create(t, s, "b", t0.Add(time.Minute))
		create(t, s, "e", t0.Add(5*time.Minute))
		create(t, s, "a", t0.Add(time.Minute))
		create(t, s, "d", t0.Add(4*time.Minute))
		expect(t, "before 4m", list(t, l, t0.Add(4*time.Minute), 10), "a", "b", "c")
		expect(t, "before 4m+1ns", list(t, l, t0.Add(4*time.Minute+1), 10), "a", "b", "c", "d")
		expect(t, "before 1m", list(t, l, t0.Add(time.Minute), 10))
		expect(t, "limit 2", list(t, l, t0.Add(time.Hour), 2), "a", "b")
		expect(t, "limit 1", list(t, l, t0.Add(time.Hour), 1), "a")
		expect(t, "all", list(t, l, t0.Add(time.Hour), 100), "a", "b", "c", "d", "e")
	})

	t.Run("NanosecondBound", func(t *testing.T) {
		s, l := open(t)
		create(t, s, "x", t0.Add(2))
		create(t, s, "y", t0.Add(1))
		expect(t, "before t0+2ns", list(t, l, t0.Add(2), 10), "y")
		expect(t, "before t0+3ns", list(t, l, t0.Add(3), 10), "y", "x")
	})

	t.Run("ListedAsStored", func(t *testing.T) {
		s, l := open(t)
		c := create(t, s, "a", t0)
		q, err := c.Enqueue("after-sales", t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		q.Tags = []string{"vip"}
		q, err = s.UpdateConversation(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got := list(t, l, t0.Add(time.Hour), 10)
		expect(t, "one queued", got, "a")
		g := got[0]
		if g.ID != q.ID || g.Version != q.Version || g.State != routing.StateQueued || g.Queue != "after-sales" ||
			len(g.Tags) != 1 || g.Tags[0] != "vip" || !g.LastActivity.Equal(t0.Add(time.Minute)) || !g.OpenedAt.Equal(t0) {
			t.Fatalf("listed %+v, want %+v", g, q)
		}
		closed, _ := g.ExpireIdle(t0.Add(time.Hour), time.Minute)
		if _, err := s.UpdateConversation(ctx, closed); err != nil {
			t.Fatalf("closing the listed conversation at its listed version: %v", err)
		}
	})

	t.Run("ClosedNeverListed", func(t *testing.T) {
		s, l := open(t)
		a := create(t, s, "a", t0)
		create(t, s, "b", t0.Add(time.Second))
		closed, err := a.Close("resolved", t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateConversation(ctx, closed); err != nil {
			t.Fatal(err)
		}
		expect(t, "after closing a", list(t, l, t0.Add(time.Hour), 10), "b")
		// A new conversation under the closed one's key is listed by its own
		// activity.
		create(t, s, "a", t0.Add(2*time.Second))
		expect(t, "after reopening a", list(t, l, t0.Add(time.Hour), 10), "b", "a")
	})

	t.Run("UpdatesMoveLastActivity", func(t *testing.T) {
		s, l := open(t)
		a := create(t, s, "a", t0)
		create(t, s, "b", t0.Add(time.Minute))
		create(t, s, "c", t0.Add(2*time.Minute))
		a2, err := a.Append(routing.Entry{From: routing.SenderCustomer, Text: "还在吗"}, t0.Add(10*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateConversation(ctx, a2); err != nil {
			t.Fatal(err)
		}
		expect(t, "before 5m after a wrote", list(t, l, t0.Add(5*time.Minute), 10), "b", "c")
		expect(t, "all after a wrote", list(t, l, t0.Add(time.Hour), 10), "b", "c", "a")
		// A refused (stale) update moves nothing.
		stale, _ := a.Append(routing.Entry{Text: "lost"}, t0.Add(20*time.Minute))
		if _, err := s.UpdateConversation(ctx, stale); !errors.Is(err, routing.ErrConflict) {
			t.Fatalf("stale update: %v, want ErrConflict", err)
		}
		expect(t, "after a stale update", list(t, l, t0.Add(15*time.Minute), 10), "b", "c", "a")
	})
}
