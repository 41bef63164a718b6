package wechatmp

import (
	"math"
	"strconv"
	"strings"
)

// parseCtx says where in the document the parser is, to map element names to
// typed fields.
type parseCtx uint8

const (
	parseCtxTop           parseCtx = iota // children of the root
	parseCtxExtra                         // inside a group with no typed place
	parseCtxIgnore                        // inside a group an Envelope ignores
	parseCtxScanCode                      // ScanCodeInfo
	parseCtxSendPics                      // SendPicsInfo
	parseCtxPicList                       // SendPicsInfo/PicList
	parseCtxPicItem                       // SendPicsInfo/PicList/item
	parseCtxSendLocation                  // SendLocationInfo
	parseCtxSubscribe                     // SubscribeMsg{Popup,Change,Sent}Event
	parseCtxSubscribeItem                 // .../List
)

// Bits of parseSink.seen: typed top-level fields already set. A repeated
// occurrence of one of them goes to Extra, so the first occurrence wins.
const (
	parseSeenToUserName uint64 = 1 << iota
	parseSeenFromUserName
	parseSeenCreateTime
	parseSeenMsgType
	parseSeenEvent
	parseSeenEventKey
	parseSeenMsgID
	parseSeenInfoType
	parseSeenAppID
	parseSeenContent
	parseSeenBizMsgMenuID
	parseSeenMsgDataID
	parseSeenIdx
	parseSeenMediaID
	parseSeenPicURL
	parseSeenThumbMediaID
	parseSeenFormat
	parseSeenRecognition
	parseSeenMediaID16K
	parseSeenLocationX
	parseSeenLocationY
	parseSeenScale
	parseSeenLabel
	parseSeenTitle
	parseSeenDescription
	parseSeenURL
	parseSeenTicket
	parseSeenLatitude
	parseSeenLongitude
	parseSeenPrecision
	parseSeenMenuID
	parseSeenJobMsgID
	parseSeenStatus
	parseSeenTotalCount
	parseSeenFilterCount
	parseSeenSentCount
	parseSeenErrorCount
	parseSeenKfAccount
	parseSeenFromKfAccount
	parseSeenToKfAccount
	parseSeenComponentVerifyTicket
	parseSeenAuthorizerAppID
	parseSeenAuthorizationCode
	parseSeenAuthorizationCodeExpiredTime
	parseSeenPreAuthCode
	parseSeenEncrypt
)

// parseSink receives the elements (XML) or keys (JSON) of a body and stores
// them in a Message (m != nil) or an Envelope (env != nil). It lives on the
// caller's stack.
type parseSink struct {
	m     *Message
	env   *Envelope
	seen  uint64
	depth int // open groups below the root
	ctxs  [parseMaxDepth + 1]parseCtx
	names [parseMaxDepth + 1]string // names of the open groups, for Extra paths
}

func (s *parseSink) cur() parseCtx {
	if s.depth == 0 {
		return parseCtxTop
	}
	return s.ctxs[s.depth-1]
}

// open starts a group element (one with child elements; a JSON object).
func (s *parseSink) open(name string, off int) error {
	if s.depth >= len(s.ctxs) {
		return parseErr(off, ErrTooDeep, name, "")
	}
	c := parseCtxExtra
	switch s.cur() {
	case parseCtxIgnore:
		c = parseCtxIgnore
	case parseCtxTop:
		if s.m == nil {
			c = parseCtxIgnore
			break
		}
		switch name {
		case "ScanCodeInfo":
			if s.m.ScanCodeInfo == nil {
				s.m.ScanCodeInfo = new(ScanCodeInfo)
				c = parseCtxScanCode
			}
		case "SendPicsInfo":
			if s.m.SendPicsInfo == nil {
				s.m.SendPicsInfo = new(SendPicsInfo)
				c = parseCtxSendPics
			}
		case "SendLocationInfo":
			if s.m.SendLocationInfo == nil {
				s.m.SendLocationInfo = new(SendLocationInfo)
				c = parseCtxSendLocation
			}
		case "SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent", "SubscribeMsgSentEvent":
			c = parseCtxSubscribe
		case "List": // JSON form of the subscribe_msg_* events: "List" at top level
			s.m.SubscribeMsgs = append(s.m.SubscribeMsgs, SubscribeMsg{})
			c = parseCtxSubscribeItem
		}
	case parseCtxSendPics:
		if name == "PicList" {
			c = parseCtxPicList
		}
	case parseCtxPicList:
		if name == "item" {
			s.m.SendPicsInfo.PicList = append(s.m.SendPicsInfo.PicList, PicItem{})
			c = parseCtxPicItem
		}
	case parseCtxSubscribe:
		if name == "List" {
			s.m.SubscribeMsgs = append(s.m.SubscribeMsgs, SubscribeMsg{})
			c = parseCtxSubscribeItem
		}
	}
	s.ctxs[s.depth] = c
	s.names[s.depth] = name
	s.depth++
	return nil
}

