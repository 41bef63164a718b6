package routing

import "time"

// Message kinds commonly seen in Input.Kind. They match WeChat's MsgType
// values, but routing does not depend on any platform package: a host may use
// its own kinds.
const (
	KindText       = "text"
	KindImage      = "image"
	KindVoice      = "voice"
	KindVideo      = "video"
	KindShortVideo = "shortvideo"
	KindLocation   = "location"
	KindLink       = "link"
	KindEvent      = "event"
)

// Input is what a routing decision looks at: one inbound message and what the
// host knows about its sender. The zero value is a valid (empty) input. Input
// is a plain value; the Tags slice must not be modified while a decision uses
// it.
type Input struct {
	// Text is the message text as the customer typed it (unnormalised).
	Text string `json:"text,omitempty"`
	// Kind is the message kind, such as KindText or KindEvent.
	Kind string `json:"kind,omitempty"`
	// Event is the event type when Kind is KindEvent, such as "CLICK".
	Event string `json:"event,omitempty"`
	// MenuKey is the menu or event key (WeChat's EventKey).
	MenuKey string `json:"menu_key,omitempty"`
	// CustomerID identifies the customer to host predicates and conversations.
	CustomerID string `json:"customer_id,omitempty"`
	// Tags are the customer's tags.
	Tags []string `json:"tags,omitempty"`
	// MemberLevel is the customer's membership level (0 for none).
	MemberLevel int `json:"member_level,omitempty"`
	// FirstContact reports whether this is the customer's first contact.
	FirstContact bool `json:"first_contact,omitempty"`
	// Channel is the channel or app the message came through (an app ID).
	Channel string `json:"channel,omitempty"`
	// Time is when the message arrived; business-hours conditions use it.
	// Router.Decide fills a zero Time from Router.Now.
	Time time.Time `json:"time,omitempty"`
}

// hasTag reports whether the input carries tag t.
func (in *Input) hasTag(t string) bool {
	for _, x := range in.Tags {
		if x == t {
			return true
		}
	}
	return false
}
