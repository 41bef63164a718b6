package redisstore_test

import (
	"context"
	"errors"
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/examples/adapters/redisstore"
	"github.com/kefu-go/kefu/wechatmp"
)

// Every replica of a callback server builds its Client and Handler over the
// same Redis stores: one access token, one 48-hour window per user and one
// dedup record per push for the whole deployment. This example needs a
// server, so it is compiled but not run by go test.
func Example() {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	const prefix = "kefu:"

	window := wechatmp.NewWindow(redisstore.NewWindowStore(rdb, prefix), nil)
	client, err := wechatmp.NewClient(wechatmp.Config{
		AppID:      "wx0123456789abcdef",
		AppSecret:  "secret",
		TokenStore: redisstore.NewTokenStore(rdb, prefix),
		Window:     window,
	})
	if err != nil {
		log.Fatal(err)
	}
	crypter, err := wechatmp.NewCrypter("token", "wx0123456789abcdef", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	if err != nil {
		log.Fatal(err)
	}
	handler, err := wechatmp.NewHandler(wechatmp.HandlerConfig{
		Crypter:      crypter,
		Handler:      new(wechatmp.Mux),
		Dedup:        redisstore.NewDedupStore(rdb, prefix),
		Interactions: window,
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = handler // serve it at the callback URL

	// The sixth send within a window is refused locally on every replica.
	if err := client.SendText(ctx, "o_user", "您的退款已到账"); errors.Is(err, wechatmp.ErrWindowQuota) {
		log.Print("window quota spent: use a template message")
	}
}