// close ends the innermost group.
func (s *parseSink) close() {
	if s.depth > 0 {
		s.depth--
	}
}

// extra records a leaf with no typed place, under its full path.
func (s *parseSink) extra(name, v string) {
	path := name
	if s.depth > 0 {
		n := len(name)
		for i := 0; i < s.depth; i++ {
			n += len(s.names[i]) + 1
		}
		var b strings.Builder
		b.Grow(n)
		for i := 0; i < s.depth; i++ {
			b.WriteString(s.names[i])
			b.WriteByte('/')
		}
		b.WriteString(name)
		path = b.String()
	}
	s.m.Extra = append(s.m.Extra, Field{Path: path, Value: v})
}

// leaf stores a leaf element (text content; a JSON scalar). off is its offset
// in the body, for errors.
func (s *parseSink) leaf(name, v string, off int) error {
	if s.m == nil {
		if s.depth == 0 {
			s.envelopeLeaf(name, v)
		}
		return nil
	}
	m := s.m
	switch s.cur() {
	case parseCtxTop:
		return s.topLeaf(name, v, off)
	case parseCtxIgnore:
		return nil
	case parseCtxScanCode:
		switch name {
		case "ScanType":
			s.setString(&m.ScanCodeInfo.ScanType, name, v)
			return nil
		case "ScanResult":
			s.setString(&m.ScanCodeInfo.ScanResult, name, v)
			return nil
		}
	case parseCtxSendPics:
		if name == "Count" {
			s.setInt(&m.SendPicsInfo.Count, name, v)
			return nil
		}
	case parseCtxPicList:
		if name == "PicMd5Sum" { // JSON: "PicList": [{"PicMd5Sum": ...}]
			m.SendPicsInfo.PicList = append(m.SendPicsInfo.PicList, PicItem{PicMd5Sum: v})
			return nil
		}
	case parseCtxPicItem:
		if name == "PicMd5Sum" {
			s.setString(&m.SendPicsInfo.PicList[len(m.SendPicsInfo.PicList)-1].PicMd5Sum, name, v)
			return nil
		}
	case parseCtxSendLocation:
		l := m.SendLocationInfo
		switch name {
		case "Location_X":
			s.setFloat(&l.LocationX, name, v)
			return nil
		case "Location_Y":
			s.setFloat(&l.LocationY, name, v)
			return nil
		case "Scale":
			s.setInt(&l.Scale, name, v)
			return nil
		case "Label":
			s.setString(&l.Label, name, v)
			return nil
		case "Poiname":
			s.setString(&l.Poiname, name, v)
			return nil
		}
	case parseCtxSubscribeItem:
		it := &m.SubscribeMsgs[len(m.SubscribeMsgs)-1]
		switch name {
		case "TemplateId":
			s.setString(&it.TemplateID, name, v)
			return nil
		case "SubscribeStatusString":
			s.setString(&it.SubscribeStatusString, name, v)
			return nil
		case "PopupScene":
			s.setInt(&it.PopupScene, name, v)
			return nil
		case "MsgID":
			s.setInt64(&it.MsgID, name, v)
			return nil
		case "ErrorCode":
			s.setInt(&it.ErrorCode, name, v)
			return nil
		case "ErrorStatus":
			s.setString(&it.ErrorStatus, name, v)
			return nil
		}
	}
	s.extra(name, v)
	return nil
}

