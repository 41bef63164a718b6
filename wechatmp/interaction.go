package wechatmp

import (
	"context"
	"time"
)

// Interaction is a user action that opens (or refreshes) the customer-service
// window in which an account may send messages through the customer-service API
// (wechat.md §5). The zero value, InteractionNone, opens nothing.
type Interaction uint8

const (
	// InteractionNone is an inbound push that opens no window (unsubscribe,
	// VIEW, LOCATION reports, template results, ...).
	InteractionNone Interaction = iota
	// InteractionMessage is a message the user sent: 5 sends within 48 hours.
	InteractionMessage
	// InteractionMenu is a menu tap of kind CLICK, scancode_push or
	// scancode_waitmsg: 3 sends within 1 minute.
	InteractionMenu
	// InteractionFollow is a follow (subscribe): 3 sends within 1 minute.
	InteractionFollow
	// InteractionScan is a scan of a parametric QR code by a follower (SCAN):
	// 3 sends within 1 minute.
	InteractionScan
)

// String returns a short lower-case name such as "message" or "menu".
func (i Interaction) String() string {
	switch i {
	case InteractionMessage:
		return "message"
	case InteractionMenu:
		return "menu"
	case InteractionFollow:
		return "follow"
	case InteractionScan:
		return "scan"
	default:
		return "none"
	}
}

// Quota returns how many customer-service sends the interaction allows and for
// how long, as WeChat publishes them (wechat.md §5). InteractionNone returns 0, 0.
func (i Interaction) Quota() (sends int, validFor time.Duration) {
	switch i {
	case InteractionMessage:
		return 5, 48 * time.Hour
	case InteractionMenu, InteractionFollow, InteractionScan:
		return 3, time.Minute
	default:
		return 0, 0
	}
}

// InteractionOf classifies an inbound push by its MsgType and Event.
// Ordinary messages (text, image, voice, video, shortvideo, location, link) open
// the 48-hour window; CLICK, scancode_push and scancode_waitmsg menu events,
// follows and QR scans open the 1-minute window; every other event, and any
// unknown type, opens nothing.
func InteractionOf(msgType MsgType, event EventType) Interaction {
	switch msgType {
	case MsgTypeText, MsgTypeImage, MsgTypeVoice, MsgTypeVideo, MsgTypeShortVideo, MsgTypeLocation, MsgTypeLink:
		return InteractionMessage
	case MsgTypeEvent:
		switch event {
		case EventClick, EventScancodePush, EventScancodeWaitMsg:
			return InteractionMenu
		case EventSubscribe:
			return InteractionFollow
		case EventScan:
			return InteractionScan
		}
	}
	return InteractionNone
}

// InteractionRecorder receives every window-opening interaction that the
// Handler sees, so that the customer-service window can be tracked without the
// host doing anything. *Window implements it; a host may supply its own.
// Implementations must be safe for concurrent use.
type InteractionRecorder interface {
	// RecordInteraction notes that the user openID of the account appID
	// interacted in the given way at the given time. kind is never
	// InteractionNone.
	RecordInteraction(ctx context.Context, appID, openID string, kind Interaction, at time.Time) error
}
