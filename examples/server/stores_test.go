package main

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp/mptest"
)

func TestOpenStoresRefusesUnreachableBackends(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for name, cfg := range map[string]config{
		"redis down":       {RedisURL: "redis://127.0.0.1:1/0"},
		"postgres down":    {PostgresDSN: "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2"},
		"redis bad url":    {RedisURL: "mysql://nope"},
		"postgres bad dsn": {PostgresDSN: "postgres://%zz"},
	} {
		if _, err := openStores(ctx, cfg); err == nil {
			t.Errorf("%s: want an error, got shared stores", name)
		}
	}
	if _, err := openStores(ctx, config{RedisURL: "mysql://nope"}); !errors.Is(err, errConfig) {
		t.Errorf("bad URL: want errConfig, got %v", err)
	}
	st, err := openStores(ctx, config{})
	if err != nil || st.Name != "memory" {
		t.Fatalf("no DSN: %v %q", err, st.Name)
	}
}

// TestReplicasShareStores runs two server replicas against the same Redis and
// PostgreSQL and has the platform deliver a message to the first and WeChat's
// retry of it to the second: the host's code runs once, and the retry gets
// the first replica's answer. It needs KEFU_TEST_REDIS and KEFU_TEST_POSTGRES
// (.ci/run sets both).
func TestReplicasShareStores(t *testing.T) {
	redisURL, pgDSN := os.Getenv("KEFU_TEST_REDIS"), os.Getenv("KEFU_TEST_POSTGRES")
	if redisURL == "" || pgDSN == "" {
		t.Skip("KEFU_TEST_REDIS and KEFU_TEST_POSTGRES not set: skipping the shared-store replica test (.ci/run sets them)")
	}
	platform := mptest.NewServer(mptest.Config{Mode: mptest.ModeSecure, Clock: mptest.NewClock(time.Now())})
	defer platform.Close()
	vars := map[string]string{
		"KEFU_APP_ID": platform.AppID(), "KEFU_TOKEN": "mptest", "KEFU_AES_KEY": platform.EncodingAESKey(),
		"KEFU_LISTEN": "127.0.0.1:0", "KEFU_REDIS_URL": redisURL, "KEFU_POSTGRES_DSN": pgDSN, "KEFU_LOG_LEVEL": "debug",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var bases []string
	var logs []*syncWriter
	var dones []chan error
	for range 2 {
		ready, done, w := make(chan net.Addr, 1), make(chan error, 1), &syncWriter{w: new(strings.Builder)}
		go func() { done <- serve(ctx, env(vars), w, ready) }()
		select {
		case addr := <-ready:
			bases = append(bases, "http://"+addr.String())
		case err := <-done:
			t.Fatal(err)
		}
		logs, dones = append(logs, w), append(dones, done)
	}

	user := platform.User("oReplica" + time.Now().Format("150405.000000"))
	platform.SetCallbackURL(bases[0] + "/wechat")
	first, err := user.SendText(ctx, "快递多久到")
	if err != nil {
		t.Fatal(err)
	}
	platform.SetCallbackURL(bases[1] + "/wechat")
	retry, err := user.Push(ctx, first.Push) // same MsgId and CreateTime: WeChat's retry
	if err != nil {
		t.Fatal(err)
	}
	r1, ok1, _ := first.Reply()
	r2, ok2, _ := retry.Reply()
	if !ok1 || !ok2 || r1.Content != r2.Content || !strings.Contains(r1.Content, "48 小时") {
		t.Fatalf("replies: %+v %v / %+v %v", r1, ok1, r2, ok2)
	}
	cancel()
	runs := 0
	for i, done := range dones {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		out := logs[i].w.(*strings.Builder).String()
		if !strings.Contains(out, `"stores":"redis+postgres"`) {
			t.Errorf("replica %d did not use the shared stores:\n%s", i, out)
		}
		runs += strings.Count(out, `"msg":"kb decision"`)
	}
	if runs != 1 {
		t.Fatalf("the host's code ran %d times across the replicas, want 1", runs)
	}
}