// setString stores v in an empty string field of a group; a repeated element
// goes to Extra.
func (s *parseSink) setString(dst *string, name, v string) {
	if *dst != "" {
		s.extra(name, v)
		return
	}
	*dst = v
}

// setInt, setInt64 and setFloat store a number in a group's field; text that
// is not a number (or a repeated element) goes to Extra.
func (s *parseSink) setInt(dst *int, name, v string) {
	n, ok := parseInt(v, strconv.IntSize)
	if !ok || *dst != 0 {
		s.extra(name, v)
		return
	}
	*dst = int(n)
}

func (s *parseSink) setInt64(dst *int64, name, v string) {
	n, ok := parseInt(v, 64)
	if !ok || *dst != 0 {
		s.extra(name, v)
		return
	}
	*dst = n
}

func (s *parseSink) setFloat(dst *float64, name, v string) {
	f, ok := parseFloat(v)
	if !ok || *dst != 0 {
		s.extra(name, v)
		return
	}
	*dst = f
}

// first reports whether the typed top-level field bit is set for the first
// time.
func (s *parseSink) first(bit uint64) bool {
	if s.seen&bit != 0 {
		return false
	}
	s.seen |= bit
	return true
}

func (s *parseSink) topString(dst *string, bit uint64, name, v string) {
	if s.first(bit) {
		*dst = v
		return
	}
	s.extra(name, v)
}

func (s *parseSink) topInt(dst *int, bit uint64, name, v string) {
	if n, ok := parseInt(v, strconv.IntSize); ok && s.first(bit) {
		*dst = int(n)
		return
	}
	s.extra(name, v)
}

func (s *parseSink) topInt64(dst *int64, bit uint64, name, v string) {
	if n, ok := parseInt(v, 64); ok && s.first(bit) {
		*dst = n
		return
	}
	s.extra(name, v)
}

func (s *parseSink) topFloat(dst *float64, bit uint64, name, v string) {
	if f, ok := parseFloat(v); ok && s.first(bit) {
		*dst = f
		return
	}
	s.extra(name, v)
}

// topHeaderInt64 stores CreateTime or MsgId, which must be valid integers.
func (s *parseSink) topHeaderInt64(dst *int64, bit uint64, name, v string, off int) error {
	n, ok := parseInt(v, 64)
	if !ok {
		return parseErr(off, ErrInvalidNumber, name, "not a 64-bit decimal integer")
	}
	if s.first(bit) {
		*dst = n
		return nil
	}
	s.extra(name, v)
	return nil
}

