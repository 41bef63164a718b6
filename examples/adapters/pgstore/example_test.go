package pgstore_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/ticket"
)

// A server opens one pool, migrates the schema at start-up (every replica may
// do it) and hands the stores to the SDK. This example needs a database, so
// it is compiled but not run by go test.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	if err := pgstore.Migrate(ctx, pool); err != nil {
		log.Fatal(err)
	}

	tickets := &ticket.Service{Store: pgstore.NewTicketStore(pool)}
	res, err := tickets.Open(ctx, "refund", ticket.Ticket{ID: "R-1001", CustomerID: "c-42", Subject: "退款：订单 1001"}, ticket.Customer("c-42"))
	if err != nil {
		log.Fatal(err)
	}
	// Another replica's concurrent change makes this fail with
	// ticket.ErrConflict after the Service's retries, never lose an update.
	for _, event := range []string{"review", "approve"} {
		if res, err = tickets.Transition(ctx, res.Ticket.ID, event, ticket.Agent("alice"), ""); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(res.Ticket.State, res.Ticket.Version, len(res.Ticket.History)) // finance 3 3
}
