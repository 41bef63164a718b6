package wechatmp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// parseHead is the common header of the test bodies below.
const (
	parseHeadXML  = `<ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1700000000</CreateTime>`
	parseHeadJSON = `"ToUserName":"gh_1","FromUserName":"o1","CreateTime":1700000000,`
)

func parseWant(m Message) Message {
	m.ToUserName, m.FromUserName, m.CreateTime = "gh_1", "o1", 1700000000
	return m
}

func parseCheck(t *testing.T, body string, want Message) {
	t.Helper()
	m, err := ParseMessage([]byte(body))
	if err != nil {
		t.Fatalf("ParseMessage: %v", err)
	}
	if string(m.Raw) != body {
		t.Errorf("Raw = %q", m.Raw)
	}
	if d := cmp.Diff(want, *m, cmpopts.IgnoreFields(Message{}, "Raw"), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("Message mismatch (-want +got):\n%s", d)
	}
}

// TestParseKindsXML covers typed fields the golden samples do not carry.
func TestParseKindsXML(t *testing.T) {
	x := func(inner string) string { return "<xml>" + parseHeadXML + inner + "</xml>" }
	tests := []struct {
		name string
		body string
		want Message
	}{
		{"text from an article with bizmsgmenuid", x(`<MsgType>text</MsgType><Content>a &amp; b &#x4f60;&#22909;</Content><MsgId>42</MsgId><MsgDataId>7</MsgDataId><Idx>2</Idx><bizmsgmenuid>101</bizmsgmenuid>`),
			parseWant(Message{MsgType: MsgTypeText, Content: "a & b 你好", MsgID: 42, MsgDataID: 7, Idx: 2, BizMsgMenuID: "101"})},
		{"voice with recognition and 16k", x(`<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[腾讯微信团队]]></Recognition><MediaId16K>m16</MediaId16K><MsgId>1</MsgId>`),
			parseWant(Message{MsgType: MsgTypeVoice, MsgID: 1, Media: &Media{MediaID: "m", Format: "amr", Recognition: "腾讯微信团队", MediaID16K: "m16"}})},
		{"voice without fields still has Media", x(`<MsgType>voice</MsgType>`),
			parseWant(Message{MsgType: MsgTypeVoice, Media: &Media{}})},
		{"VIEW with MenuId", x(`<MsgType>event</MsgType><Event>VIEW</Event><EventKey>https://example.com/</EventKey><MenuId>11</MenuId>`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventView, EventKey: "https://example.com/", MenuID: "11"})},
		{"subscribe through a QR code", x(`<MsgType>event</MsgType><Event>subscribe</Event><EventKey>qrscene_vip</EventKey><Ticket>T</Ticket>`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventSubscribe, EventKey: "qrscene_vip", QRScene: "vip", Ticket: "T"})},
		{"pic event with two pictures", x(`<MsgType>event</MsgType><Event>pic_weixin</Event><EventKey>k</EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item><item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo>`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventPicWeixin, EventKey: "k", SendPicsInfo: &SendPicsInfo{Count: 2, PicList: []PicItem{{"a"}, {"b"}}}})},
		{"location_select with poiname", x(`<MsgType>event</MsgType><Event>location_select</Event><SendLocationInfo><Location_X>23.1</Location_X><Location_Y>113.2</Location_Y><Scale>15</Scale><Label>L</Label><Poiname>P</Poiname></SendLocationInfo>`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventLocationSelect, SendLocationInfo: &SendLocationInfo{LocationX: 23.1, LocationY: 113.2, Scale: 15, Label: "L", Poiname: "P"}})},
		{"mass job counts", x(`<MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event><MsgID>1000001625</MsgID><Status>send success</Status><TotalCount>100</TotalCount><FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount>`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventMassSendJobFinish, Job: &JobResult{MsgID: 1000001625, Status: "send success", TotalCount: 100, FilterCount: 80, SentCount: 75, ErrorCount: 5}})},
		{"subscribe_msg_sent with two List children", x(`<MsgType>event</MsgType><Event>subscribe_msg_sent_event</Event><SubscribeMsgSentEvent><List><TemplateId>t1</TemplateId><MsgID>9</MsgID><ErrorCode>0</ErrorCode><ErrorStatus>success</ErrorStatus></List><List><TemplateId>t2</TemplateId><MsgID>10</MsgID><ErrorCode>20001</ErrorCode><ErrorStatus>failed</ErrorStatus></List></SubscribeMsgSentEvent>`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventSubscribeMsgSent, SubscribeMsgs: []SubscribeMsg{
				{TemplateID: "t1", MsgID: 9, ErrorStatus: "success"}, {TemplateID: "t2", MsgID: 10, ErrorCode: 20001, ErrorStatus: "failed"}}})},
		{"kf_create_session", x(`<MsgType>event</MsgType><Event>kf_create_session</Event><KfAccount>a@b</KfAccount>`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventKfCreateSession, Kf: &KfSessionEvent{KfAccount: "a@b"}})},
		{"component_verify_ticket with expiry", `<xml><AppId>wxc</AppId><CreateTime>1700000000</CreateTime><InfoType>authorized</InfoType><AuthorizerAppid>wxa</AuthorizerAppid><AuthorizationCode>code</AuthorizationCode><AuthorizationCodeExpiredTime>1700003600</AuthorizationCodeExpiredTime><PreAuthCode>pre</PreAuthCode></xml>`,
			Message{AppID: "wxc", CreateTime: 1700000000, InfoType: InfoAuthorized, Component: &ComponentNotice{AuthorizerAppID: "wxa", AuthorizationCode: "code", AuthorizationCodeExpiredTime: 1700003600, PreAuthCode: "pre"}}},
		{"white space, comments, declaration and BOM", "\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n<xml>\n  <ToUserName>gh_1</ToUserName><!-- inner -->\n  <FromUserName><![CDATA[o1]]></FromUserName>\n  <CreateTime> 1700000000 </CreateTime>\n  <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ keep  spaces ]]></Content>\n</xml>\n",
			parseWant(Message{MsgType: MsgTypeText, Content: " keep  spaces "})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { parseCheck(t, tt.body, tt.want) })
	}
}

