package wechatmp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

func TestNewClientConfig(t *testing.T) {
	if _, err := wechatmp.NewClient(wechatmp.Config{}); err == nil {
		t.Fatal("want error without AppID")
	}
	if _, err := wechatmp.NewClient(wechatmp.Config{AppID: "wx"}); err == nil {
		t.Fatal("want error without AppSecret or Tokens")
	}
	c, err := wechatmp.NewClient(wechatmp.Config{AppID: "wx", AppSecret: "s"})
	if err != nil || c.AppID() != "wx" || c.Window() != nil {
		t.Fatalf("%v %v", c, err)
	}
	if _, ok := c.Tokens().(*wechatmp.CachedTokenSource); !ok {
		t.Fatalf("default token source %T", c.Tokens())
	}
}

func TestCustomMessageValidate(t *testing.T) {
	bad := []wechatmp.CustomMessage{
		{Text: &wechatmp.CustomText{Content: "x"}},
		{ToUser: "u"},
		{ToUser: "u", Text: &wechatmp.CustomText{Content: "x"}, Image: &wechatmp.CustomMedia{MediaID: "m"}},
		{ToUser: "u", MsgType: "image", Text: &wechatmp.CustomText{Content: "x"}},
		{ToUser: "u", News: &wechatmp.CustomNews{Articles: make([]wechatmp.CustomNewsArticle, 2)}},
		{ToUser: "u", News: &wechatmp.CustomNews{}},
		{ToUser: "u", Text: &wechatmp.CustomText{}},
		{ToUser: "u", Image: &wechatmp.CustomMedia{}},
		{ToUser: "u", MsgMenu: &wechatmp.CustomMsgMenu{}},
	}
	for i, m := range bad {
		if err := m.Validate(); !errors.Is(err, wechatmp.ErrInvalidMessage) {
			t.Errorf("case %d: %v", i, err)
		}
	}
	m := wechatmp.CustomMessage{ToUser: "u", WXCard: &wechatmp.CustomCard{CardID: "c"}, KfAccount: "a@b"}
	if err := m.Validate(); err != nil || m.MsgType != "wxcard" || m.CustomService.KfAccount != "a@b" {
		t.Fatalf("%v %+v", err, m)
	}
}

