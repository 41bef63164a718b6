package wechatmp

// MsgType is the MsgType field of an inbound push. Values WeChat adds later are
// kept as they arrive, so a MsgType is not limited to the constants below.
type MsgType string

// Message types of ordinary user messages and of events (wechat.md §3.1).
const (
	MsgTypeText       MsgType = "text"
	MsgTypeImage      MsgType = "image"
	MsgTypeVoice      MsgType = "voice"
	MsgTypeVideo      MsgType = "video"
	MsgTypeShortVideo MsgType = "shortvideo"
	MsgTypeLocation   MsgType = "location"
	MsgTypeLink       MsgType = "link"
	MsgTypeEvent      MsgType = "event"
)

// EventType is the Event field of a push whose MsgType is "event". Values WeChat
// adds later are kept as they arrive.
type EventType string

// Events of an Official Account (wechat.md §3.2). WeChat spells some in upper
// case and some in lower case; the constants carry the exact spelling.
const (
	EventSubscribe             EventType = "subscribe"
	EventUnsubscribe           EventType = "unsubscribe"
	EventScan                  EventType = "SCAN"
	EventLocation              EventType = "LOCATION"
	EventClick                 EventType = "CLICK"
	EventView                  EventType = "VIEW"
	EventViewMiniprogram       EventType = "view_miniprogram"
	EventScancodePush          EventType = "scancode_push"
	EventScancodeWaitMsg       EventType = "scancode_waitmsg"
	EventPicSysPhoto           EventType = "pic_sysphoto"
	EventPicPhotoOrAlbum       EventType = "pic_photo_or_album"
	EventPicWeixin             EventType = "pic_weixin"
	EventLocationSelect        EventType = "location_select"
	EventTemplateSendJobFinish EventType = "TEMPLATESENDJOBFINISH"
	EventMassSendJobFinish     EventType = "MASSSENDJOBFINISH"
	EventSubscribeMsgPopup     EventType = "subscribe_msg_popup_event"
	EventSubscribeMsgChange    EventType = "subscribe_msg_change_event"
	EventSubscribeMsgSent      EventType = "subscribe_msg_sent_event"
	EventKfCreateSession       EventType = "kf_create_session"
	EventKfCloseSession        EventType = "kf_close_session"
	EventKfSwitchSession       EventType = "kf_switch_session"
)

// InfoType is the InfoType field of a third-party-platform (component) notice,
// pushed to the platform's authorisation URL (wechat.md §7).
type InfoType string

// Third-party-platform notices.
const (
	InfoComponentVerifyTicket InfoType = "component_verify_ticket"
	InfoAuthorized            InfoType = "authorized"
	InfoUnauthorized          InfoType = "unauthorized"
	InfoUpdateAuthorized      InfoType = "updateauthorized"
)
