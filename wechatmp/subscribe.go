package wechatmp

import (
	"context"
	"fmt"
)

// SubscribeMessage is a subscription notification the user opted in to
// (POST /cgi-bin/message/subscribe/bizsend). 43101 (ErrSubscriptionRefused)
// means the user refused or the opt-in is used up.
type SubscribeMessage struct {
	ToUser      string                    `json:"touser"`
	TemplateID  string                    `json:"template_id"`
	Page        string                    `json:"page,omitempty"`
	MiniProgram *MiniProgramLink          `json:"miniprogram,omitempty"`
	Data        map[string]SubscribeValue `json:"data"`
}

// SubscribeValue is one field of a subscription message (thing ≤ 20 chars,
// number ≤ 32 digits, ...).
type SubscribeValue struct {
	Value string `json:"value"`
}

// SendSubscribe sends a subscription message. It is not retried on -1.
func (c *Client) SendSubscribe(ctx context.Context, m SubscribeMessage) error {
	if m.ToUser == "" || m.TemplateID == "" {
		return fmt.Errorf("%w: subscription message needs touser and template_id", ErrInvalidMessage)
	}
	return c.clientPost(ctx, GroupSubscribe, "/cgi-bin/message/subscribe/bizsend", m, nil, false)
}
