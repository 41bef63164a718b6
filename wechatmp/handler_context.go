package wechatmp

import (
	"context"
	"sync"
	"time"
)

// handlerCtx is the context a MessageHandler runs under: it carries the
// request's values, not its cancellation (WeChat hanging up must not cut a late
// handler short), and ends at the Handler's deadline with
// context.DeadlineExceeded, or with context.Canceled once the push has been
// answered. Its Done channel is made only when asked for.
type handlerCtx struct {
	values   context.Context // context.WithoutCancel(request context)
	deadline time.Time

	mu   sync.Mutex
	done chan struct{}
	err  error
}

// init prepares a zero handlerCtx; it is not safe to call on one in use.
func (c *handlerCtx) init(parent context.Context, deadline time.Time) {
	c.values, c.deadline = context.WithoutCancel(parent), deadline
}

func (c *handlerCtx) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *handlerCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	return c.done
}

func (c *handlerCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *handlerCtx) Value(key any) any { return c.values.Value(key) }

func (c *handlerCtx) String() string { return "wechatmp.handlerContext" }

// end ends the context with err; later calls do nothing.
func (c *handlerCtx) end(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
}

// handlerTimer is a one-shot timer; Release stops it and may recycle it.
type handlerTimer interface {
	Chan() <-chan time.Time
	Release()
}

type handlerStdTimer struct{ t *time.Timer }

var handlerTimerPool sync.Pool // of *handlerStdTimer

func handlerRealTimer(d time.Duration) handlerTimer {
	if t, ok := handlerTimerPool.Get().(*handlerStdTimer); ok {
		t.t.Reset(d)
		return t
	}
	return &handlerStdTimer{t: time.NewTimer(d)}
}

func (t *handlerStdTimer) Chan() <-chan time.Time { return t.t.C }

// Release stops the timer; since Go 1.23 a stopped timer delivers no stale
// value, so it can be reused.
func (t *handlerStdTimer) Release() {
	t.t.Stop()
	handlerTimerPool.Put(t)
}
