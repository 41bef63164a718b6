package wechatmp

import (
	"context"
	"errors"
	"fmt"
)

// Channel is how a Sender delivered a notification.
type Channel uint8

// Channels.
const (
	ChannelNone         Channel = iota // nothing was sent
	ChannelCustom                      // a customer-service message, inside the window
	ChannelTemplate                    // a template message (fallback)
	ChannelSubscription                // a subscription message (fallback)
	ChannelFallback                    // the host's Fallback function
)

// String returns "custom", "template", "subscription", "fallback" or "none".
func (c Channel) String() string {
	switch c {
	case ChannelCustom:
		return "custom"
	case ChannelTemplate:
		return "template"
	case ChannelSubscription:
		return "subscription"
	case ChannelFallback:
		return "fallback"
	}
	return "none"
}

// Notice is a proactive notification (order shipped, refund progress) in the
// forms the Sender may use: Custom inside the customer-service window, else
// the first fallback that is set: Template, Subscription, Fallback.
type Notice struct {
	Custom       CustomMessage
	Template     *TemplateMessage
	Subscription *SubscribeMessage
	// Fallback, if set and no other fallback is, is called instead; it reports
	// the channel it used.
	Fallback func(ctx context.Context) (Channel, error)
}

// Sender sends proactive notifications through the customer-service API when
// the user's window allows it and through a fallback otherwise. Client should
// have Config.Window set, so that a closed window is known before any network
// call; without it the customer-service message is attempted and WeChat's
// 45015 or 45047 selects the fallback. A Sender is safe for concurrent use.
type Sender struct {
	Client *Client
}

// Send delivers n and reports the channel used. The fallback is taken when
// the window is closed or spent, locally or as WeChat reports it (45015,
// 45047); any other error of the custom message is returned as is, with
// ChannelNone (the message may have been delivered, so no fallback is sent).
func (s *Sender) Send(ctx context.Context, n Notice) (Channel, error) {
	if s.Client == nil {
		return ChannelNone, errors.New("wechatmp: sender: nil Client")
	}
	err := s.Client.SendCustom(ctx, n.Custom)
	if err == nil {
		return ChannelCustom, nil
	}
	if !errors.Is(err, ErrWindowClosed) && !errors.Is(err, ErrWindowQuota) {
		return ChannelNone, err
	}
	switch {
	case n.Template != nil:
		t := *n.Template
		if t.ToUser == "" {
			t.ToUser = n.Custom.ToUser
		}
		if _, ferr := s.Client.SendTemplate(ctx, t); ferr != nil {
			return ChannelNone, fmt.Errorf("wechatmp: sender: template fallback after %w: %w", err, ferr)
		}
		return ChannelTemplate, nil
	case n.Subscription != nil:
		m := *n.Subscription
		if m.ToUser == "" {
			m.ToUser = n.Custom.ToUser
		}
		if ferr := s.Client.SendSubscribe(ctx, m); ferr != nil {
			return ChannelNone, fmt.Errorf("wechatmp: sender: subscription fallback after %w: %w", err, ferr)
		}
		return ChannelSubscription, nil
	case n.Fallback != nil:
		ch, ferr := n.Fallback(ctx)
		if ferr != nil {
			return ch, fmt.Errorf("wechatmp: sender: fallback after %w: %w", err, ferr)
		}
		return ch, nil
	}
	return ChannelNone, err
}
