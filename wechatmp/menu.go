package wechatmp

import (
	"context"
	"encoding/json"
)

// MenuButton is a custom menu button; SubButtons makes it a sub-menu (≤ 3
// top-level buttons, ≤ 5 sub-buttons each).
type MenuButton struct {
	Type       string       `json:"type,omitempty"` // click, view, scancode_push, scancode_waitmsg, miniprogram, ...
	Name       string       `json:"name"`
	Key        string       `json:"key,omitempty"`
	URL        string       `json:"url,omitempty"`
	AppID      string       `json:"appid,omitempty"`
	PagePath   string       `json:"pagepath,omitempty"`
	MediaID    string       `json:"media_id,omitempty"`
	ArticleID  string       `json:"article_id,omitempty"`
	SubButtons []MenuButton `json:"sub_button,omitempty"`
}

// Menu is the custom menu.
type Menu struct {
	Buttons []MenuButton `json:"button"`
}

// CreateMenu replaces the custom menu (POST /cgi-bin/menu/create).
func (c *Client) CreateMenu(ctx context.Context, m Menu) error {
	return c.clientPost(ctx, GroupMenu, "/cgi-bin/menu/create", m, nil, true)
}

// GetMenu returns the custom menu (GET /cgi-bin/menu/get). Raw holds the whole
// reply (conditional menus included).
func (c *Client) GetMenu(ctx context.Context) (m Menu, raw json.RawMessage, err error) {
	var r struct {
		Menu Menu `json:"menu"`
	}
	err = c.clientGet(ctx, GroupMenu, "/cgi-bin/menu/get", nil, &raw)
	if err == nil {
		err = clientDecode("/cgi-bin/menu/get", raw, &r)
	}
	return r.Menu, raw, err
}

// DeleteMenu deletes the custom menu (GET /cgi-bin/menu/delete).
func (c *Client) DeleteMenu(ctx context.Context) error {
	return c.clientGet(ctx, GroupMenu, "/cgi-bin/menu/delete", nil, nil)
}

// ClearQuota resets the account's daily API quotas (POST /cgi-bin/clear_quota;
// 10 times a month, 48006 beyond). Not retried on -1.
func (c *Client) ClearQuota(ctx context.Context) error {
	return c.clientPost(ctx, GroupQuota, "/cgi-bin/clear_quota", map[string]string{"appid": c.cfg.AppID}, nil, false)
}
