package wechatmp

import (
	"context"
	"net/url"
)

// KfAccount is a customer-service agent account (getkflist).
type KfAccount struct {
	Account  string `json:"kf_account"` // "prefix@wechat_id"
	Nickname string `json:"kf_nick"`
	ID       string `json:"kf_id"`
	HeadImg  string `json:"kf_headimgurl,omitempty"`
}

// KfOnline is an online agent (getonlinekflist).
type KfOnline struct {
	Account      string `json:"kf_account"`
	Status       int    `json:"status"` // 1 web, 2 mobile, 3 both
	ID           string `json:"kf_id"`
	AutoAccept   int    `json:"auto_accept"`
	AcceptedCase int    `json:"accepted_case"`
}

type kfAccountBody struct {
	Account  string `json:"kf_account"`
	Nickname string `json:"nickname,omitempty"`
}

// AddKfAccount adds an agent account (POST /customservice/kfaccount/add).
// account is "prefix@wechat_id" (prefix ≤ 10 letters, digits or _). It is
// not retried on -1: if the first request took effect, a retry would fail
// with 65406 (exists) and hide the success.
func (c *Client) AddKfAccount(ctx context.Context, account, nickname string) error {
	return c.clientPost(ctx, GroupKF, "/customservice/kfaccount/add", kfAccountBody{account, nickname}, nil, false)
}

// UpdateKfAccount changes an agent's nickname (POST /customservice/kfaccount/update).
func (c *Client) UpdateKfAccount(ctx context.Context, account, nickname string) error {
	return c.clientPost(ctx, GroupKF, "/customservice/kfaccount/update", kfAccountBody{account, nickname}, nil, true)
}

// DeleteKfAccount deletes an agent account (GET /customservice/kfaccount/del).
// It is retried on -1: deleting twice deletes nothing more.
func (c *Client) DeleteKfAccount(ctx context.Context, account string) error {
	return c.clientJSON(ctx, GroupKF, "GET", "/customservice/kfaccount/del", url.Values{"kf_account": {account}}, nil, nil, true)
}

// KfAccounts lists the agent accounts (GET /cgi-bin/customservice/getkflist).
func (c *Client) KfAccounts(ctx context.Context) ([]KfAccount, error) {
	var r struct {
		List []KfAccount `json:"kf_list"`
	}
	err := c.clientGet(ctx, GroupKF, "/cgi-bin/customservice/getkflist", nil, &r)
	return r.List, err
}

// OnlineKfAccounts lists the agents online (GET /cgi-bin/customservice/getonlinekflist).
func (c *Client) OnlineKfAccounts(ctx context.Context) ([]KfOnline, error) {
	var r struct {
		List []KfOnline `json:"kf_online_list"`
	}
	err := c.clientGet(ctx, GroupKF, "/cgi-bin/customservice/getonlinekflist", nil, &r)
	return r.List, err
}