// TestCustomSendAllTypes sends every message type through the fake platform
// and checks the JSON WeChat receives.
func TestCustomSendAllTypes(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	user := "o_all"
	msgs := []wechatmp.CustomMessage{
		{Text: &wechatmp.CustomText{Content: `see <a href="https://example.com/?a=1&b=2">here</a>`}, KfAccount: "alice@gh_mptest"},
		{Image: &wechatmp.CustomMedia{MediaID: "img"}},
		{Voice: &wechatmp.CustomMedia{MediaID: "voc"}},
		{Video: &wechatmp.CustomVideo{MediaID: "vid", ThumbMediaID: "th", Title: "t", Description: "d"}},
		{Music: &wechatmp.CustomMusic{Title: "t", MusicURL: "http://m", HQMusicURL: "http://hq", ThumbMediaID: "th"}},
		{News: &wechatmp.CustomNews{Articles: []wechatmp.CustomNewsArticle{{Title: "t", URL: "http://u", PicURL: "http://p"}}}},
		{MPNews: &wechatmp.CustomMedia{MediaID: "mp"}},
		{MPNewsArticle: &wechatmp.CustomArticle{ArticleID: "art"}},
		{MsgMenu: &wechatmp.CustomMsgMenu{HeadContent: "rate us", List: []wechatmp.CustomMsgMenuItem{{ID: "101", Content: "good"}, {ID: "102", Content: "bad"}}}},
		{WXCard: &wechatmp.CustomCard{CardID: "card"}},
		{MiniProgramPage: &wechatmp.CustomMiniProgram{Title: "t", AppID: "wxmini", PagePath: "pages/index", ThumbMediaID: "th"}},
	}
	for i := range msgs {
		srv.Clock.Advance(time.Second)
		srv.Interact(user, wechatmp.InteractionMessage) // 5 sends per message: refresh each time
		msgs[i].ToUser = user
		if err := c.SendCustom(ctx, msgs[i]); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
	sent := srv.SentTo(user)
	if len(sent) != len(msgs) {
		t.Fatalf("sent %d", len(sent))
	}
	want := []string{"text", "image", "voice", "video", "music", "news", "mpnews", "mpnewsarticle", "msgmenu", "wxcard", "miniprogrampage"}
	for i, s := range sent {
		if s.MsgType != want[i] {
			t.Errorf("%d: msgtype %q, want %q", i, s.MsgType, want[i])
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(s.Body, &raw); err != nil || raw[want[i]] == nil {
			t.Errorf("%d: body %s lacks %q", i, s.Body, want[i])
		}
	}
	if sent[0].KfAccount != "alice@gh_mptest" || !strings.Contains(string(sent[0].Body), `<a href=\"https://example.com/?a=1&b=2\">`) {
		t.Errorf("text: %+v %s", sent[0], sent[0].Body)
	}
	if sent[0].Text != `see <a href="https://example.com/?a=1&b=2">here</a>` {
		t.Errorf("text content %q", sent[0].Text)
	}
	// News with two articles is refused locally (WeChat would answer 45008).
	calls := srv.Calls("/cgi-bin/message/custom/send")
	two := wechatmp.CustomMessage{ToUser: user, News: &wechatmp.CustomNews{Articles: make([]wechatmp.CustomNewsArticle, 2)}}
	if err := c.SendCustom(ctx, two); !errors.Is(err, wechatmp.ErrInvalidMessage) {
		t.Fatalf("news with 2 articles: %v", err)
	}
	if srv.Calls("/cgi-bin/message/custom/send") != calls {
		t.Fatal("invalid news reached the platform")
	}
}

func TestTyping(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	if err := c.Typing(ctx, "o_t"); err == nil {
		t.Fatal("typing without interaction: want 45080")
	}
	srv.Interact("o_t", wechatmp.InteractionMessage)
	if err := c.Typing(ctx, "o_t"); err != nil {
		t.Fatal(err)
	}
	if err := c.CancelTyping(ctx, "o_t"); err != nil {
		t.Fatal(err)
	}
	srv.Clock.Advance(31 * time.Second)
	var ae *wechatmp.APIError
	if err := c.Typing(ctx, "o_t"); !errors.As(err, &ae) || ae.Code != 45080 {
		t.Fatalf("after 31 s: %v", err)
	}
}

func TestKfAccountsAndSessions(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	if err := c.AddKfAccount(ctx, "alice@gh_mptest", "Alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.AddKfAccount(ctx, "bob@gh_mptest", "Bob"); err != nil {
		t.Fatal(err)
	}
	if err := c.AddKfAccount(ctx, "alice@gh_mptest", "Alice"); !errors.Is(err, wechatmp.ErrCustomerService) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := c.AddKfAccount(ctx, "not valid", "X"); !errors.Is(err, wechatmp.ErrCustomerService) {
		t.Fatalf("invalid: %v", err)
	}
	if err := c.UpdateKfAccount(ctx, "bob@gh_mptest", "Bobby"); err != nil {
		t.Fatal(err)
	}
	list, err := c.KfAccounts(ctx)
	if err != nil || len(list) != 2 || list[1].Nickname != "Bobby" {
		t.Fatalf("%+v %v", list, err)
	}
	if err := c.CreateKfSession(ctx, "alice@gh_mptest", "o_1"); !errors.Is(err, wechatmp.ErrCustomerService) {
		t.Fatalf("offline agent: %v", err)
	}
	srv.SetKfOnline("alice@gh_mptest", true)
	srv.AddWaiting("o_1")
	srv.AddWaiting("o_2")
	wait, err := c.KfWaitCases(ctx)
	if err != nil || wait.Count != 2 {
		t.Fatalf("%+v %v", wait, err)
	}
	if err := c.CreateKfSession(ctx, "alice@gh_mptest", "o_1"); err != nil {
		t.Fatal(err)
	}
	online, err := c.OnlineKfAccounts(ctx)
	if err != nil || len(online) != 1 || online[0].AcceptedCase != 1 {
		t.Fatalf("%+v %v", online, err)
	}
	s, err := c.KfSessionOf(ctx, "o_1")
	if err != nil || s.KfAccount != "alice@gh_mptest" {
		t.Fatalf("%+v %v", s, err)
	}
	sessions, err := c.KfSessions(ctx, "alice@gh_mptest")
	if err != nil || len(sessions) != 1 || sessions[0].OpenID != "o_1" {
		t.Fatalf("%+v %v", sessions, err)
	}
	if wait, _ := c.KfWaitCases(ctx); wait.Count != 1 {
		t.Fatalf("wait after accept: %+v", wait)
	}
	if err := c.CloseKfSession(ctx, "alice@gh_mptest", "o_1"); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseKfSession(ctx, "alice@gh_mptest", "o_1"); !errors.Is(err, wechatmp.ErrCustomerService) {
		t.Fatalf("close twice: %v", err)
	}
	if s, _ := c.KfSessionOf(ctx, "o_1"); s.KfAccount != "" {
		t.Fatalf("session after close: %+v", s)
	}
	if err := c.DeleteKfAccount(ctx, "bob@gh_mptest"); err != nil {
		t.Fatal(err)
	}
	if list, _ := c.KfAccounts(ctx); len(list) != 1 {
		t.Fatalf("after delete: %+v", list)
	}
}

func TestKfRecords(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	srv.SetCallback(windowTestFeeder(srv.AppID(), wechatmp.NewWindow(nil, srv.Clock.Now)))
	start := srv.Clock.Now()
	if _, err := srv.User("o_r").SendText(ctx, "my parcel?"); err != nil {
		t.Fatal(err)
	}
	if err := c.SendCustom(ctx, wechatmp.CustomMessage{ToUser: "o_r", Text: &wechatmp.CustomText{Content: "on its way"}, KfAccount: "alice@gh_mptest"}); err != nil {
		t.Fatal(err)
	}
	page, err := c.KfRecords(ctx, start, start.Add(time.Hour), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Records) != 2 || page.Records[0].OperCode != 2003 || page.Records[1].Text != "on its way" || page.Records[1].Worker != "alice@gh_mptest" {
		t.Fatalf("%+v", page)
	}
	if _, err := c.KfRecords(ctx, start, start.Add(25*time.Hour), 1, 10); !errors.Is(err, wechatmp.ErrInvalidMessage) {
		t.Fatalf("25 h range: %v", err)
	}
}

func TestUsersAndTags(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	srv.User("o_a")
	srv.User("o_b")
	u, err := c.UserInfo(ctx, "o_a", "")
	if err != nil || !u.Following() || u.OpenID != "o_a" {
		t.Fatalf("%+v %v", u, err)
	}
	if u, _ := c.UserInfo(ctx, "o_stranger", ""); u.Following() {
		t.Fatalf("stranger follows: %+v", u)
	}
	infos, err := c.UserInfos(ctx, []string{"o_a", "o_b"}, "en")
	if err != nil || len(infos) != 2 || infos[1].OpenID != "o_b" {
		t.Fatalf("%+v %v", infos, err)
	}
	if _, err := c.UserInfos(ctx, nil, ""); !errors.Is(err, wechatmp.ErrInvalidMessage) {
		t.Fatal(err)
	}
	vip, err := c.CreateTag(ctx, "VIP")
	if err != nil || vip.ID == 0 || vip.Name != "VIP" {
		t.Fatalf("%+v %v", vip, err)
	}
	if _, err := c.CreateTag(ctx, strings.Repeat("x", 31)); err == nil {
		t.Fatal("want 45158")
	}
	if err := c.TagUsers(ctx, vip.ID, []string{"o_a", "o_b"}); err != nil {
		t.Fatal(err)
	}
	if err := c.UntagUsers(ctx, vip.ID, []string{"o_b"}); err != nil {
		t.Fatal(err)
	}
	ids, err := c.TagsOf(ctx, "o_a")
	if err != nil || !slices.Equal(ids, []int64{vip.ID}) {
		t.Fatalf("%v %v", ids, err)
	}
	if err := c.UpdateTag(ctx, vip.ID, "VVIP"); err != nil {
		t.Fatal(err)
	}
	tags, err := c.Tags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tags, func(t wechatmp.Tag) bool { return t.ID == vip.ID })
	if i < 0 || tags[i].Name != "VVIP" || tags[i].Count != 1 {
		t.Fatalf("%+v", tags)
	}
	if err := c.DeleteTag(ctx, vip.ID); err != nil {
		t.Fatal(err)
	}
	if ids, _ := c.TagsOf(ctx, "o_a"); len(ids) != 0 {
		t.Fatalf("tags after delete: %v", ids)
	}
	if err := c.TagUsers(ctx, 1, make([]string, 51)); !errors.Is(err, wechatmp.ErrInvalidMessage) {
		t.Fatal(err)
	}
}

func TestMediaUploadDownload(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 100)...)
	up, err := c.UploadMedia(ctx, wechatmp.MediaImage, "a.png", bytes.NewReader(png))
	if err != nil || up.MediaID == "" || up.Type != wechatmp.MediaImage {
		t.Fatalf("%+v %v", up, err)
	}
	if !up.Expires().Equal(srv.Clock.Now().Truncate(time.Second).Add(72 * time.Hour)) {
		t.Fatalf("expires %v", up.Expires())
	}
	f, err := c.DownloadMedia(ctx, up.MediaID)
	if err != nil || !bytes.Equal(f.Data, png) || f.ContentType != "image/png" || f.Filename != "a.png" {
		t.Fatalf("%+v %v", f.ContentType, err)
	}
	// The JSON error body of a download is an APIError.
	var ae *wechatmp.APIError
	if _, err := c.DownloadMedia(ctx, "nope"); !errors.As(err, &ae) || ae.Code != 40007 {
		t.Fatalf("missing media: %v", err)
	}
	// A voice the user sent, downloaded by the host.
	srv.SetCallback(windowTestFeeder(srv.AppID(), wechatmp.NewWindow(nil, nil)))
	d, err := srv.User("o_v").SendVoice(ctx, []byte("#!AMR\n voice"), "amr", "")
	if err != nil {
		t.Fatal(err)
	}
	mediaID := ""
	for _, fl := range d.Push.Fields {
		if fl.Name == "MediaId" {
			mediaID = fl.Value
		}
	}
	f, err = c.DownloadMedia(ctx, mediaID)
	if err != nil || string(f.Data) != "#!AMR\n voice" {
		t.Fatalf("%q %v", f.Data, err)
	}
	// Media expire after 3 days.
	srv.Clock.Advance(72 * time.Hour)
	if _, err := c.DownloadMedia(ctx, up.MediaID); !errors.As(err, &ae) || ae.Code != 40007 {
		t.Fatalf("expired media: %v", err)
	}
}

