package wechatmp

import (
	"context"
	"net/url"
)

// KfSession is a user's session with an agent.
type KfSession struct {
	OpenID     string `json:"openid,omitempty"`
	KfAccount  string `json:"kf_account,omitempty"` // empty when the user has no session
	CreateTime int64  `json:"createtime"`
}

type kfSessionBody struct {
	KfAccount string `json:"kf_account"`
	OpenID    string `json:"openid"`
	Text      string `json:"text,omitempty"`
}

// CreateKfSession assigns openID to the agent (POST /customservice/kfsession/create).
// WeChat answers 0 if the session exists already, so it is retried on -1.
func (c *Client) CreateKfSession(ctx context.Context, kfAccount, openID string) error {
	return c.clientPost(ctx, GroupKF, "/customservice/kfsession/create", kfSessionBody{KfAccount: kfAccount, OpenID: openID}, nil, true)
}

// CloseKfSession closes the session (POST /customservice/kfsession/close).
func (c *Client) CloseKfSession(ctx context.Context, kfAccount, openID string) error {
	return c.clientPost(ctx, GroupKF, "/customservice/kfsession/close", kfSessionBody{KfAccount: kfAccount, OpenID: openID}, nil, true)
}

// KfSessionOf returns the session of openID; its KfAccount is empty when there
// is none (GET /customservice/kfsession/getsession).
func (c *Client) KfSessionOf(ctx context.Context, openID string) (KfSession, error) {
	var s KfSession
	err := c.clientGet(ctx, GroupKF, "/customservice/kfsession/getsession", url.Values{"openid": {openID}}, &s)
	s.OpenID = openID
	return s, err
}

// KfSessions lists the sessions of an agent (GET /customservice/kfsession/getsessionlist).
func (c *Client) KfSessions(ctx context.Context, kfAccount string) ([]KfSession, error) {
	var r struct {
		List []KfSession `json:"sessionlist"`
	}
	err := c.clientGet(ctx, GroupKF, "/customservice/kfsession/getsessionlist", url.Values{"kf_account": {kfAccount}}, &r)
	for i := range r.List {
		r.List[i].KfAccount = kfAccount
	}
	return r.List, err
}

// KfWaitList is the queue of users waiting for an agent.
type KfWaitList struct {
	Count int         `json:"count"`
	List  []KfSession `json:"waitcaselist"`
}

// KfWaitCases returns the users waiting for an agent (GET /customservice/kfsession/getwaitcase).
func (c *Client) KfWaitCases(ctx context.Context) (KfWaitList, error) {
	var r KfWaitList
	err := c.clientGet(ctx, GroupKF, "/customservice/kfsession/getwaitcase", nil, &r)
	return r, err
}
