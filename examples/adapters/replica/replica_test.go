package replica_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// TestReplicaCallbackExactlyOnce delivers pushes whose first attempt is late,
// so that WeChat's retries reach the other replica, and checks that the
// application's handler runs once per push and that every retry gets the
// reply it produced.
func TestReplicaCallbackExactlyOnce(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("LateOnFakeClock", func(t *testing.T) {
				// The handler takes 6 s of platform time: WeChat gives up
				// on replica A and retries on B, which answers with A's
				// reply from the shared dedup record.
				c := newCluster(t, b.stores(t), mptest.Config{Mode: mptest.ModeSecure})
				c.setHost(func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
					c.srv.Clock.Advance(6 * time.Second)
					return wechatmp.TextReply{Content: "您好，已收到：" + m.Content}, nil
				})
				d, err := c.srv.User("o_late").SendText(context.Background(), "营业时间")
				if err != nil {
					t.Fatal(err)
				}
				checkDelivery(t, c, d, "您好，已收到：营业时间", 2, []string{"A", "B"})
			})

			t.Run("InFlightAcrossReplicas", func(t *testing.T) {
				// The handler on A is still running (real time) when the
				// first retry reaches B and the second reaches A again: B
				// waits on the shared in-flight record, A on its own call,
				// and the handler is released only when the third attempt
				// has arrived.
				c := newCluster(t, b.stores(t), mptest.Config{Mode: mptest.ModeSecure, RealTimeout: 1500 * time.Millisecond})
				release := make(chan struct{})
				var once sync.Once
				c.onRequest = func(i int) {
					if i == 2 {
						once.Do(func() { close(release) })
					}
				}
				c.setHost(func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
					select {
					case <-release:
					case <-time.After(20 * time.Second):
						return nil, errors.New("never released")
					}
					return wechatmp.TextReply{Content: "退款已受理"}, nil
				})
				d, err := c.srv.User("o_slow").SendText(context.Background(), "我要退款")
				if err != nil {
					t.Fatal(err)
				}
				checkDelivery(t, c, d, "退款已受理", 3, []string{"A", "B", "A"})
			})

			t.Run("DuplicatePushes", func(t *testing.T) {
				// The same push delivered again and again (WeChat's retries
				// of a lost answer), alternately to A and B: handled once.
				c := newCluster(t, b.stores(t), mptest.Config{Mode: mptest.ModeSecure})
				c.setHost(func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
					return wechatmp.TextReply{Content: "ok " + m.Content}, nil
				})
				u := c.srv.User("o_dup")
				first, err := u.SendText(context.Background(), "hello")
				if err != nil {
					t.Fatal(err)
				}
				for range 5 {
					d, err := u.Push(context.Background(), first.Push)
					if err != nil {
						t.Fatal(err)
					}
					if r, ok, err := d.Reply(); err != nil || !ok || r.Content != "ok hello" {
						t.Fatalf("duplicate answered %+v, %v, %v; want the first reply", r, ok, err)
					}
				}
				if n := c.dispatched.Load(); n != 1 {
					t.Fatalf("handler dispatched %d times for one push, want 1", n)
				}
				if got := c.servedBy(); !slices.Equal(got, []string{"A", "B", "A", "B", "A", "B"}) {
					t.Fatalf("requests served by %v, want alternating replicas", got)
				}
			})
		})
	}
}

func checkDelivery(t *testing.T, c *cluster, d *mptest.Delivery, reply string, attempts int, served []string) {
	t.Helper()
	if d.Failed || d.Attempts != attempts || d.Late != attempts-1 {
		t.Fatalf("delivery: %d attempts, %d late, failed %v; want %d attempts, the last in time", d.Attempts, d.Late, d.Failed, attempts)
	}
	r, ok, err := d.Reply()
	if err != nil || !ok || r.Content != reply {
		t.Fatalf("reply %+v (ok %v, err %v), want %q", r, ok, err, reply)
	}
	if n := c.dispatched.Load(); n != 1 {
		t.Fatalf("handler dispatched %d times for one push, want exactly once", n)
	}
	if got := c.servedBy(); !slices.Equal(got, served) {
		t.Fatalf("attempts served by %v, want %v", got, served)
	}
}

// TestReplicaWindowQuota has 50 agents send to one user at once, alternately
// through the two replicas' Clients, after the user's message opened the
// 48-hour window (5 sends): exactly 5 sends reach the platform and the others
// are refused locally with ErrWindowQuota.
func TestReplicaWindowQuota(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			c := newCluster(t, b.stores(t), mptest.Config{Mode: mptest.ModeSecure})
			ctx := context.Background()
			if _, err := c.srv.User("o_quota").SendText(ctx, "在吗"); err != nil {
				t.Fatal(err)
			}
			const senders = 50
			errs := make([]error, senders)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range senders {
				wg.Go(func() {
					<-start
					errs[i] = c.replicas[i%2].client.SendText(ctx, "o_quota", fmt.Sprintf("agent %d", i))
				})
			}
			close(start)
			wg.Wait()
			var ok, quota int
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, wechatmp.ErrWindowQuota):
					quota++
				default:
					t.Errorf("send: %v", err)
				}
			}
			if ok != 5 || quota != senders-5 {
				t.Fatalf("%d sends succeeded, %d refused with ErrWindowQuota; want 5 and %d", ok, quota, senders-5)
			}
			if n := len(c.srv.SentTo("o_quota")); n != 5 {
				t.Fatalf("the platform received %d messages for the user, want 5", n)
			}
			st, err := c.replicas[1].client.Window().Status(ctx, c.srv.AppID(), "o_quota")
			if err != nil || st.Left != 0 {
				t.Fatalf("window status %+v, %v; want no send left", st, err)
			}
		})
	}
}

// TestReplicaTokenFetchedOnce has both replicas call the API concurrently,
// first with no token anywhere and then after the shared token expired: each
// time exactly one of them fetches a token from the platform.
func TestReplicaTokenFetchedOnce(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			c := newCluster(t, b.stores(t), mptest.Config{})
			c.srv.User("o_tok")
			call := func() {
				t.Helper()
				var wg sync.WaitGroup
				errs := make(chan error, 40)
				for i := range 40 {
					wg.Go(func() {
						if _, err := c.replicas[i%2].client.UserInfo(context.Background(), "o_tok", ""); err != nil {
							errs <- err
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatalf("UserInfo: %v", err)
				}
			}
			call()
			if n := c.srv.TokenFetches(); n != 1 {
				t.Fatalf("%d token fetches by two cold replicas, want 1", n)
			}
			c.srv.Clock.Advance(2*time.Hour + time.Minute) // the token expired
			call()
			if n := c.srv.TokenFetches(); n != 2 {
				t.Fatalf("%d token fetches in all after expiry, want 2 (one refresh)", n)
			}
		})
	}
}
