package identity

import (
	"fmt"
	"testing"
	"time"
)

func TestMemberCacheIsBounded(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	mc := newMemberCache(time.Minute)
	mc.max = 10
	for i := range 25 {
		mc.put(fmt.Sprint(i), memberEntry{found: true, at: t0})
		if len(mc.m) > mc.max {
			t.Fatalf("%d entries after %d puts; cap is %d", len(mc.m), i+1, mc.max)
		}
	}
	if _, ok := mc.get("24", t0); !ok {
		t.Fatal("the newest answer was evicted")
	}
	// Expired answers go first.
	mc.put("late", memberEntry{at: t0.Add(2 * time.Minute)})
	if len(mc.m) != 1 {
		t.Fatalf("%d entries after a put with every other answer expired; want 1", len(mc.m))
	}
}
