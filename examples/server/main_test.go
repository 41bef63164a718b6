package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp/mptest"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnv(t *testing.T) {
	c, err := configFromEnv(env(map[string]string{"KEFU_APP_ID": "wx1", "KEFU_TOKEN": "t"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":8080" || c.Path != "/wechat" || c.ShutdownIn != 10*time.Second || len(c.AESKeys) != 0 {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = configFromEnv(env(map[string]string{"KEFU_APP_ID": "wx1", "KEFU_TOKEN": "t", "KEFU_AES_KEY": "new", "KEFU_AES_KEY_PREVIOUS": "old", "KEFU_LOG_LEVEL": "debug"}))
	if err != nil || len(c.AESKeys) != 2 || c.AESKeys[0] != "new" || c.AESKeys[1] != "old" {
		t.Fatalf("keys: %+v %v", c.AESKeys, err)
	}
	for name, m := range map[string]map[string]string{
		"no app id":        {"KEFU_TOKEN": "t"},
		"no token":         {"KEFU_APP_ID": "wx1"},
		"previous only":    {"KEFU_APP_ID": "wx1", "KEFU_TOKEN": "t", "KEFU_AES_KEY_PREVIOUS": "old"},
		"bad timeout":      {"KEFU_APP_ID": "wx1", "KEFU_TOKEN": "t", "KEFU_SHUTDOWN_TIMEOUT": "soon"},
		"bad log level":    {"KEFU_APP_ID": "wx1", "KEFU_TOKEN": "t", "KEFU_LOG_LEVEL": "loud"},
		"negative timeout": {"KEFU_APP_ID": "wx1", "KEFU_TOKEN": "t", "KEFU_SHUTDOWN_TIMEOUT": "-1s"},
	} {
		if _, err := configFromEnv(env(m)); !errors.Is(err, errConfig) {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

// TestServeEndToEnd runs the server on loopback, has a simulated WeChat user
// (mptest) send encrypted callbacks to it, checks the answers, the health
// endpoint, and the graceful shutdown.
func TestServeEndToEnd(t *testing.T) {
	platform := mptest.NewServer(mptest.Config{Mode: mptest.ModeSecure, Clock: mptest.NewClock(time.Now())})
	defer platform.Close()
	vars := map[string]string{
		"KEFU_APP_ID": platform.AppID(), "KEFU_APP_SECRET": platform.AppSecret(), "KEFU_TOKEN": "mptest",
		"KEFU_AES_KEY": platform.EncodingAESKey(), "KEFU_LISTEN": "127.0.0.1:0", "KEFU_API_BASE_URL": platform.URL,
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	var logs bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, env(vars), &syncWriter{w: &logs}, ready) }()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	base := "http://" + addr.String()
	platform.SetCallbackURL(base + "/wechat")

	user := platform.User("oUser1")
	d, err := user.SendText(ctx, "请问营业时间是几点？")
	if err != nil {
		t.Fatal(err)
	}
	r, ok, err := d.Reply()
	if err != nil || !ok || !strings.Contains(r.Content, "9:00") {
		t.Fatalf("kb answer: %+v ok=%v err=%v status=%d", r, ok, err, d.Status)
	}
	d, err = user.SendText(ctx, "我想问一下别的事情")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := d.Reply(); ok || d.Status != http.StatusOK {
		t.Fatalf("unknown question should be acknowledged for an agent: status %d answer %q", d.Status, d.Answer)
	}

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health map[string]any
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health["status"] != "ok" || health["stores"] != "memory" {
		t.Fatalf("health: %v", health)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	out := logs.String()
	for _, want := range []string{`"msg":"listening"`, `"msg":"stopped"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{platform.EncodingAESKey(), platform.AppSecret()} {
		if strings.Contains(out, secret) {
			t.Errorf("log leaks a secret")
		}
	}
}

func TestLoadCommandSmoke(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runLoad([]string{"-n", "200", "-c", "4", "-rounds", "1"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "ratio full/bare") {
		t.Fatalf("output: %s", out.String())
	}
	if code := runLoad([]string{"-n", "0"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad flags: exit %d", code)
	}
}

// syncWriter serialises writes from the server's goroutines for the test.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// TestHealthReportsUnreachableStore checks that /healthz answers 503 when a
// shared store does not answer, so a load balancer takes the replica out.
func TestHealthReportsUnreachableStore(t *testing.T) {
	cfg, err := configFromEnv(env(map[string]string{"KEFU_APP_ID": "wx1", "KEFU_TOKEN": "t"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ping func(context.Context) error
		want int
	}{
		{"up", func(context.Context) error { return nil }, http.StatusOK},
		{"down", func(context.Context) error { return errors.New("dial tcp: connection refused") }, http.StatusServiceUnavailable},
	} {
		st := memoryStores()
		st.Name, st.Ping = "redis", tc.ping
		a, err := newApp(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		a.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		if rec.Code != tc.want || !strings.Contains(rec.Body.String(), `"stores":"redis"`) {
			t.Errorf("%s: %d %s", tc.name, rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "connection refused") {
			t.Errorf("%s: health body leaks the error: %s", tc.name, rec.Body.String())
		}
	}
}
