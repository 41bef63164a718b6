package wechatmp_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// Errors from the API are *APIError values that match sentinels.
func ExampleClient_SendText() {
	ctx := context.Background()
	srv := mptest.NewServer(mptest.Config{}) // in production: Config{AppID, AppSecret}
	defer srv.Close()
	client, err := wechatmp.NewClient(srv.ClientConfig())
	if err != nil {
		panic(err)
	}

	// Dave never wrote: WeChat refuses with 45015.
	err = client.SendText(ctx, "o_dave", "Hello!")
	var apiErr *wechatmp.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Code, errors.Is(err, wechatmp.ErrWindowClosed))
	}

	srv.Interact("o_dave", wechatmp.InteractionMessage) // Dave writes
	fmt.Println(client.SendText(ctx, "o_dave", "Hello!"))
	// Output:
	// 45015 true
	// <nil>
}

// Replicas share one access token through a TokenStore (in production a
// Redis or PostgreSQL adapter; here the in-memory store): only one of them
// fetches it from WeChat.
func ExampleCachedTokenSource() {
	ctx := context.Background()
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	shared := &wechatmp.MemoryTokenStore{Now: srv.Clock.Now}

	var replicas []*wechatmp.Client
	for range 3 {
		cfg := srv.ClientConfig()
		cfg.TokenStore = shared // Config.Tokens nil: a CachedTokenSource over this store
		c, err := wechatmp.NewClient(cfg)
		if err != nil {
			panic(err)
		}
		replicas = append(replicas, c)
	}
	for _, c := range replicas {
		if _, err := c.UserInfo(ctx, "o_alice", ""); err != nil {
			panic(err)
		}
	}
	fmt.Println("token fetches:", srv.TokenFetches())

	srv.Clock.Advance(2 * time.Hour) // the token expired
	for _, c := range replicas {
		if _, err := c.UserInfo(ctx, "o_alice", ""); err != nil {
			panic(err)
		}
	}
	fmt.Println("token fetches:", srv.TokenFetches())
	// Output:
	// token fetches: 1
	// token fetches: 2
}
