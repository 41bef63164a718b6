package wechatmp

// TextReply answers with a text message. Content may contain newlines and
// <a href="…"> links.
type TextReply struct {
	Content string // required
}

// ReplyType returns MsgTypeText.
func (TextReply) ReplyType() MsgType { return MsgTypeText }

func (r TextReply) replyCheck() error {
	if r.Content == "" {
		return replyMissing(MsgTypeText, "Content")
	}
	return nil
}

func (r TextReply) replyAppendXML(dst []byte) []byte {
	return replyAppendXMLElem(dst, "Content", r.Content)
}

func (r TextReply) replyAppendJSON(dst []byte) []byte {
	return replyAppendJSONMember(dst, "Content", r.Content)
}

// ImageReply answers with an image uploaded earlier (temporary or permanent
// media; GIF animations are not supported by WeChat).
type ImageReply struct {
	MediaID string // required
}

// ReplyType returns MsgTypeImage.
func (ImageReply) ReplyType() MsgType { return MsgTypeImage }

func (r ImageReply) replyCheck() error {
	if r.MediaID == "" {
		return replyMissing(MsgTypeImage, "MediaID")
	}
	return nil
}

func (r ImageReply) replyAppendXML(dst []byte) []byte {
	dst = append(dst, "<Image>"...)
	dst = replyAppendXMLElem(dst, "MediaId", r.MediaID)
	return append(dst, "</Image>"...)
}

func (r ImageReply) replyAppendJSON(dst []byte) []byte {
	dst = append(dst, `,"Image":{`...)
	dst = replyAppendJSONFirst(dst, "MediaId", r.MediaID)
	return append(dst, '}')
}

// VoiceReply answers with a voice clip uploaded earlier.
type VoiceReply struct {
	MediaID string // required
}

// ReplyType returns MsgTypeVoice.
func (VoiceReply) ReplyType() MsgType { return MsgTypeVoice }

func (r VoiceReply) replyCheck() error {
	if r.MediaID == "" {
		return replyMissing(MsgTypeVoice, "MediaID")
	}
	return nil
}

func (r VoiceReply) replyAppendXML(dst []byte) []byte {
	dst = append(dst, "<Voice>"...)
	dst = replyAppendXMLElem(dst, "MediaId", r.MediaID)
	return append(dst, "</Voice>"...)
}

func (r VoiceReply) replyAppendJSON(dst []byte) []byte {
	dst = append(dst, `,"Voice":{`...)
	dst = replyAppendJSONFirst(dst, "MediaId", r.MediaID)
	return append(dst, '}')
}

// VideoReply answers with a video uploaded earlier. Empty Title and
// Description are left out.
type VideoReply struct {
	MediaID     string // required
	Title       string
	Description string
}

// ReplyType returns MsgTypeVideo.
func (VideoReply) ReplyType() MsgType { return MsgTypeVideo }

func (r VideoReply) replyCheck() error {
	if r.MediaID == "" {
		return replyMissing(MsgTypeVideo, "MediaID")
	}
	return nil
}

func (r VideoReply) replyAppendXML(dst []byte) []byte {
	dst = append(dst, "<Video>"...)
	dst = replyAppendXMLElem(dst, "MediaId", r.MediaID)
	dst = replyAppendXMLOptional(dst, "Title", r.Title)
	dst = replyAppendXMLOptional(dst, "Description", r.Description)
	return append(dst, "</Video>"...)
}

func (r VideoReply) replyAppendJSON(dst []byte) []byte {
	dst = append(dst, `,"Video":{`...)
	dst = replyAppendJSONFirst(dst, "MediaId", r.MediaID)
	dst = replyAppendJSONOptional(dst, "Title", r.Title)
	dst = replyAppendJSONOptional(dst, "Description", r.Description)
	return append(dst, '}')
}

// MusicReply answers with a music card. ThumbMediaID (an uploaded thumbnail) is
// required; empty optional fields are left out.
type MusicReply struct {
	Title        string
	Description  string
	MusicURL     string
	HQMusicURL   string // high-quality link, preferred on Wi-Fi
	ThumbMediaID string // required
}

// ReplyType returns "music".
func (MusicReply) ReplyType() MsgType { return replyTypeMusic }

func (r MusicReply) replyCheck() error {
	if r.ThumbMediaID == "" {
		return replyMissing(replyTypeMusic, "ThumbMediaID")
	}
	return nil
}

