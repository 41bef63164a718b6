package wechatmp

import (
	"fmt"
)

// CustomMessage is a customer-service message (POST /cgi-bin/message/custom/send,
// wechat.md §6.2). Set ToUser and exactly one payload; MsgType may be left
// empty and is then derived from the payload. KfAccount, if set, makes the
// message appear from that agent.
type CustomMessage struct {
	ToUser          string               `json:"touser"`
	MsgType         string               `json:"msgtype"`
	Text            *CustomText          `json:"text,omitempty"`
	Image           *CustomMedia         `json:"image,omitempty"`
	Voice           *CustomMedia         `json:"voice,omitempty"`
	Video           *CustomVideo         `json:"video,omitempty"`
	Music           *CustomMusic         `json:"music,omitempty"`
	News            *CustomNews          `json:"news,omitempty"`
	MPNews          *CustomMedia         `json:"mpnews,omitempty"`
	MPNewsArticle   *CustomArticle       `json:"mpnewsarticle,omitempty"`
	MsgMenu         *CustomMsgMenu       `json:"msgmenu,omitempty"`
	WXCard          *CustomCard          `json:"wxcard,omitempty"`
	MiniProgramPage *CustomMiniProgram   `json:"miniprogrampage,omitempty"`
	CustomService   *CustomServiceSender `json:"customservice,omitempty"`
	// KfAccount (e.g. "alice@gh_account") sends as that agent; it fills
	// CustomService when that is nil.
	KfAccount string `json:"-"`
}

// CustomText is a text payload; Content may contain <a href="..."> links,
// including data-miniprogram-appid / data-miniprogram-path ones.
type CustomText struct {
	Content string `json:"content"`
}

// CustomMedia is an image, voice or mpnews payload.
type CustomMedia struct {
	MediaID string `json:"media_id"`
}

// CustomVideo is a video payload.
type CustomVideo struct {
	MediaID      string `json:"media_id"`
	ThumbMediaID string `json:"thumb_media_id,omitempty"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
}

// CustomMusic is a music payload.
type CustomMusic struct {
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	MusicURL     string `json:"musicurl"`
	HQMusicURL   string `json:"hqmusicurl"`
	ThumbMediaID string `json:"thumb_media_id"`
}

// CustomNews is a news payload: WeChat accepts exactly one article (45008).
type CustomNews struct {
	Articles []CustomNewsArticle `json:"articles"`
}

// CustomNewsArticle is one article of a news payload.
type CustomNewsArticle struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	PicURL      string `json:"picurl,omitempty"`
}

// CustomArticle is an mpnewsarticle payload (a published article).
type CustomArticle struct {
	ArticleID string `json:"article_id"`
}

// CustomMsgMenu is a msgmenu payload (certified accounts only; a tap comes
// back as a text message with bizmsgmenuid).
type CustomMsgMenu struct {
	HeadContent string              `json:"head_content,omitempty"`
	List        []CustomMsgMenuItem `json:"list"`
	TailContent string              `json:"tail_content,omitempty"`
}

// CustomMsgMenuItem is one option of a msgmenu.
type CustomMsgMenuItem struct {
	ID      string `json:"id"`
	Content string `json:"content"`
}

// CustomCard is a wxcard payload.
type CustomCard struct {
	CardID string `json:"card_id"`
}

// CustomMiniProgram is a miniprogrampage payload.
type CustomMiniProgram struct {
	Title        string `json:"title,omitempty"`
	AppID        string `json:"appid"`
	PagePath     string `json:"pagepath"`
	ThumbMediaID string `json:"thumb_media_id"`
}

// CustomServiceSender names the agent a message appears from.
type CustomServiceSender struct {
	KfAccount string `json:"kf_account"`
}

// kfPayloads lists the payloads of m by msgtype.
func (m *CustomMessage) kfPayloads() map[string]bool {
	return map[string]bool{
		"text": m.Text != nil, "image": m.Image != nil, "voice": m.Voice != nil, "video": m.Video != nil,
		"music": m.Music != nil, "news": m.News != nil, "mpnews": m.MPNews != nil,
		"mpnewsarticle": m.MPNewsArticle != nil, "msgmenu": m.MsgMenu != nil, "wxcard": m.WXCard != nil,
		"miniprogrampage": m.MiniProgramPage != nil,
	}
}

// Validate checks m locally (the checks WeChat would fail it on) and fills
// MsgType from the payload when empty. Errors match ErrInvalidMessage.
func (m *CustomMessage) Validate() error {
	if m.ToUser == "" {
		return fmt.Errorf("%w: empty touser", ErrInvalidMessage)
	}
	set := ""
	for t, ok := range m.kfPayloads() {
		if ok {
			if set != "" {
				return fmt.Errorf("%w: more than one payload (%s, %s)", ErrInvalidMessage, set, t)
			}
			set = t
		}
	}
	if set == "" {
		return fmt.Errorf("%w: no payload", ErrInvalidMessage)
	}
	if m.MsgType == "" {
		m.MsgType = set
	} else if m.MsgType != set {
		return fmt.Errorf("%w: msgtype %q with a %s payload", ErrInvalidMessage, m.MsgType, set)
	}
	switch {
	case m.Text != nil && m.Text.Content == "":
		return fmt.Errorf("%w: empty text", ErrInvalidMessage)
	case m.News != nil && len(m.News.Articles) != 1:
		return fmt.Errorf("%w: news must have exactly 1 article, has %d", ErrInvalidMessage, len(m.News.Articles))
	case m.MsgMenu != nil && len(m.MsgMenu.List) == 0:
		return fmt.Errorf("%w: msgmenu without options", ErrInvalidMessage)
	case m.Image != nil && m.Image.MediaID == "", m.Voice != nil && m.Voice.MediaID == "",
		m.Video != nil && m.Video.MediaID == "", m.MPNews != nil && m.MPNews.MediaID == "":
		return fmt.Errorf("%w: empty media_id", ErrInvalidMessage)
	}
	if m.KfAccount != "" && m.CustomService == nil {
		m.CustomService = &CustomServiceSender{KfAccount: m.KfAccount}
	}
	return nil
}
