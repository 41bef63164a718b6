package wechatmp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

const (
	// handlerLeaseMargin is added to the in-flight lease of a claim, beyond
	// the time its holder may legitimately need.
	handlerLeaseMargin = time.Second
	// handlerStoreTimeout bounds a DedupStore call made after the answer.
	handlerStoreTimeout = 3 * time.Second
)

// States of a handlerCall.
const (
	callRunning  uint32 = iota
	callAnswered        // the MessageHandler returned before the deadline
	callLate            // the deadline passed first; the push was answered with success
)

// handlerCall is one MessageHandler call.
type handlerCall struct {
	state    atomic.Uint32
	result   chan struct{} // receives once when the call returns in time
	finished chan struct{} // closed once the outcome is stored (dedup on)
	reply    []byte        // rendered plaintext reply; nil: success
	err      error         // the MessageHandler's error
}

// dispatch runs the accepted push p through dedup, the MessageHandler and the
// answer.
func (h *Handler) dispatch(w http.ResponseWriter, r *http.Request, p *handlerPush) {
	if h.dedup == nil {
		h.run(w, r, p, "", "")
		return
	}
	key := DedupKey(p.msg)
	owner := h.ownerPrefix + strconv.FormatUint(h.ownerSeq.Add(1), 36)
	deadline := p.arrival.Add(h.deadline)
	for {
		claimed, existing, err := h.dedup.Claim(r.Context(), key, DedupRecord{Owner: owner, State: DedupInFlight}, h.deadline+handlerLeaseMargin)
		switch {
		case err != nil:
			// Fail open: handling a push twice beats losing it.
			h.warn("wechatmp: dedup claim failed; handling without dedup", "err", err)
			h.run(w, r, p, "", "")
			return
		case claimed:
			h.run(w, r, p, key, owner)
			return
		case existing.State == DedupDone:
			h.debug("wechatmp: duplicate push answered from the dedup record", "msg_type", p.msg.MsgType, "event", p.msg.Event)
			h.write(w, p, existing.Reply)
			return
		}
		rec, found := h.waitInFlight(r.Context(), key, deadline)
		switch {
		case found && rec.State == DedupDone:
			h.debug("wechatmp: retry of a push in flight answered from its record", "msg_type", p.msg.MsgType)
			h.write(w, p, rec.Reply)
			return
		case found || !h.now().Before(deadline):
			// Still in flight at our own deadline: acknowledge. The first
			// attempt's reply, if late, stays for the next retry.
			h.debug("wechatmp: retry of a push still in flight answered with success", "msg_type", p.msg.MsgType)
			h.write(w, p, nil)
			return
		}
		// The record vanished (the first attempt failed and released it, or
		// its holder died and the lease ran out): claim it and run again.
	}
}

// waitInFlight waits until the in-flight record under key is done or gone, or
// until deadline. found reports whether a record exists at the end.
func (h *Handler) waitInFlight(ctx context.Context, key string, deadline time.Time) (rec DedupRecord, found bool) {
	h.mu.Lock()
	local := h.inflight[key]
	h.mu.Unlock()
	for {
		remaining := deadline.Sub(h.now())
		if remaining <= 0 {
			return h.getRecord(ctx, key)
		}
		if local != nil {
			// Handled by this process: wait for its outcome.
			t := h.newTimer(remaining)
			select {
			case <-local.finished:
			case <-t.Chan():
			case <-ctx.Done():
			}
			t.Release()
			return h.getRecord(ctx, key)
		}
		// Handled elsewhere: poll the store.
		t := h.newTimer(min(h.pollInterval, remaining))
		select {
		case <-t.Chan():
			t.Release()
		case <-ctx.Done():
			t.Release()
			return h.getRecord(ctx, key)
		}
		rec, found = h.getRecord(ctx, key)
		if !found || rec.State == DedupDone {
			return rec, found
		}
	}
}

func (h *Handler) getRecord(ctx context.Context, key string) (DedupRecord, bool) {
	rec, err := h.dedup.Get(context.WithoutCancel(ctx), key)
	if err != nil {
		if !errors.Is(err, ErrDedupNotFound) {
			h.warn("wechatmp: dedup get failed", "err", err)
			return DedupRecord{State: DedupInFlight}, true // treat as still in flight
		}
		return DedupRecord{}, false
	}
	return rec, true
}

