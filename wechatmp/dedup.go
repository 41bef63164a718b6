package wechatmp

import (
	"context"
	"errors"
	"hash/fnv"
	"strconv"
	"time"
)

// ErrDedupNotFound is returned by DedupStore.Get when no live record exists.
var ErrDedupNotFound = errors.New("wechatmp: dedup record not found")

// ErrDedupNotOwner is returned by DedupStore.Update when the live record under
// the key belongs to another claim (the caller's lease ran out and a retry took
// the key over).
var ErrDedupNotOwner = errors.New("wechatmp: dedup record owned by another claim")

// DedupState is the state of a DedupRecord.
type DedupState uint8

const (
	// DedupInFlight means that a handler claimed the push and is still
	// working on it (or crashed: the record's lease then runs out).
	DedupInFlight DedupState = iota
	// DedupDone means that the push was handled; Reply holds the passive
	// reply, if any, for WeChat's retries.
	DedupDone
)

// String returns "in-flight" or "done".
func (s DedupState) String() string {
	if s == DedupDone {
		return "done"
	}
	return "in-flight"
}

// DedupRecord is what a DedupStore keeps per push. It is plain data so that a
// SQL row or a Redis hash holds it naturally.
type DedupRecord struct {
	// Owner identifies the claim that wrote the record: a random string the
	// Handler makes per attempt. Update and Release act only for the owner.
	Owner string
	// State is DedupInFlight or DedupDone.
	State DedupState
	// Reply is the plaintext passive reply (XML or JSON, unencrypted) that a
	// retry of the same push receives; empty means ReplySuccess.
	Reply []byte
}

// DedupStore remembers which pushes were handled, so that WeChat's retries
// (three, five seconds apart, when it gets no answer) are not handled twice, and
// so that a reply produced after the deadline reaches the next retry. A shared
// implementation (Redis SET NX PX, a SQL row with INSERT … ON CONFLICT) makes
// deduplication work across replicas.
//
// Keys are opaque strings of at most a few hundred bytes; implementations must
// not rely on their shape. Records expire after the ttl of the last Claim or
// Update; an expired record behaves exactly like a missing one. Implementations
// must be safe for concurrent use; Claim and Update must be atomic.
type DedupStore interface {
	// Claim stores rec under key for ttl if no live record exists and returns
	// claimed == true. Otherwise it changes nothing and returns false and the
	// live record.
	Claim(ctx context.Context, key string, rec DedupRecord, ttl time.Duration) (claimed bool, existing DedupRecord, err error)
	// Update replaces the record under key with rec for ttl when the live
	// record's Owner equals rec.Owner or no live record exists. When another
	// owner holds the key it changes nothing and returns ErrDedupNotOwner.
	Update(ctx context.Context, key string, rec DedupRecord, ttl time.Duration) error
	// Get returns the live record under key, or ErrDedupNotFound.
	Get(ctx context.Context, key string) (DedupRecord, error)
	// Release deletes the record under key if its Owner is owner, so that a
	// retry handles the push again. A missing record or another owner's
	// record is left alone and is not an error.
	Release(ctx context.Context, key, owner string) error
}

// DedupKey returns the key under which the Handler deduplicates m.
//
// Ordinary messages are keyed by their MsgId, scoped to the account and the
// sender. Events carry no MsgId; WeChat recommends FromUserName + CreateTime,
// which merges two different events of one user in the same second (the bug
// that lost messages in another SDK), so the key also holds the event type, the
// EventKey and a 64-bit FNV-1a digest of the decrypted body with whitespace
// removed: two pushes share a key only if they carry the same fields. Component
// notices (InfoType, no sender) are keyed by AppId, InfoType, CreateTime and
// the digest.
func DedupKey(m *Message) string {
	account := m.ToUserName
	if account == "" {
		account = m.AppID
	}
	b := make([]byte, 0, 24+len(account)+len(m.FromUserName)+len(m.Event)+len(m.EventKey)+len(m.InfoType))
	switch {
	case m.MsgID != 0 && m.MsgType != MsgTypeEvent:
		b = append(b, "msg|"...)
		b = append(b, account...)
		b = append(b, '|')
		b = append(b, m.FromUserName...)
		b = append(b, '|')
		b = strconv.AppendInt(b, m.MsgID, 10)
		return string(b)
	case m.InfoType != "" && m.FromUserName == "":
		b = append(b, "info|"...)
		b = append(b, account...)
		b = append(b, '|')
		b = append(b, m.InfoType...)
	default:
		b = append(b, "evt|"...)
		b = append(b, account...)
		b = append(b, '|')
		b = append(b, m.FromUserName...)
		b = append(b, '|')
		b = append(b, m.MsgType...)
		b = append(b, '|')
		b = append(b, m.Event...)
		b = append(b, '|')
		b = append(b, m.EventKey...)
	}
	b = append(b, '|')
	b = strconv.AppendInt(b, m.CreateTime, 10)
	b = append(b, '|')
	b = strconv.AppendUint(b, dedupDigest(m.Raw), 16)
	return string(b)
}

// dedupDigest hashes body without its ASCII whitespace, so that a retry that
// differs only in formatting still matches.
func dedupDigest(body []byte) uint64 {
	h := fnv.New64a()
	var buf [256]byte
	n := 0
	for _, c := range body {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		buf[n] = c
		n++
		if n == len(buf) {
			h.Write(buf[:])
			n = 0
		}
	}
	h.Write(buf[:n])
	return h.Sum64()
}
