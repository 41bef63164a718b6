// Command server is the WeChat callback server a team deploys: the wechatmp
// Handler on the callback path, answering known questions from a knowledge base
// and acknowledging the rest for agents, with a health endpoint, structured logs
// and graceful shutdown. It is configured from the environment (see config.go
// and the README); stores are in memory unless KEFU_REDIS_URL or
// KEFU_POSTGRES_DSN is set.
//
//	KEFU_APP_ID=wx… KEFU_TOKEN=… KEFU_AES_KEY=… go run .
//	go run . load [-n 20000] [-c 32]     # loopback load: full pipeline vs bare net/http
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "load" {
		os.Exit(runLoad(os.Args[2:], os.Stdout, os.Stderr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// serve runs the server until ctx ends, then shuts it down gracefully: the
// listener closes, requests in flight (and late handlers) get cfg.ShutdownIn
// to finish. ready, if not nil, receives the bound address once listening.
func serve(ctx context.Context, getenv func(string) string, logOut io.Writer, ready chan<- net.Addr) error {
	cfg, err := configFromEnv(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	st, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := newApp(cfg, st, log, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("listening", "addr", ln.Addr().String(), "path", cfg.Path, "stores", st.Name,
		"mode", map[bool]string{true: "encrypted", false: "plaintext"}[len(cfg.AESKeys) > 0], "api_client", a.client != nil)
	if ready != nil {
		ready <- ln.Addr()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownIn.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownIn)
	defer cancel()
	err = errors.Join(srv.Shutdown(sctx), a.handler.Shutdown(sctx))
	if err == nil {
		log.Info("stopped")
	}
	return err
}
