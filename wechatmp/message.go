package wechatmp

import "fmt"

// Format is the data format of a push body: XML (the zero value) or JSON. The
// MP console lets an account choose it; a passive reply uses the format of the
// push it answers.
type Format uint8

const (
	// FormatXML is the default format: <xml><ToUserName>...</xml>.
	FormatXML Format = iota
	// FormatJSON is the JSON format: {"ToUserName": ...}.
	FormatJSON
)

// String returns "xml" or "json".
func (f Format) String() string {
	if f == FormatJSON {
		return "json"
	}
	return "xml"
}

// MarshalText renders the format as "xml" or "json" (used by Message's JSON form).
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText reads "xml" or "json" (as MarshalText writes them), so that
// a Message's JSON form reads back.
func (f *Format) UnmarshalText(b []byte) error {
	switch string(b) {
	case "xml":
		*f = FormatXML
	case "json":
		*f = FormatJSON
	default:
		return fmt.Errorf("wechatmp: unknown format %q, want xml or json", b)
	}
	return nil
}

// Field is a field of a push that has no typed place in Message, kept so that a
// host can read a field WeChat adds tomorrow without an SDK release. Path is the
// element (XML) or key (JSON) name below the root; nested names are joined with
// "/" ("CopyrightCheckResult/ResultList/item/ArticleIdx"). A repeated element
// yields one Field per occurrence, in document order. A Field is plain data.
type Field struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// Message is one inbound push: an ordinary user message, an event, or a
// third-party-platform notice, as parsed by ParseMessage.
//
// Switch on MsgType (and on Event when MsgType is MsgTypeEvent, or on InfoType
// for platform notices) and read the fields documented for that kind:
//
//	text                 Content, MsgID, [BizMsgMenuID], [MsgDataID, Idx]
//	image                Media.PicURL, Media.MediaID, MsgID, [MsgDataID, Idx]
//	voice                Media.MediaID, Media.Format, [Media.Recognition], [Media.MediaID16K], MsgID
//	video, shortvideo    Media.MediaID, Media.ThumbMediaID, MsgID
//	location             Location.{LocationX, LocationY, Scale, Label}, MsgID
//	link                 Link.{Title, Description, URL}, MsgID
//	subscribe, SCAN      [EventKey, QRScene, Ticket]
//	unsubscribe          (header only)
//	LOCATION             LocationReport.{Latitude, Longitude, Precision}
//	CLICK                EventKey
//	VIEW, view_miniprogram  EventKey, MenuID
//	scancode_*           EventKey, ScanCodeInfo
//	pic_*                EventKey, SendPicsInfo
//	location_select      EventKey, SendLocationInfo
//	*SENDJOBFINISH       Job
//	subscribe_msg_*      SubscribeMsgs
//	kf_*_session         Kf
//	InfoType notices     AppID, Component
//
// The group pointer of a kind (Media, Location, Link, LocationReport,
// ScanCodeInfo, SendPicsInfo, SendLocationInfo, Job, Kf, Component) is never
// nil when MsgType, Event or InfoType names that kind, even if the push
// lacks the fields; otherwise it is nil unless the push carries one of its
// fields. Fields are filled by element name whatever the kind, so a field
// that a kind does not carry stays zero. Every field the typed value has no
// place for, of a known or an unknown kind, is kept in Extra.
//
// A Message is a plain value: safe to read from several goroutines, not to
// modify concurrently. Its strings are immutable copies and stay valid after
// the body is reused; Raw, however, is the body slice itself. In a Message
// from the Handler or Crypter.OpenMessage, Raw views the memory of the
// strings: never modify it.
//
// Message marshals to JSON (encoding/json) as an object of its non-empty
// fields, Extra included and Raw left out: that is what `mpdebug parse`
// prints.
type Message struct {
	// Header of every push (wechat.md §3).

	// ToUserName is the account's original id ("gh_…"); empty in platform notices.
	ToUserName string `json:",omitempty"`
	// FromUserName is the user's OpenID.
	FromUserName string `json:",omitempty"`
	// CreateTime is the push time in Unix seconds.
	CreateTime int64 `json:",omitempty"`
	// MsgType is the message type; MsgTypeEvent for events.
	MsgType MsgType `json:",omitempty"`
	// Event is the event type when MsgType is MsgTypeEvent.
	Event EventType `json:",omitempty"`
	// EventKey is the event key: the menu key (CLICK, scancode_*, pic_*,
	// location_select), the URL (VIEW), the mini-program page path
	// (view_miniprogram), or the QR scene ("qrscene_…" for subscribe, bare for
	// SCAN; see QRScene).
	EventKey string `json:",omitempty"`
	// MsgID is the MsgId of an ordinary message, the key WeChat recommends for
	// retry detection; 0 for events. (The MsgID of *JOBFINISH events is
	// Job.MsgID.)
	MsgID int64 `json:",omitempty"`
	// InfoType is the notice type of a third-party-platform push (wechat.md §7).
	InfoType InfoType `json:",omitempty"`
	// AppID is the AppId element: the third-party platform's AppID in its
	// notices, which have no ToUserName.
	AppID string `json:",omitempty"`
	// Format is the data format the push arrived in; replies use the same.
	Format Format

	// Content is the text of a text message.
	Content string `json:",omitempty"`
	// BizMsgMenuID is the id of the msgmenu option a user tapped (text
	// message, lower-case element bizmsgmenuid).
	BizMsgMenuID string `json:",omitempty"`
	// MsgDataID identifies the article a text or image message came from
	// (MsgDataId); 0 otherwise.
	MsgDataID int64 `json:",omitempty"`
	// Idx is the index of the article within MsgDataID's push (1-based).
	Idx int `json:",omitempty"`

	// Media holds the media fields of image, voice, video and shortvideo
	// messages.
	Media *Media `json:",omitempty"`
	// Location is the place of a location message.
	Location *Location `json:",omitempty"`
	// Link is the link of a link message.
	Link *Link `json:",omitempty"`

	// QRScene is the scene value of a parametric QR code: EventKey without its
	// "qrscene_" prefix for a subscribe through a QR code, EventKey for SCAN;
	// empty otherwise. It is a scene_id (a decimal number) or a scene_str.
	QRScene string `json:",omitempty"`
	// Ticket is the QR code ticket of subscribe (through a QR code) and SCAN.
	Ticket string `json:",omitempty"`
	// MenuID is the menu id of VIEW and view_miniprogram events (MenuId).
	MenuID string `json:",omitempty"`
	// LocationReport is the position reported by a LOCATION event.
	LocationReport *LocationReport `json:",omitempty"`
	// ScanCodeInfo is the scan result of scancode_push and scancode_waitmsg.
	ScanCodeInfo *ScanCodeInfo `json:",omitempty"`
	// SendPicsInfo lists the pictures of pic_sysphoto, pic_photo_or_album and
	// pic_weixin.
	SendPicsInfo *SendPicsInfo `json:",omitempty"`
	// SendLocationInfo is the place chosen in location_select.
	SendLocationInfo *SendLocationInfo `json:",omitempty"`
	// Job is the result of TEMPLATESENDJOBFINISH and MASSSENDJOBFINISH.
	Job *JobResult `json:",omitempty"`
	// SubscribeMsgs are the List entries of subscribe_msg_popup_event,
	// subscribe_msg_change_event and subscribe_msg_sent_event, one per
	// template, even when there is only one.
	SubscribeMsgs []SubscribeMsg `json:",omitempty"`
	// Kf holds the agent accounts of kf_create_session, kf_close_session and
	// kf_switch_session.
	Kf *KfSessionEvent `json:",omitempty"`
	// Component holds the fields of third-party-platform notices.
	Component *ComponentNotice `json:",omitempty"`

	// Extra holds every field the typed value has no place for, in document
	// order: unknown elements, elements of unknown kinds, a repeated
	// occurrence of a typed element, and numeric fields (other than the
	// header's) whose text is not a number.
	Extra []Field `json:",omitempty"`
	// Raw is the plaintext body the message was parsed from: the slice passed
	// to ParseMessage, not a copy.
	Raw []byte `json:"-"`
}