// topLeaf maps a child of the root to its typed field.
func (s *parseSink) topLeaf(name, v string, off int) error {
	m := s.m
	switch name {
	case "ToUserName":
		s.topString(&m.ToUserName, parseSeenToUserName, name, v)
	case "FromUserName":
		s.topString(&m.FromUserName, parseSeenFromUserName, name, v)
	case "CreateTime":
		return s.topHeaderInt64(&m.CreateTime, parseSeenCreateTime, name, v, off)
	case "MsgType":
		s.topString((*string)(&m.MsgType), parseSeenMsgType, name, v)
	case "Event":
		s.topString((*string)(&m.Event), parseSeenEvent, name, v)
	case "EventKey":
		s.topString(&m.EventKey, parseSeenEventKey, name, v)
	case "MsgId":
		return s.topHeaderInt64(&m.MsgID, parseSeenMsgID, name, v, off)
	case "InfoType":
		s.topString((*string)(&m.InfoType), parseSeenInfoType, name, v)
	case "AppId":
		s.topString(&m.AppID, parseSeenAppID, name, v)
	case "Content":
		s.topString(&m.Content, parseSeenContent, name, v)
	case "bizmsgmenuid":
		s.topString(&m.BizMsgMenuID, parseSeenBizMsgMenuID, name, v)
	case "MsgDataId":
		s.topInt64(&m.MsgDataID, parseSeenMsgDataID, name, v)
	case "Idx":
		s.topInt(&m.Idx, parseSeenIdx, name, v)
	case "MediaId":
		s.topString(&parseMedia(m).MediaID, parseSeenMediaID, name, v)
	case "PicUrl":
		s.topString(&parseMedia(m).PicURL, parseSeenPicURL, name, v)
	case "ThumbMediaId":
		s.topString(&parseMedia(m).ThumbMediaID, parseSeenThumbMediaID, name, v)
	case "Format":
		s.topString(&parseMedia(m).Format, parseSeenFormat, name, v)
	case "Recognition":
		s.topString(&parseMedia(m).Recognition, parseSeenRecognition, name, v)
	case "MediaId16K":
		s.topString(&parseMedia(m).MediaID16K, parseSeenMediaID16K, name, v)
	case "Location_X":
		s.topFloat(&parseLocation(m).LocationX, parseSeenLocationX, name, v)
	case "Location_Y":
		s.topFloat(&parseLocation(m).LocationY, parseSeenLocationY, name, v)
	case "Scale":
		s.topInt(&parseLocation(m).Scale, parseSeenScale, name, v)
	case "Label":
		s.topString(&parseLocation(m).Label, parseSeenLabel, name, v)
	case "Title":
		s.topString(&parseLink(m).Title, parseSeenTitle, name, v)
	case "Description":
		s.topString(&parseLink(m).Description, parseSeenDescription, name, v)
	case "Url":
		s.topString(&parseLink(m).URL, parseSeenURL, name, v)
	case "Ticket":
		s.topString(&m.Ticket, parseSeenTicket, name, v)
	case "Latitude":
		s.topFloat(&parseLocationReport(m).Latitude, parseSeenLatitude, name, v)
	case "Longitude":
		s.topFloat(&parseLocationReport(m).Longitude, parseSeenLongitude, name, v)
	case "Precision":
		s.topFloat(&parseLocationReport(m).Precision, parseSeenPrecision, name, v)
	case "MenuId", "MenuID":
		s.topString(&m.MenuID, parseSeenMenuID, name, v)
	case "MsgID":
		s.topInt64(&parseJob(m).MsgID, parseSeenJobMsgID, name, v)
	case "Status":
		s.topString(&parseJob(m).Status, parseSeenStatus, name, v)
	case "TotalCount":
		s.topInt(&parseJob(m).TotalCount, parseSeenTotalCount, name, v)
	case "FilterCount":
		s.topInt(&parseJob(m).FilterCount, parseSeenFilterCount, name, v)
	case "SentCount":
		s.topInt(&parseJob(m).SentCount, parseSeenSentCount, name, v)
	case "ErrorCount":
		s.topInt(&parseJob(m).ErrorCount, parseSeenErrorCount, name, v)
	case "KfAccount":
		s.topString(&parseKf(m).KfAccount, parseSeenKfAccount, name, v)
	case "FromKfAccount":
		s.topString(&parseKf(m).FromKfAccount, parseSeenFromKfAccount, name, v)
	case "ToKfAccount":
		s.topString(&parseKf(m).ToKfAccount, parseSeenToKfAccount, name, v)
	case "ComponentVerifyTicket":
		s.topString(&parseComponent(m).ComponentVerifyTicket, parseSeenComponentVerifyTicket, name, v)
	case "AuthorizerAppid":
		s.topString(&parseComponent(m).AuthorizerAppID, parseSeenAuthorizerAppID, name, v)
	case "AuthorizationCode":
		s.topString(&parseComponent(m).AuthorizationCode, parseSeenAuthorizationCode, name, v)
	case "AuthorizationCodeExpiredTime":
		s.topInt64(&parseComponent(m).AuthorizationCodeExpiredTime, parseSeenAuthorizationCodeExpiredTime, name, v)
	case "PreAuthCode":
		s.topString(&parseComponent(m).PreAuthCode, parseSeenPreAuthCode, name, v)
	default:
		s.extra(name, v)
	}
	return nil
}

// The parseGroup functions return a Message's group, allocating it on first use.

func parseMedia(m *Message) *Media {
	if m.Media == nil {
		m.Media = new(Media)
	}
	return m.Media
}

func parseLocation(m *Message) *Location {
	if m.Location == nil {
		m.Location = new(Location)
	}
	return m.Location
}

