package wechatmp

import (
	"context"
	"fmt"
)

// TemplateMessage is a template message (POST /cgi-bin/message/template/send):
// the fallback for notifications outside the customer-service window.
type TemplateMessage struct {
	ToUser      string                   `json:"touser"`
	TemplateID  string                   `json:"template_id"`
	URL         string                   `json:"url,omitempty"`
	MiniProgram *MiniProgramLink         `json:"miniprogram,omitempty"`
	Data        map[string]TemplateValue `json:"data"`
}

// MiniProgramLink opens a mini-program page.
type MiniProgramLink struct {
	AppID    string `json:"appid"`
	PagePath string `json:"pagepath,omitempty"`
}

// TemplateValue is one template field.
type TemplateValue struct {
	Value string `json:"value"`
	Color string `json:"color,omitempty"`
}

// SendTemplate sends a template message and returns its msgid (its result
// arrives later as a TEMPLATESENDJOBFINISH event). It is not retried on -1:
// the message may have been sent.
func (c *Client) SendTemplate(ctx context.Context, m TemplateMessage) (msgID int64, err error) {
	if m.ToUser == "" || m.TemplateID == "" {
		return 0, fmt.Errorf("%w: template message needs touser and template_id", ErrInvalidMessage)
	}
	var r struct {
		MsgID int64 `json:"msgid"`
	}
	err = c.clientPost(ctx, GroupTemplate, "/cgi-bin/message/template/send", m, &r, false)
	return r.MsgID, err
}
