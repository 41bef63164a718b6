package ticket_test

import (
	"testing"

	"github.com/kefu-go/kefu/ticket"
	"github.com/kefu-go/kefu/ticket/tickettest"
)

func TestMemoryStore(t *testing.T) {
	tickettest.TestStore(t, func(t *testing.T) ticket.Store { return ticket.NewMemoryStore() })
}

func TestMemoryStoreZeroValue(t *testing.T) {
	tickettest.TestStore(t, func(t *testing.T) ticket.Store { return new(ticket.MemoryStore) })
}