// TestParseKindsJSON covers the JSON data format: the same names as XML,
// numbers as numbers or strings, groups as objects, repeated children as
// arrays.
func TestParseKindsJSON(t *testing.T) {
	j := func(inner string) string { return "{" + parseHeadJSON + inner + "}" }
	tests := []struct {
		name string
		body string
		want Message
	}{
		{"text", j(`"MsgType":"text","Content":"退款\n\"到账\"","MsgId":6054768590064713728`),
			parseWant(Message{MsgType: MsgTypeText, Content: "退款\n\"到账\"", MsgID: 6054768590064713728, Format: FormatJSON})},
		{"numbers as strings", `{"ToUserName":"gh_1","FromUserName":"o1","CreateTime":"1700000000","MsgType":"location","Location_X":"23.134521","Location_Y":113.358803,"Scale":"20","Label":"L","MsgId":"5"}`,
			parseWant(Message{MsgType: MsgTypeLocation, MsgID: 5, Location: &Location{LocationX: 23.134521, LocationY: 113.358803, Scale: 20, Label: "L"}, Format: FormatJSON})},
		{"image", j(`"MsgType":"image","PicUrl":"http://p","MediaId":"m","MsgId":1`),
			parseWant(Message{MsgType: MsgTypeImage, MsgID: 1, Media: &Media{PicURL: "http://p", MediaID: "m"}, Format: FormatJSON})},
		{"link", j(`"MsgType":"link","Title":"t","Description":"d","Url":"u","MsgId":1`),
			parseWant(Message{MsgType: MsgTypeLink, MsgID: 1, Link: &Link{Title: "t", Description: "d", URL: "u"}, Format: FormatJSON})},
		{"scancode_waitmsg", j(`"MsgType":"event","Event":"scancode_waitmsg","EventKey":"k","ScanCodeInfo":{"ScanType":"qrcode","ScanResult":"r"}`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventScancodeWaitMsg, EventKey: "k", ScanCodeInfo: &ScanCodeInfo{ScanType: "qrcode", ScanResult: "r"}, Format: FormatJSON})},
		{"pic_sysphoto with a PicList array", j(`"MsgType":"event","Event":"pic_sysphoto","EventKey":"k","SendPicsInfo":{"Count":2,"PicList":[{"PicMd5Sum":"a"},{"PicMd5Sum":"b"}]}`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventPicSysPhoto, EventKey: "k", SendPicsInfo: &SendPicsInfo{Count: 2, PicList: []PicItem{{"a"}, {"b"}}}, Format: FormatJSON})},
		{"LOCATION", j(`"MsgType":"event","Event":"LOCATION","Latitude":23.137466,"Longitude":113.352425,"Precision":119.385040`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventLocation, LocationReport: &LocationReport{Latitude: 23.137466, Longitude: 113.352425, Precision: 119.38504}, Format: FormatJSON})},
		{"subscribe_msg_popup with a List array", j(`"MsgType":"event","Event":"subscribe_msg_popup_event","List":[{"TemplateId":"t1","SubscribeStatusString":"accept","PopupScene":"2"},{"TemplateId":"t2","SubscribeStatusString":"reject","PopupScene":"2"}]`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventSubscribeMsgPopup, SubscribeMsgs: []SubscribeMsg{
				{TemplateID: "t1", SubscribeStatusString: "accept", PopupScene: 2}, {TemplateID: "t2", SubscribeStatusString: "reject", PopupScene: 2}}, Format: FormatJSON})},
		{"subscribe_msg_change, single List object", j(`"MsgType":"event","Event":"subscribe_msg_change_event","SubscribeMsgChangeEvent":{"List":{"TemplateId":"t1","SubscribeStatusString":"reject"}}`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventSubscribeMsgChange, SubscribeMsgs: []SubscribeMsg{{TemplateID: "t1", SubscribeStatusString: "reject"}}, Format: FormatJSON})},
		{"TEMPLATESENDJOBFINISH", j(`"MsgType":"event","Event":"TEMPLATESENDJOBFINISH","MsgID":200163836,"Status":"failed:user block"`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventTemplateSendJobFinish, Job: &JobResult{MsgID: 200163836, Status: "failed:user block"}, Format: FormatJSON})},
		{"kf_switch_session", j(`"MsgType":"event","Event":"kf_switch_session","FromKfAccount":"a","ToKfAccount":"b"`),
			parseWant(Message{MsgType: MsgTypeEvent, Event: EventKfSwitchSession, Kf: &KfSessionEvent{FromKfAccount: "a", ToKfAccount: "b"}, Format: FormatJSON})},
		{"component_verify_ticket", `{"AppId":"wxc","CreateTime":1700000000,"InfoType":"component_verify_ticket","ComponentVerifyTicket":"ticket@@@x"}`,
			Message{AppID: "wxc", CreateTime: 1700000000, InfoType: InfoComponentVerifyTicket, Component: &ComponentNotice{ComponentVerifyTicket: "ticket@@@x"}, Format: FormatJSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { parseCheck(t, tt.body, tt.want) })
	}
}

