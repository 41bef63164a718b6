package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/ticket"
)

// BenchmarkTicketTransitionsPostgres measures ticket transitions on
// PostgreSQL with 16 concurrent workers. Each operation is what
// ticket.Service does for a transition: read the ticket with its history,
// apply the next event of the general support workflow (open → pending →
// open …), and write it back with compare-and-set on the version plus the new
// history row, re-reading and retrying on ticket.ErrConflict. Workers pick
// tickets at random among b.N/32 (at least 16), so some collide.
//
// It reports transitions/s and conflicts/op, and fails unless no update was
// lost: every ticket's version and history length must equal 1 + the number
// of transitions the workers committed on it, with gapless sequence numbers.
func BenchmarkTicketTransitionsPostgres(b *testing.B) {
	const workers = 16
	pool := testenv.Postgres(b, workers+4, pgstore.Migrate)
	store := pgstore.NewTicketStore(pool)
	def := ticket.GeneralSupport()
	ctx := context.Background()

	n := max(16, b.N/32)
	ids := make([]string, n)
	var setup sync.WaitGroup
	setupErr := make(chan error, n)
	sem := make(chan struct{}, workers)
	for i := range ids {
		ids[i] = fmt.Sprintf("BENCH-%06d", i)
		setup.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			tk, _, err := def.Open(ticket.Ticket{ID: ids[i], CustomerID: "c", Subject: "bench", Fields: map[string]string{"order": "1"}},
				ticket.Customer("c"), time.Now())
			if err == nil {
				err = store.Create(ctx, tk)
			}
			if err != nil {
				setupErr <- err
			}
		})
	}
	setup.Wait()
	close(setupErr)
	for err := range setupErr {
		b.Fatal(err)
	}

	committed := make([]atomic.Int64, n)
	var (
		next      atomic.Int64
		conflicts atomic.Int64
		wg        sync.WaitGroup
		failOnce  sync.Once
		failure   error
	)
	events := map[string]string{ticket.StateNew: "open", ticket.StateOpen: "ask_customer", ticket.StatePending: "resume"}
	b.ResetTimer()
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			agent := ticket.Agent(fmt.Sprintf("agent-%d", w))
			for next.Add(1) <= int64(b.N) {
				i := rng.IntN(n)
				for {
					cur, err := store.Get(ctx, ids[i])
					if err == nil {
						var upd ticket.Ticket
						var rec ticket.Record
						upd, rec, err = def.Apply(cur, events[cur.State], agent, time.Now(), "")
						if err == nil {
							err = store.Update(ctx, upd, cur.Version, []ticket.Record{rec})
						}
					}
					if errors.Is(err, ticket.ErrConflict) {
						conflicts.Add(1)
						continue
					}
					if err != nil {
						failOnce.Do(func() { failure = err })
						return
					}
					committed[i].Add(1)
					break
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failure != nil {
		b.Fatal(failure)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(conflicts.Load())/float64(b.N), "conflicts/op")

	// Zero lost updates: the stored versions and histories add up to the
	// committed transitions, ticket by ticket.
	all, err := store.Find(ctx, ticket.Query{})
	if err != nil {
		b.Fatal(err)
	}
	if len(all) != n {
		b.Fatalf("%d tickets stored, want %d", len(all), n)
	}
	var total int64
	for _, tk := range all {
		var i int
		if _, err := fmt.Sscanf(tk.ID, "BENCH-%06d", &i); err != nil {
			b.Fatal(err)
		}
		want := committed[i].Load()
		total += tk.Version - 1
		if tk.Version != want+1 || int64(len(tk.History)) != want+1 {
			b.Fatalf("ticket %s: version %d, %d records; want %d after %d committed transitions (lost update)",
				tk.ID, tk.Version, len(tk.History), want+1, want)
		}
		for j, r := range tk.History {
			if r.Seq != int64(j+1) {
				b.Fatalf("ticket %s: record %d has seq %d", tk.ID, j, r.Seq)
			}
		}
	}
	if total != int64(b.N) {
		b.Fatalf("%d transitions stored, %d committed", total, b.N)
	}
}
