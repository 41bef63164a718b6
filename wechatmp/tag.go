package wechatmp

import (
	"context"
	"fmt"
)

// Tag is a user tag of the account.
type Tag struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count,omitempty"` // followers with the tag
}

// CreateTag creates a tag (name ≤ 30 bytes; ≤ 100 tags per account) and
// returns it with its id (POST /cgi-bin/tags/create). Not retried on -1.
func (c *Client) CreateTag(ctx context.Context, name string) (Tag, error) {
	in := map[string]map[string]string{"tag": {"name": name}}
	var r struct {
		Tag Tag `json:"tag"`
	}
	err := c.clientPost(ctx, GroupUser, "/cgi-bin/tags/create", in, &r, false)
	return r.Tag, err
}

// Tags lists the tags (GET /cgi-bin/tags/get).
func (c *Client) Tags(ctx context.Context) ([]Tag, error) {
	var r struct {
		Tags []Tag `json:"tags"`
	}
	err := c.clientGet(ctx, GroupUser, "/cgi-bin/tags/get", nil, &r)
	return r.Tags, err
}

// UpdateTag renames a tag (POST /cgi-bin/tags/update).
func (c *Client) UpdateTag(ctx context.Context, id int64, name string) error {
	in := map[string]Tag{"tag": {ID: id, Name: name}}
	return c.clientPost(ctx, GroupUser, "/cgi-bin/tags/update", in, nil, true)
}

// DeleteTag deletes a tag (POST /cgi-bin/tags/delete).
func (c *Client) DeleteTag(ctx context.Context, id int64) error {
	in := map[string]map[string]int64{"tag": {"id": id}}
	return c.clientPost(ctx, GroupUser, "/cgi-bin/tags/delete", in, nil, true)
}

type tagMembers struct {
	OpenIDs []string `json:"openid_list"`
	TagID   int64    `json:"tagid"`
}

// TagUsers adds the tag to up to 50 users (POST /cgi-bin/tags/members/batchtagging).
func (c *Client) TagUsers(ctx context.Context, tagID int64, openIDs []string) error {
	if err := tagCheckBatch(openIDs); err != nil {
		return err
	}
	return c.clientPost(ctx, GroupUser, "/cgi-bin/tags/members/batchtagging", tagMembers{openIDs, tagID}, nil, true)
}

// UntagUsers removes the tag from up to 50 users (POST /cgi-bin/tags/members/batchuntagging).
func (c *Client) UntagUsers(ctx context.Context, tagID int64, openIDs []string) error {
	if err := tagCheckBatch(openIDs); err != nil {
		return err
	}
	return c.clientPost(ctx, GroupUser, "/cgi-bin/tags/members/batchuntagging", tagMembers{openIDs, tagID}, nil, true)
}

// TagsOf returns the tag ids of a user (POST /cgi-bin/tags/getidlist).
func (c *Client) TagsOf(ctx context.Context, openID string) ([]int64, error) {
	var r struct {
		IDs []int64 `json:"tagid_list"`
	}
	err := c.clientPost(ctx, GroupUser, "/cgi-bin/tags/getidlist", map[string]string{"openid": openID}, &r, true)
	return r.IDs, err
}

func tagCheckBatch(openIDs []string) error {
	if len(openIDs) == 0 || len(openIDs) > 50 {
		return fmt.Errorf("%w: tag batches take 1 to 50 openids, got %d", ErrInvalidMessage, len(openIDs))
	}
	return nil
}