// TestParseUnknownKinds: unknown message, event and notice types are not
// errors; the caller gets the type names, the fields in Extra and the raw body.
func TestParseUnknownKinds(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Message
	}{
		{"unknown MsgType", `<xml>` + parseHeadXML + `<MsgType>hologram</MsgType><HoloId>h1</HoloId><MsgId>9</MsgId></xml>`,
			parseWant(Message{MsgType: "hologram", MsgID: 9, Extra: []Field{{"HoloId", "h1"}}})},
		{"unknown Event", `<xml>` + parseHeadXML + `<MsgType>event</MsgType><Event>teleport_done</Event><EventKey>k</EventKey><Target><Planet>Mars</Planet></Target></xml>`,
			parseWant(Message{MsgType: MsgTypeEvent, Event: "teleport_done", EventKey: "k", Extra: []Field{{"Target/Planet", "Mars"}}})},
		{"unknown Event, JSON", `{` + parseHeadJSON + `"MsgType":"event","Event":"teleport_done","Target":{"Planet":"Mars","Moons":[1,2]}}`,
			parseWant(Message{MsgType: MsgTypeEvent, Event: "teleport_done", Format: FormatJSON, Extra: []Field{{"Target/Planet", "Mars"}, {"Target/Moons", "1"}, {"Target/Moons", "2"}}})},
		{"unknown InfoType", `<xml><AppId>wxc</AppId><CreateTime>1</CreateTime><InfoType>notify_third_fasteregister</InfoType><info><name>shop</name></info></xml>`,
			Message{AppID: "wxc", CreateTime: 1, InfoType: "notify_third_fasteregister", Extra: []Field{{"info/name", "shop"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { parseCheck(t, tt.body, tt.want) })
	}
}

// TestParseKeepsUnknownFields: fields with no typed place are kept by name,
// nested ones by path, repeated ones once per occurrence, in document order;
// a repeated typed element and a non-numeric numeric field go there too.
func TestParseKeepsUnknownFields(t *testing.T) {
	body := `<xml>` + parseHeadXML + `<MsgType>text</MsgType><Content>first</Content><Content>second</Content>` +
		`<NewFlag>1</NewFlag><Outer><Inner>a</Inner><Inner>b</Inner><Deeper><Leaf><![CDATA[c]]></Leaf></Deeper></Outer>` +
		`<Idx>two</Idx><Empty/><MsgId>3</MsgId></xml>`
	m, err := ParseMessage([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{
		{"Content", "second"}, {"NewFlag", "1"}, {"Outer/Inner", "a"}, {"Outer/Inner", "b"},
		{"Outer/Deeper/Leaf", "c"}, {"Idx", "two"}, {"Empty", ""},
	}
	if d := cmp.Diff(want, m.Extra); d != "" {
		t.Errorf("Extra (-want +got):\n%s", d)
	}
	if m.Content != "first" || m.Idx != 0 || m.MsgID != 3 {
		t.Errorf("typed fields: Content %q Idx %d MsgID %d", m.Content, m.Idx, m.MsgID)
	}
	if v, ok := m.ExtraValue("Outer/Deeper/Leaf"); !ok || v != "c" {
		t.Errorf("ExtraValue = %q, %v", v, ok)
	}
	if _, ok := m.ExtraValue("Missing"); ok {
		t.Error("ExtraValue found a missing path")
	}
	if vs := m.ExtraValues("Outer/Inner"); !cmp.Equal(vs, []string{"a", "b"}) {
		t.Errorf("ExtraValues = %q", vs)
	}
	if vs := m.ExtraValues("Missing"); vs != nil {
		t.Errorf("ExtraValues(missing) = %q", vs)
	}
}