// Media holds the media fields of image, voice, video and shortvideo messages.
type Media struct {
	// MediaID is the media id (valid for 3 days; download it promptly).
	MediaID string `json:",omitempty"`
	// PicURL is the picture URL of an image message.
	PicURL string `json:",omitempty"`
	// ThumbMediaID is the thumbnail media id of a video or shortvideo message.
	ThumbMediaID string `json:",omitempty"`
	// Format is the audio format of a voice message: "amr" or "speex".
	Format string `json:",omitempty"`
	// Recognition is the speech recognition result of a voice message, when
	// the account enabled it (may be empty).
	Recognition string `json:",omitempty"`
	// MediaID16K is the media id of the 16 kHz version of a voice message.
	MediaID16K string `json:",omitempty"`
}

// Location is the place of a location message.
type Location struct {
	// LocationX is the latitude (Location_X).
	LocationX float64
	// LocationY is the longitude (Location_Y).
	LocationY float64
	// Scale is the map zoom level.
	Scale int
	// Label is the place description.
	Label string `json:",omitempty"`
}

// Link is the link of a link message.
type Link struct {
	// Title is the link's title.
	Title string `json:",omitempty"`
	// Description is the link's description.
	Description string `json:",omitempty"`
	// URL is the link's URL (Url).
	URL string `json:",omitempty"`
}

