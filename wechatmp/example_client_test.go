package wechatmp_test

import (
	"context"
	"errors"
	"fmt"

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