func parseLink(m *Message) *Link {
	if m.Link == nil {
		m.Link = new(Link)
	}
	return m.Link
}

func parseLocationReport(m *Message) *LocationReport {
	if m.LocationReport == nil {
		m.LocationReport = new(LocationReport)
	}
	return m.LocationReport
}

func parseJob(m *Message) *JobResult {
	if m.Job == nil {
		m.Job = new(JobResult)
	}
	return m.Job
}

func parseKf(m *Message) *KfSessionEvent {
	if m.Kf == nil {
		m.Kf = new(KfSessionEvent)
	}
	return m.Kf
}

func parseComponent(m *Message) *ComponentNotice {
	if m.Component == nil {
		m.Component = new(ComponentNotice)
	}
	return m.Component
}

// parseFinish derives QRScene and makes sure the group of the message's kind
// is not nil, so that a switch on MsgType/Event/InfoType can read it safely.
func parseFinish(m *Message) {
	switch m.MsgType {
	case MsgTypeImage, MsgTypeVoice, MsgTypeVideo, MsgTypeShortVideo:
		parseMedia(m)
	case MsgTypeLocation:
		parseLocation(m)
	case MsgTypeLink:
		parseLink(m)
	case MsgTypeEvent:
		switch m.Event {
		case EventSubscribe:
			if strings.HasPrefix(m.EventKey, "qrscene_") {
				m.QRScene = m.EventKey[len("qrscene_"):]
			}
		case EventScan:
			m.QRScene = m.EventKey
		case EventLocation:
			parseLocationReport(m)
		case EventScancodePush, EventScancodeWaitMsg:
			if m.ScanCodeInfo == nil {
				m.ScanCodeInfo = new(ScanCodeInfo)
			}
		case EventPicSysPhoto, EventPicPhotoOrAlbum, EventPicWeixin:
			if m.SendPicsInfo == nil {
				m.SendPicsInfo = new(SendPicsInfo)
			}
		case EventLocationSelect:
			if m.SendLocationInfo == nil {
				m.SendLocationInfo = new(SendLocationInfo)
			}
		case EventTemplateSendJobFinish, EventMassSendJobFinish:
			parseJob(m)
		case EventKfCreateSession, EventKfCloseSession, EventKfSwitchSession:
			parseKf(m)
		}
	}
	switch m.InfoType {
	case InfoComponentVerifyTicket, InfoAuthorized, InfoUnauthorized, InfoUpdateAuthorized:
		parseComponent(m)
	}
}

// envelopeLeaf maps a child of the root to an Envelope field; the first
// occurrence wins and other elements are ignored.
func (s *parseSink) envelopeLeaf(name, v string) {
	switch name {
	case "ToUserName":
		if s.first(parseSeenToUserName) {
			s.env.ToUserName = v
		}
	case "AppId":
		if s.first(parseSeenAppID) {
			s.env.AppID = v
		}
	case "Encrypt":
		if s.first(parseSeenEncrypt) {
			s.env.Encrypt = v
		}
	}
}

// parseTrim removes the XML white space around a number.
func parseTrim(v string) string {
	for len(v) > 0 && xmlIsSpace(v[0]) {
		v = v[1:]
	}
	for len(v) > 0 && xmlIsSpace(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	return v
}

// parseInt parses a decimal integer (surrounding white space allowed); an
// empty value is 0.
func parseInt(v string, bits int) (int64, bool) {
	v = parseTrim(v)
	if v == "" {
		return 0, true
	}
	if bits == 64 && len(v) <= 18 { // 18 digits always fit in an int64
		if n, ok := parseDigits(v); ok {
			return n, true
		}
	}
	n, err := strconv.ParseInt(v, 10, bits)
	return n, err == nil
}

// parseDigits parses a string of decimal digits that fits in an int64;
// anything else (a sign, a space) reports false.
func parseDigits(v string) (int64, bool) {
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// parseFloat parses a finite decimal number; an empty value is 0.
func parseFloat(v string) (float64, bool) {
	v = parseTrim(v)
	if v == "" {
		return 0, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}