// LocationReport is the position a LOCATION event reports.
type LocationReport struct {
	// Latitude in degrees.
	Latitude float64
	// Longitude in degrees.
	Longitude float64
	// Precision in metres.
	Precision float64
}

// JobResult is the result of a TEMPLATESENDJOBFINISH or MASSSENDJOBFINISH event.
type JobResult struct {
	// MsgID is the template message id or the mass message id (MsgID).
	MsgID int64
	// Status is "success", "failed:user block" or "failed: system failed"
	// (template), "send success", "send fail" or "err(num)" (mass).
	Status string
	// TotalCount is the number of addressed users (mass).
	TotalCount int
	// FilterCount is the number of users after filtering (mass).
	FilterCount int
	// SentCount is the number of successful sends (mass).
	SentCount int
	// ErrorCount is the number of failed sends (mass).
	ErrorCount int
}

// KfSessionEvent holds the agent accounts of kf_*_session events.
type KfSessionEvent struct {
	// KfAccount is the agent of kf_create_session and kf_close_session.
	KfAccount string `json:",omitempty"`
	// FromKfAccount is the previous agent of kf_switch_session.
	FromKfAccount string `json:",omitempty"`
	// ToKfAccount is the new agent of kf_switch_session.
	ToKfAccount string `json:",omitempty"`
}

// ComponentNotice holds the fields of third-party-platform notices
// (wechat.md §7).
type ComponentNotice struct {
	// ComponentVerifyTicket is the ticket of component_verify_ticket.
	ComponentVerifyTicket string `json:",omitempty"`
	// AuthorizerAppID is the authorising account's AppID (authorized,
	// unauthorized, updateauthorized; element AuthorizerAppid).
	AuthorizerAppID string `json:",omitempty"`
	// AuthorizationCode is the authorisation code (authorized, updateauthorized).
	AuthorizationCode string `json:",omitempty"`
	// AuthorizationCodeExpiredTime is when AuthorizationCode expires, in Unix
	// seconds.
	AuthorizationCodeExpiredTime int64 `json:",omitempty"`
	// PreAuthCode is the pre-authorisation code the authorisation used.
	PreAuthCode string `json:",omitempty"`
}

// ScanCodeInfo is the result of a scancode_push or scancode_waitmsg menu event.
type ScanCodeInfo struct {
	// ScanType is the code type, typically "qrcode" or "barcode".
	ScanType string `json:",omitempty"`
	// ScanResult is the decoded content of the code.
	ScanResult string `json:",omitempty"`
}

// SendPicsInfo lists the pictures a user sent through a pic_* menu.
type SendPicsInfo struct {
	// Count is the number of pictures as WeChat states it.
	Count int
	// PicList has one entry per PicList/item element, even if only one.
	PicList []PicItem `json:",omitempty"`
}

// PicItem is one picture of SendPicsInfo.
type PicItem struct {
	// PicMd5Sum is the MD5 of the picture (hex).
	PicMd5Sum string `json:",omitempty"`
}

// SendLocationInfo is the place a user chose through a location_select menu.
type SendLocationInfo struct {
	// LocationX is the latitude (Location_X).
	LocationX float64
	// LocationY is the longitude (Location_Y).
	LocationY float64
	// Scale is the map zoom level.
	Scale int
	// Label is the place description.
	Label string `json:",omitempty"`
	// Poiname is the point-of-interest name (may be empty).
	Poiname string `json:",omitempty"`
}

// SubscribeMsg is one List entry of a subscribe_msg_*_event: one template's
// subscription change or send result.
type SubscribeMsg struct {
	// TemplateID is the subscription template id (TemplateId).
	TemplateID string `json:",omitempty"`
	// SubscribeStatusString is "accept" or "reject" (popup and change events).
	SubscribeStatusString string `json:",omitempty"`
	// PopupScene is where the popup was shown: 1 in a web page, 2 in an
	// article (popup event).
	PopupScene int `json:",omitempty"`
	// MsgID is the id of the sent message (sent event).
	MsgID int64 `json:",omitempty"`
	// ErrorCode is the send result code, 0 on success (sent event).
	ErrorCode int `json:",omitempty"`
	// ErrorStatus is the send result text, "success" on success (sent event).
	ErrorStatus string `json:",omitempty"`
}

// ExtraValue returns the value of the first Extra field with the given path
// and whether there was one.
func (m *Message) ExtraValue(path string) (string, bool) {
	for _, f := range m.Extra {
		if f.Path == path {
			return f.Value, true
		}
	}
	return "", false
}

// ExtraValues returns the values of every Extra field with the given path, in
// document order, or nil if there is none.
func (m *Message) ExtraValues(path string) []string {
	var vs []string
	for _, f := range m.Extra {
		if f.Path == path {
			vs = append(vs, f.Value)
		}
	}
	return vs
}
