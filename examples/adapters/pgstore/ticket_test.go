package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/ticket"
	"github.com/kefu-go/kefu/ticket/tickettest"
)

func TestTicketStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	tickettest.TestStore(t, func(t *testing.T) ticket.Store {
		return pgstore.NewTicketStore(testenv.Postgres(t, 0, pgstore.Migrate))
	})
}

// TestTicketServiceReplicas runs two ticket.Services (two replicas) over one
// TicketStore: a refund moves through its workflow, and 16 concurrent replies
// from both replicas on one ticket are all kept, none lost to a race.
func TestTicketServiceReplicas(t *testing.T) {
	t.Parallel()
	store := pgstore.NewTicketStore(testenv.Postgres(t, 0, pgstore.Migrate))
	a := &ticket.Service{Store: store, Retries: 100}
	b := &ticket.Service{Store: store, Retries: 100}
	ctx := context.Background()
	res, err := a.Open(ctx, "refund", ticket.Ticket{ID: "R-1001", CustomerID: "c-42", Subject: "退款：订单 1001"}, ticket.Customer("c-42"))
	if err != nil {
		t.Fatal(err)
	}
	for i, event := range []string{"review", "approve"} {
		svc := []*ticket.Service{a, b}[i%2]
		if res, err = svc.Transition(ctx, "R-1001", event, ticket.Agent("alice"), ""); err != nil {
			t.Fatalf("%s: %v", event, err)
		}
	}
	if res.Ticket.State != ticket.StateFinance || res.Ticket.Version != 3 {
		t.Fatalf("after review and approve: state %s, version %d", res.Ticket.State, res.Ticket.Version)
	}
	found, err := b.Find(ctx, ticket.Query{State: ticket.StateFinance})
	if err != nil || len(found) != 1 || found[0].ID != "R-1001" {
		t.Fatalf("Find(finance) = %v, %v", found, err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			svc := []*ticket.Service{a, b}[i%2]
			if _, err := svc.Reply(ctx, "R-1001", ticket.Agent(fmt.Sprint("agent-", i)), fmt.Sprint("reply ", i)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	final, err := a.Get(ctx, "R-1001")
	if err != nil {
		t.Fatal(err)
	}
	if final.Version != 19 || len(final.History) != 19 {
		t.Fatalf("version %d with %d records after 16 replies, want 19 and 19", final.Version, len(final.History))
	}
	notes := map[string]bool{}
	for i, r := range final.History {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d", i, r.Seq)
		}
		notes[r.Note] = true
	}
	for i := range 16 {
		if !notes[fmt.Sprint("reply ", i)] {
			t.Fatalf("reply %d lost", i)
		}
	}
}

// TestTicketStoreRefusesUnstorableText checks that a NUL byte, which a
// PostgreSQL text column cannot hold, is refused as an invalid ticket and
// stores nothing.
func TestTicketStoreRefusesUnstorableText(t *testing.T) {
	t.Parallel()
	store := pgstore.NewTicketStore(testenv.Postgres(t, 0, pgstore.Migrate))
	ctx := context.Background()
	tk, _, err := ticket.GeneralSupport().Open(ticket.Ticket{ID: "T-nul", CustomerID: "c", Subject: "bad\x00subject"}, ticket.Customer("c"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Create(ctx, tk); !errors.Is(err, ticket.ErrInvalidTicket) {
		t.Fatalf("Create with a NUL byte: %v, want ErrInvalidTicket", err)
	}
	if _, err := store.Get(ctx, "T-nul"); !errors.Is(err, ticket.ErrNotFound) {
		t.Fatalf("refused ticket stored: %v", err)
	}
}