func TestMenuAndQuota(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{DailyQuotas: map[string]int{"/cgi-bin/menu/get": 2}})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	menu := wechatmp.Menu{Buttons: []wechatmp.MenuButton{
		{Type: "click", Name: "Help", Key: "HELP"},
		{Name: "More", SubButtons: []wechatmp.MenuButton{{Type: "view", Name: "Site", URL: "https://example.com"}, {Type: "scancode_push", Name: "Scan", Key: "SCAN"}}},
	}}
	if err := c.CreateMenu(ctx, menu); err != nil {
		t.Fatal(err)
	}
	got, raw, err := c.GetMenu(ctx)
	if err != nil || len(got.Buttons) != 2 || got.Buttons[1].SubButtons[1].Key != "SCAN" || len(raw) == 0 {
		t.Fatalf("%+v %v", got, err)
	}
	if _, _, err := c.GetMenu(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.GetMenu(ctx); !errors.Is(err, wechatmp.ErrRateLimited) {
		t.Fatalf("3rd get: %v, want 45009", err)
	}
	if err := c.ClearQuota(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.GetMenu(ctx); err != nil {
		t.Fatalf("after clear_quota: %v", err)
	}
	if err := c.DeleteMenu(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Clock.Advance(24 * time.Hour) // a new day
	if _, _, err := c.GetMenu(ctx); err == nil {
		t.Fatal("menu after delete")
	}
}

func TestRetryBusyOnIdempotentOnly(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	var mu sync.Mutex
	var slept []time.Duration
	c := clientTestNew(t, srv, func(c *wechatmp.Config) {
		c.Retry = wechatmp.RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: 250 * time.Millisecond}
		c.Sleep = func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return nil
		}
	})
	ctx := context.Background()
	srv.FailNext("/cgi-bin/user/info", -1, -1, -1)
	if _, err := c.UserInfo(ctx, "o", ""); err != nil {
		t.Fatalf("read retried: %v", err)
	}
	if !slices.Equal(slept, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 250 * time.Millisecond}) {
		t.Fatalf("backoff %v", slept)
	}
	srv.FailNext("/cgi-bin/user/info", -1, -1, -1, -1)
	if _, err := c.UserInfo(ctx, "o", ""); !errors.Is(err, wechatmp.ErrSystemBusy) {
		t.Fatalf("after 4 attempts: %v", err)
	}
	// Template sends are not retried: the message may have gone out.
	before := srv.Calls("/cgi-bin/message/template/send")
	srv.FailNext("/cgi-bin/message/template/send", -1)
	if _, err := c.SendTemplate(ctx, wechatmp.TemplateMessage{ToUser: "o", TemplateID: "T"}); !errors.Is(err, wechatmp.ErrSystemBusy) {
		t.Fatalf("template: %v", err)
	}
	if srv.Calls("/cgi-bin/message/template/send")-before != 1 {
		t.Fatal("template send retried on -1")
	}
	// A cancelled context stops the backoff.
	cctx, cancel := context.WithCancel(ctx)
	c2 := clientTestNew(t, srv, func(c *wechatmp.Config) {
		c.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	})
	srv.FailNext("/cgi-bin/user/info", -1)
	if _, err := c2.UserInfo(cctx, "o", ""); !errors.Is(err, context.Canceled) || !errors.Is(err, wechatmp.ErrSystemBusy) {
		t.Fatalf("cancelled backoff: %v", err)
	}
}

