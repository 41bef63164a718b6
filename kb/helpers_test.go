package kb_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/kefu-go/kefu/kb"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func pub(id, question string, keywords ...string) kb.Entry {
	return kb.Entry{ID: id, Question: question, Keywords: keywords, Answer: "answer of " + id, Status: kb.StatusPublished}
}

func mustBuild(t *testing.T, d kb.Data) *kb.Index {
	t.Helper()
	ix, err := kb.Build(d)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return ix
}

func mustNew(t *testing.T, d kb.Data) *kb.KB {
	t.Helper()
	k, err := kb.New(d)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return k
}

func ids(rs []kb.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Entry.ID
	}
	return out
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func nan() float64 { return math.NaN() }

func errorsAs(err error, target any) bool { return errors.As(err, target) }
