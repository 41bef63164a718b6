package redisstore

import (
	"context"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/routing"
)

func TestIdleRankOrdersInstants(t *testing.T) {
	times := []time.Time{
		{}, // the zero time, clamped to the earliest rank
		time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Date(2026, 11, 25, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)),
		time.Date(2026, 11, 25, 9, 0, 0, 1, time.UTC),
		time.Date(2262, 4, 11, 0, 0, 0, 0, time.UTC),
		time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		times = append(times, time.Unix(0, r.Int64N(1<<62)-1<<61))
	}
	for _, a := range times {
		ra := idleRank(a)
		if len(ra) != idleRankLen {
			t.Fatalf("idleRank(%v) = %q: %d digits", a, ra, len(ra))
		}
		for _, b := range times {
			rb := idleRank(b)
			inRange := !a.Before(minNanoTime) && !a.After(maxNanoTime) && !b.Before(minNanoTime) && !b.After(maxNanoTime)
			if inRange && (ra < rb) != a.Before(b) {
				t.Fatalf("idleRank(%v)=%s, idleRank(%v)=%s: order differs from the instants'", a, ra, b, rb)
			}
		}
	}
	ms := []string{idleMember(times[5], "b"), idleMember(times[5], "a"), idleMember(times[4], "z")}
	sort.Strings(ms)
	if ms[0][idleRankLen+1:] != "z" || ms[1][idleRankLen+1:] != "a" {
		t.Fatalf("members sort as %q, want z, a, b", ms)
	}
	if idleRank(time.Time{}) != idleRank(minNanoTime) || idleRank(times[8]) != idleRank(maxNanoTime) {
		t.Fatal("out-of-range instants are not clamped")
	}
}

// TestIdleIndexFollowsConversations checks that the index holds exactly one
// member per open conversation: an update replaces the member, a close
// removes it, so stale members never take the place of idle conversations.
func TestIdleIndexFollowsConversations(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	s := NewRoutingStore(rdb, prefix)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	members := func() []string {
		t.Helper()
		m, err := rdb.ZRange(ctx, s.idleKey(), 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, err := s.CreateConversation(ctx, routing.NewConversation("a", "wx", t0))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateConversation(ctx, routing.NewConversation("b", "wx", t0.Add(time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	if m := members(); len(m) != 2 || m[0] != idleMember(t0, a.ID) {
		t.Fatalf("after two creates: %q", m)
	}
	a2, _ := a.Append(routing.Entry{Text: "hi"}, t0.Add(time.Minute))
	if _, err := s.UpdateConversation(ctx, a2); err != nil {
		t.Fatal(err)
	}
	if m := members(); len(m) != 2 || m[0] != idleMember(b.LastActivity, b.ID) || m[1] != idleMember(t0.Add(time.Minute), a.ID) {
		t.Fatalf("after updating a: %q", m)
	}
	closed, _ := b.Close("resolved", t0.Add(time.Hour))
	if _, err := s.UpdateConversation(ctx, closed); err != nil {
		t.Fatal(err)
	}
	if m := members(); len(m) != 1 || m[0] != idleMember(t0.Add(time.Minute), a.ID) {
		t.Fatalf("after closing b: %q", m)
	}
}
