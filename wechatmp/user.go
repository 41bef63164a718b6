package wechatmp

import (
	"context"
	"fmt"
	"net/url"
)

// UserInfo is a follower's profile (GET /cgi-bin/user/info). Since 2021-12-27
// WeChat no longer returns nickname or avatar. Subscribe 0 means the user does
// not follow and the other fields are empty.
type UserInfo struct {
	Subscribe      int     `json:"subscribe"`
	OpenID         string  `json:"openid"`
	Language       string  `json:"language,omitempty"`
	SubscribeTime  int64   `json:"subscribe_time,omitempty"`
	UnionID        string  `json:"unionid,omitempty"`
	Remark         string  `json:"remark,omitempty"`
	GroupID        int     `json:"groupid,omitempty"`
	TagIDs         []int64 `json:"tagid_list,omitempty"`
	SubscribeScene string  `json:"subscribe_scene,omitempty"`
	QRScene        int64   `json:"qr_scene,omitempty"`
	QRSceneStr     string  `json:"qr_scene_str,omitempty"`
}

// Following reports whether the user follows the account.
func (u UserInfo) Following() bool { return u.Subscribe == 1 }

// UserInfo returns the profile of openID (lang "" is zh_CN).
func (c *Client) UserInfo(ctx context.Context, openID, lang string) (UserInfo, error) {
	if lang == "" {
		lang = "zh_CN"
	}
	var u UserInfo
	err := c.clientGet(ctx, GroupUser, "/cgi-bin/user/info", url.Values{"openid": {openID}, "lang": {lang}}, &u)
	return u, err
}

// UserInfos returns the profiles of up to 100 users
// (POST /cgi-bin/user/info/batchget).
func (c *Client) UserInfos(ctx context.Context, openIDs []string, lang string) ([]UserInfo, error) {
	if len(openIDs) == 0 || len(openIDs) > 100 {
		return nil, fmt.Errorf("%w: batchget takes 1 to 100 openids, got %d", ErrInvalidMessage, len(openIDs))
	}
	if lang == "" {
		lang = "zh_CN"
	}
	type item struct {
		OpenID string `json:"openid"`
		Lang   string `json:"lang"`
	}
	in := struct {
		List []item `json:"user_list"`
	}{}
	for _, id := range openIDs {
		in.List = append(in.List, item{id, lang})
	}
	var r struct {
		List []UserInfo `json:"user_info_list"`
	}
	err := c.clientPost(ctx, GroupUser, "/cgi-bin/user/info/batchget", in, &r, true)
	return r.List, err
}
