package wechatmp_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// TestRetryPolicyPerEndpoint pins, for every endpoint, whether a -1 (system
// busy) is retried: only calls whose repetition has no further effect are;
// sends, creations and clear_quota are not (see the Client doc).
func TestRetryPolicyPerEndpoint(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	now := srv.Clock.Now()
	srv.Interact("o_r", wechatmp.InteractionMessage)
	cases := []struct {
		path  string
		retry bool
		call  func() error
	}{
		{"/cgi-bin/message/custom/send", false, func() error { return c.SendText(ctx, "o_r", "x") }},
		{"/cgi-bin/message/template/send", false, func() error {
			_, err := c.SendTemplate(ctx, wechatmp.TemplateMessage{ToUser: "o_r", TemplateID: "T"})
			return err
		}},
		{"/cgi-bin/message/subscribe/bizsend", false, func() error {
			return c.SendSubscribe(ctx, wechatmp.SubscribeMessage{ToUser: "o_r", TemplateID: "S"})
		}},
		{"/customservice/kfaccount/add", false, func() error { return c.AddKfAccount(ctx, "a@gh_mptest", "A") }},
		{"/cgi-bin/tags/create", false, func() error { _, err := c.CreateTag(ctx, "VIP"); return err }},
		{"/cgi-bin/clear_quota", false, func() error { return c.ClearQuota(ctx) }},

		{"/cgi-bin/message/custom/typing", true, func() error { return c.Typing(ctx, "o_r") }},
		{"/customservice/kfaccount/update", true, func() error { return c.UpdateKfAccount(ctx, "a@gh_mptest", "B") }},
		{"/customservice/kfaccount/del", true, func() error { return c.DeleteKfAccount(ctx, "a@gh_mptest") }},
		{"/cgi-bin/customservice/getkflist", true, func() error { _, err := c.KfAccounts(ctx); return err }},
		{"/cgi-bin/customservice/getonlinekflist", true, func() error { _, err := c.OnlineKfAccounts(ctx); return err }},
		{"/customservice/kfsession/create", true, func() error { return c.CreateKfSession(ctx, "a@gh_mptest", "o_r") }},
		{"/customservice/kfsession/close", true, func() error { return c.CloseKfSession(ctx, "a@gh_mptest", "o_r") }},
		{"/customservice/kfsession/getsession", true, func() error { _, err := c.KfSessionOf(ctx, "o_r"); return err }},
		{"/customservice/kfsession/getsessionlist", true, func() error { _, err := c.KfSessions(ctx, "a@gh_mptest"); return err }},
		{"/customservice/kfsession/getwaitcase", true, func() error { _, err := c.KfWaitCases(ctx); return err }},
		{"/customservice/msgrecord/getmsglist", true, func() error {
			_, err := c.KfRecords(ctx, now, now.Add(time.Hour), 1, 10)
			return err
		}},
		{"/cgi-bin/media/upload", true, func() error {
			_, err := c.UploadMedia(ctx, wechatmp.MediaImage, "a.png", bytes.NewReader([]byte("\x89PNG\r\n\x1a\n")))
			return err
		}},
		{"/cgi-bin/media/get", true, func() error { _, err := c.DownloadMedia(ctx, "m"); return err }},
		{"/cgi-bin/user/info", true, func() error { _, err := c.UserInfo(ctx, "o_r", ""); return err }},
		{"/cgi-bin/user/info/batchget", true, func() error { _, err := c.UserInfos(ctx, []string{"o_r"}, ""); return err }},
		{"/cgi-bin/tags/get", true, func() error { _, err := c.Tags(ctx); return err }},
		{"/cgi-bin/tags/update", true, func() error { return c.UpdateTag(ctx, 100, "VVIP") }},
		{"/cgi-bin/tags/delete", true, func() error { return c.DeleteTag(ctx, 100) }},
		{"/cgi-bin/tags/members/batchtagging", true, func() error { return c.TagUsers(ctx, 100, []string{"o_r"}) }},
		{"/cgi-bin/tags/members/batchuntagging", true, func() error { return c.UntagUsers(ctx, 100, []string{"o_r"}) }},
		{"/cgi-bin/tags/getidlist", true, func() error { _, err := c.TagsOf(ctx, "o_r"); return err }},
		{"/cgi-bin/menu/create", true, func() error {
			return c.CreateMenu(ctx, wechatmp.Menu{Buttons: []wechatmp.MenuButton{{Type: "click", Name: "Help", Key: "HELP"}}})
		}},
		{"/cgi-bin/menu/get", true, func() error { _, _, err := c.GetMenu(ctx); return err }},
		{"/cgi-bin/menu/delete", true, func() error { return c.DeleteMenu(ctx) }},
	}
	for _, tc := range cases {
		srv.FailNext(tc.path, -1)
		before := srv.Calls(tc.path)
		err := tc.call()
		calls := srv.Calls(tc.path) - before
		if tc.retry {
			if calls != 2 || errors.Is(err, wechatmp.ErrSystemBusy) {
				t.Errorf("%s: %d calls, err %v; want a retry after -1", tc.path, calls, err)
			}
			continue
		}
		if calls != 1 || !errors.Is(err, wechatmp.ErrSystemBusy) {
			t.Errorf("%s: %d calls, err %v; want one call and ErrSystemBusy", tc.path, calls, err)
		}
	}
}