func (r MusicReply) replyAppendXML(dst []byte) []byte {
	dst = append(dst, "<Music>"...)
	dst = replyAppendXMLOptional(dst, "Title", r.Title)
	dst = replyAppendXMLOptional(dst, "Description", r.Description)
	dst = replyAppendXMLOptional(dst, "MusicUrl", r.MusicURL)
	dst = replyAppendXMLOptional(dst, "HQMusicUrl", r.HQMusicURL)
	dst = replyAppendXMLElem(dst, "ThumbMediaId", r.ThumbMediaID)
	return append(dst, "</Music>"...)
}

func (r MusicReply) replyAppendJSON(dst []byte) []byte {
	dst = append(dst, `,"Music":{`...)
	dst = replyAppendJSONFirst(dst, "ThumbMediaId", r.ThumbMediaID)
	dst = replyAppendJSONOptional(dst, "Title", r.Title)
	dst = replyAppendJSONOptional(dst, "Description", r.Description)
	dst = replyAppendJSONOptional(dst, "MusicUrl", r.MusicURL)
	dst = replyAppendJSONOptional(dst, "HQMusicUrl", r.HQMusicURL)
	return append(dst, '}')
}

// Article is one item of a NewsReply. Title and URL are required; empty
// Description and PicURL are left out.
type Article struct {
	Title       string
	Description string
	PicURL      string // large 360×200, small 200×200
	URL         string // opened when the user taps the item
}

// NewsReply answers with a news card. It must hold exactly one article
// (MaxNewsArticles): more is rejected with ErrTooManyArticles, none with
// ErrReplyFieldMissing.
type NewsReply struct {
	Articles []Article
}

// ReplyType returns "news".
func (NewsReply) ReplyType() MsgType { return replyTypeNews }

func (r NewsReply) replyCheck() error {
	switch {
	case len(r.Articles) == 0:
		return replyMissing(replyTypeNews, "Articles")
	case len(r.Articles) > MaxNewsArticles:
		return &ReplyError{Type: replyTypeNews, Field: "Articles", Err: ErrTooManyArticles}
	}
	for _, a := range r.Articles {
		if a.Title == "" {
			return replyMissing(replyTypeNews, "Articles.Title")
		}
		if a.URL == "" {
			return replyMissing(replyTypeNews, "Articles.URL")
		}
	}
	return nil
}

func (r NewsReply) replyAppendXML(dst []byte) []byte {
	dst = append(dst, "<ArticleCount>"...)
	dst = replyAppendUint(dst, len(r.Articles))
	dst = append(dst, "</ArticleCount><Articles>"...)
	for _, a := range r.Articles {
		dst = append(dst, "<item>"...)
		dst = replyAppendXMLElem(dst, "Title", a.Title)
		dst = replyAppendXMLOptional(dst, "Description", a.Description)
		dst = replyAppendXMLOptional(dst, "PicUrl", a.PicURL)
		dst = replyAppendXMLElem(dst, "Url", a.URL)
		dst = append(dst, "</item>"...)
	}
	return append(dst, "</Articles>"...)
}

func (r NewsReply) replyAppendJSON(dst []byte) []byte {
	dst = append(dst, `,"ArticleCount":`...)
	dst = replyAppendUint(dst, len(r.Articles))
	dst = append(dst, `,"Articles":[`...)
	for i, a := range r.Articles {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		dst = replyAppendJSONFirst(dst, "Title", a.Title)
		dst = replyAppendJSONOptional(dst, "Description", a.Description)
		dst = replyAppendJSONOptional(dst, "PicUrl", a.PicURL)
		dst = replyAppendJSONMember(dst, "Url", a.URL)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// TransferCustomerServiceReply hands the message over to WeChat's built-in
// customer-service system (多客服). With KfAccount set, the user goes straight to
// that agent (wechat.md §4). Only ordinary user messages should be transferred,
// never events.
type TransferCustomerServiceReply struct {
	KfAccount string // optional, e.g. "test1@test"
}

// ReplyType returns "transfer_customer_service".
func (TransferCustomerServiceReply) ReplyType() MsgType { return replyTypeTransfer }

func (TransferCustomerServiceReply) replyCheck() error { return nil }

func (r TransferCustomerServiceReply) replyAppendXML(dst []byte) []byte {
	if r.KfAccount == "" {
		return dst
	}
	dst = append(dst, "<TransInfo>"...)
	dst = replyAppendXMLElem(dst, "KfAccount", r.KfAccount)
	return append(dst, "</TransInfo>"...)
}

func (r TransferCustomerServiceReply) replyAppendJSON(dst []byte) []byte {
	if r.KfAccount == "" {
		return dst
	}
	dst = append(dst, `,"TransInfo":{`...)
	dst = replyAppendJSONFirst(dst, "KfAccount", r.KfAccount)
	return append(dst, '}')
}
