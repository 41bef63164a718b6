package pgstore_test

import (
	"testing"

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
