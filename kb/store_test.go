package kb_test

import (
	"testing"

	"github.com/kefu-go/kefu/kb"
	"github.com/kefu-go/kefu/kb/kbtest"
)

func TestMemStoreConformance(t *testing.T) {
	kbtest.TestStore(t, func(*testing.T) kb.Store { return kb.NewMemStore() })
}

func TestMemStoreZeroValue(t *testing.T) {
	kbtest.TestStore(t, func(*testing.T) kb.Store { return new(kb.MemStore) })
}
