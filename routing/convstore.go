package routing

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ConversationStore keeps the open conversation of each customer and
// channel, shared by every replica, with optimistic concurrency: each stored
// conversation has a Version, and an update succeeds only against the
// version it was read at (compare-and-set), so two replicas handling two
// messages of one customer at once cannot lose each other's changes.
// Implementations must be safe for concurrent use. MemoryStore implements
// it; routingtest.TestConversationStore checks any implementation.
type ConversationStore interface {
	// Conversation returns the open (not closed) conversation with ID key,
	// or ErrNotFound.
	Conversation(ctx context.Context, key string) (Conversation, error)
	// CreateConversation stores c as the open conversation of c.ID and
	// returns it with Version 1. It returns ErrConflict when a conversation
	// with that ID is open.
	CreateConversation(ctx context.Context, c Conversation) (Conversation, error)
	// UpdateConversation replaces the open conversation c.ID if its stored
	// Version equals c.Version, and returns c with the next Version. It
	// returns ErrConflict on a version mismatch and ErrNotFound when no
	// conversation with that ID is open. Storing a closed conversation ends
	// it: the key is free for a new one.
	UpdateConversation(ctx context.Context, c Conversation) (Conversation, error)
}

// OpenConversation returns the open conversation of customerID on channel,
// creating it in StateBot when there is none. Concurrent callers for the
// same key all get the same conversation.
func OpenConversation(ctx context.Context, s ConversationStore, customerID, channel string, now time.Time) (Conversation, error) {
	key := ConversationKey(customerID, channel)
	for attempt := 0; attempt < 3; attempt++ {
		c, err := s.Conversation(ctx, key)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return Conversation{}, err
		}
		c, err = s.CreateConversation(ctx, NewConversation(customerID, channel, now))
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, ErrConflict) {
			return Conversation{}, err
		}
		// Someone else created it first: read theirs.
	}
	return Conversation{}, fmt.Errorf("%w: conversation %q keeps changing", ErrConflict, key)
}

// Conversation implements ConversationStore.
func (s *MemoryStore) Conversation(ctx context.Context, key string) (Conversation, error) {
	if err := ctx.Err(); err != nil {
		return Conversation{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[key]
	if !ok {
		return Conversation{}, ErrNotFound
	}
	return c.clone(), nil
}

// CreateConversation implements ConversationStore.
func (s *MemoryStore) CreateConversation(ctx context.Context, c Conversation) (Conversation, error) {
	if err := ctx.Err(); err != nil {
		return Conversation{}, err
	}
	if c.ID == "" {
		return Conversation{}, fmt.Errorf("%w: conversation has no id", ErrInvalidRequest)
	}
	if c.State == StateClosed {
		return Conversation{}, fmt.Errorf("%w: cannot create a closed conversation", ErrInvalidRequest)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.convs[c.ID]; ok {
		return Conversation{}, fmt.Errorf("%w: conversation %q is already open", ErrConflict, c.ID)
	}
	if s.convs == nil {
		s.convs = make(map[string]Conversation)
	}
	c = c.clone()
	c.Version = 1
	s.convs[c.ID] = c
	return c.clone(), nil
}

// UpdateConversation implements ConversationStore.
func (s *MemoryStore) UpdateConversation(ctx context.Context, c Conversation) (Conversation, error) {
	if err := ctx.Err(); err != nil {
		return Conversation{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.convs[c.ID]
	if !ok {
		return Conversation{}, ErrNotFound
	}
	if old.Version != c.Version {
		return Conversation{}, fmt.Errorf("%w: conversation %q is at version %d, not %d", ErrConflict, c.ID, old.Version, c.Version)
	}
	c = c.clone()
	c.Version++
	if c.State == StateClosed {
		delete(s.convs, c.ID)
	} else {
		s.convs[c.ID] = c
	}
	return c.clone(), nil
}