func TestRateLimitPerGroup(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, func(c *wechatmp.Config) {
		c.RateLimits = map[wechatmp.APIGroup]*rate.Limiter{wechatmp.GroupUser: rate.NewLimiter(rate.Every(time.Hour), 1)}
	})
	ctx := context.Background()
	if _, err := c.UserInfo(ctx, "o", ""); err != nil {
		t.Fatal(err)
	}
	// The second user call would wait an hour: with a short deadline it fails
	// without reaching the platform; other groups are not limited.
	before := srv.Calls("/cgi-bin/user/info")
	sctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := c.UserInfo(sctx, "o", ""); err == nil {
		t.Fatal("want a rate-limit error")
	}
	if srv.Calls("/cgi-bin/user/info") != before {
		t.Fatal("rate-limited call reached the platform")
	}
	if _, err := c.KfAccounts(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestTemplateAndSubscribeValidation(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	if _, err := c.SendTemplate(ctx, wechatmp.TemplateMessage{ToUser: "o"}); !errors.Is(err, wechatmp.ErrInvalidMessage) {
		t.Fatal(err)
	}
	if err := c.SendSubscribe(ctx, wechatmp.SubscribeMessage{TemplateID: "x"}); !errors.Is(err, wechatmp.ErrInvalidMessage) {
		t.Fatal(err)
	}
	id, err := c.SendTemplate(ctx, wechatmp.TemplateMessage{ToUser: "o", TemplateID: "T", URL: "https://example.com",
		MiniProgram: &wechatmp.MiniProgramLink{AppID: "wxmini", PagePath: "p"}, Data: map[string]wechatmp.TemplateValue{"k": {Value: "v", Color: "#000"}}})
	if err != nil || id == 0 {
		t.Fatalf("%d %v", id, err)
	}
	if s := srv.Sent(); len(s) != 1 || s[0].MsgID != id {
		t.Fatalf("%+v", s)
	}
}