// run calls the MessageHandler for p (holding the dedup claim key/owner unless
// key is empty) and answers: with its reply when it returns in time, with
// ReplySuccess when the deadline comes first.
func (h *Handler) run(w http.ResponseWriter, r *http.Request, p *handlerPush, key, owner string) {
	m := p.msg
	c := &p.call
	c.result = make(chan struct{}, 1)
	if key != "" {
		c.finished = make(chan struct{})
		h.mu.Lock()
		if h.inflight == nil {
			h.inflight = make(map[string]*handlerCall)
		}
		h.inflight[key] = c
		h.mu.Unlock()
	}
	remaining := p.arrival.Add(h.deadline).Sub(h.now())
	ctx := &p.ctx
	ctx.init(r.Context(), time.Now().Add(remaining))
	if h.interactions != nil {
		if kind := InteractionOf(m.MsgType, m.Event); kind != InteractionNone {
			if err := h.interactions.RecordInteraction(ctx, h.appID, m.FromUserName, kind, time.Unix(m.CreateTime, 0)); err != nil {
				h.warn("wechatmp: recording the interaction failed", "kind", kind, "err", err)
			}
		}
		remaining = p.arrival.Add(h.deadline).Sub(h.now())
	}
	h.bg.Add(1)
	go h.call(ctx, c, p, key, owner)
	t := h.newTimer(max(remaining, 0))
	select {
	case <-c.result:
		t.Release()
	case <-t.Chan():
		t.Release()
		ctx.end(context.DeadlineExceeded)
		if c.state.CompareAndSwap(callRunning, callLate) {
			if key != "" {
				sctx, cancel := context.WithTimeout(context.Background(), handlerStoreTimeout)
				err := h.dedup.Update(sctx, key, DedupRecord{Owner: owner, State: DedupInFlight}, h.lateTimeout+handlerLeaseMargin)
				cancel()
				if err != nil {
					h.warn("wechatmp: extending the dedup lease failed", "err", err)
				}
			}
			h.warn("wechatmp: message handler missed the deadline; answered success", "msg_type", m.MsgType, "event", m.Event)
			h.write(w, p, nil)
			return
		}
		<-c.result // it returned just in time
	}
	ctx.end(context.Canceled)
	if c.err != nil {
		h.logError("wechatmp: message handler failed", "msg_type", m.MsgType, "event", m.Event, "err", c.err)
		h.settle(c, key, owner, false)
		handlerError(w, http.StatusInternalServerError)
		return
	}
	h.settle(c, key, owner, true)
	h.write(w, p, c.reply)
}

// call runs the MessageHandler and hands the outcome to the waiting request,
// or, when the request has been answered already, stores it for the retries.
func (h *Handler) call(ctx context.Context, c *handlerCall, p *handlerPush, key, owner string) {
	defer h.bg.Done()
	reply, err := h.serveSafely(ctx, p.msg)
	if err == nil && reply != nil {
		body, rerr := AppendReply(nil, ReplyHeaderFor(p.msg, h.now()), reply)
		if rerr != nil {
			h.logError("wechatmp: message handler returned an invalid reply; answering success", "err", rerr)
		} else {
			c.reply = body
		}
	}
	c.err = err
	if c.state.CompareAndSwap(callRunning, callAnswered) {
		c.result <- struct{}{}
		return
	}
	// Late: the push was acknowledged with success at the deadline.
	switch {
	case err != nil:
		h.logError("wechatmp: late message handler failed", "msg_type", p.msg.MsgType, "err", err)
		h.settle(c, key, owner, false)
	case key == "":
		if c.reply != nil {
			h.warn("wechatmp: late reply dropped: dedup is off", "msg_type", p.msg.MsgType)
		}
	case h.now().Sub(p.arrival) > h.deadline+h.lateTimeout:
		h.warn("wechatmp: late reply dropped: later than LateTimeout", "msg_type", p.msg.MsgType)
		c.reply = nil
		h.settle(c, key, owner, true)
	default:
		if c.reply != nil {
			h.debug("wechatmp: late reply kept for the next retry", "msg_type", p.msg.MsgType)
		}
		h.settle(c, key, owner, true)
	}
}

// serveSafely calls the MessageHandler, turning a panic into an error.
func (h *Handler) serveSafely(ctx context.Context, m *Message) (reply Reply, err error) {
	defer func() {
		if v := recover(); v != nil {
			reply, err = nil, fmt.Errorf("wechatmp: message handler panicked: %v", v)
		}
	}()
	return h.next.ServeMessage(ctx, m)
}

// settle stores the outcome of a call that held the dedup claim: done (with
// its reply) or released, so that a retry runs the MessageHandler again.
func (h *Handler) settle(c *handlerCall, key, owner string, done bool) {
	if key == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), handlerStoreTimeout)
	var err error
	if done {
		err = h.dedup.Update(ctx, key, DedupRecord{Owner: owner, State: DedupDone, Reply: c.reply}, h.dedupTTL)
		if errors.Is(err, ErrDedupNotOwner) {
			err = nil // a retry took over after our lease ran out
		}
	} else {
		err = h.dedup.Release(ctx, key, owner)
	}
	cancel()
	if err != nil {
		h.warn("wechatmp: storing the dedup outcome failed", "err", err)
	}
	h.mu.Lock()
	if h.inflight[key] == c {
		delete(h.inflight, key)
	}
	h.mu.Unlock()
	close(c.finished)
}
