package mptest_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

type envelope struct {
	ToUserName string
	Encrypt    string
}

// echoHandler is a host callback for these tests: it verifies the URL
// signature (and msg_signature), decrypts, and answers a text reply echoing
// the message type, encrypted when the push was.
func echoHandler(t *testing.T, srv *mptest.Server, bodies chan<- []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		ts, nonce := q.Get("timestamp"), q.Get("nonce")
		if err := wechatmp.VerifySignature(srv.Token(), ts, nonce, q.Get("signature")); err != nil {
			t.Errorf("signature: %v", err)
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		body, _ := io.ReadAll(r.Body)
		plain := body
		encrypted := q.Get("encrypt_type") == "aes"
		if encrypted {
			var env envelope
			if strings.HasPrefix(string(body), "{") {
				_ = json.Unmarshal(body, &env)
			} else {
				_ = xml.Unmarshal(body, &env)
			}
			p, _, err := srv.Crypter().Decrypt(q.Get("msg_signature"), ts, nonce, env.Encrypt)
			if err != nil {
				t.Errorf("decrypt: %v", err)
				http.Error(w, "bad", 400)
				return
			}
			plain = p
		}
		if bodies != nil {
			bodies <- plain
		}
		var m struct {
			FromUserName, ToUserName, MsgType, Content string
		}
		if strings.HasPrefix(string(plain), "{") {
			_ = json.Unmarshal(plain, &m)
		} else {
			_ = xml.Unmarshal(plain, &m)
		}
		reply := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[got %s %s]]></Content></xml>",
			m.FromUserName, m.ToUserName, m.MsgType, strings.ReplaceAll(m.Content, "]]>", "]]]]><![CDATA[>"))
		if !encrypted {
			_, _ = io.WriteString(w, reply)
			return
		}
		enc, sig, err := srv.Crypter().Encrypt([]byte(reply), "1700000000", nonce, 0)
		if err != nil {
			t.Error(err)
		}
		fmt.Fprintf(w, "<xml><Encrypt><![CDATA[%s]]></Encrypt><MsgSignature><![CDATA[%s]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[%s]]></Nonce></xml>", enc, sig, nonce)
	})
}

func TestUserModes(t *testing.T) {
	for _, mode := range []mptest.Mode{mptest.ModePlaintext, mptest.ModeCompatible, mptest.ModeSecure} {
		for _, js := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/json=%v", mode, js), func(t *testing.T) {
				srv := mptest.NewServer(mptest.Config{Mode: mode, JSON: js})
				defer srv.Close()
				bodies := make(chan []byte, 1)
				srv.SetCallback(echoHandler(t, srv, bodies))
				d, err := srv.User("o_u").SendText(context.Background(), "hello <world> ]]> & more")
				if err != nil {
					t.Fatal(err)
				}
				plain := <-bodies
				if string(plain) != string(d.Body) {
					t.Fatalf("host got %s, user sent %s", plain, d.Body)
				}
				var m struct {
					ToUserName, FromUserName, MsgType, Content string
					CreateTime, MsgId                          int64
				}
				if js {
					err = json.Unmarshal(plain, &m)
				} else {
					err = xml.Unmarshal(plain, &m)
				}
				if err != nil || m.Content != "hello <world> ]]> & more" || m.ToUserName != srv.OriginalID() || m.FromUserName != "o_u" ||
					m.MsgType != "text" || m.MsgId == 0 || m.CreateTime != srv.Clock.Now().Unix() {
					t.Fatalf("%+v %v\n%s", m, err, plain)
				}
				r, ok, err := d.Reply()
				if err != nil || !ok || r.Content != "got text hello <world> ]]> & more" || d.Attempts != 1 || d.Failed {
					t.Fatalf("reply %+v %v %v; attempts %d", r, ok, err, d.Attempts)
				}
			})
		}
	}
}

func TestUserSecureModeRejectsPlainReply(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{Mode: mptest.ModeSecure})
	defer srv.Close()
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "<xml><ToUserName><![CDATA[o_u]]></ToUserName><FromUserName><![CDATA[gh_mptest]]></FromUserName><MsgType><![CDATA[text]]></MsgType><Content>x</Content></xml>")
	}))
	d, err := srv.User("o_u").SendText(context.Background(), "hi")
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(d.ReplyErr, mptest.ErrBadReply) {
		t.Fatalf("ReplyErr = %v", d.ReplyErr)
	}
	// "success" is always fine.
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "success") }))
	d, _ = srv.User("o_u").SendText(context.Background(), "hi")
	if _, ok, err := d.Reply(); ok || err != nil {
		t.Fatalf("success: %v %v", ok, err)
	}
}

func TestUserRetriesLateHost(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	var calls atomic.Int32
	var msgIDs []string
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		var m struct{ MsgId string }
		_ = xml.Unmarshal(b, &m)
		msgIDs = append(msgIDs, m.MsgId)
		if n <= 2 {
			srv.Clock.Advance(6 * time.Second) // the host takes 6 s: late
		}
		_, _ = io.WriteString(w, "success")
	}))
	d, err := srv.User("o_u").SendText(context.Background(), "hi")
	if err != nil {
		t.Fatal(err)
	}
	if d.Attempts != 3 || d.Late != 2 || d.Failed || d.Status != 200 {
		t.Fatalf("%+v", d)
	}
	if msgIDs[0] != msgIDs[1] || msgIDs[1] != msgIDs[2] || msgIDs[0] == "" {
		t.Fatalf("retries changed the MsgId: %v", msgIDs)
	}
	// Always late: 1 try + 3 retries, then the user sees the failure notice.
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.Clock.Advance(5*time.Second + time.Millisecond) }))
	d, err = srv.User("o_u").SendText(context.Background(), "hi")
	if err != nil || d.Attempts != 4 || d.Late != 4 || !d.Failed {
		t.Fatalf("%+v %v", d, err)
	}
	// Exactly 5 s is in time.
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.Clock.Advance(5 * time.Second) }))
	if d, _ := srv.User("o_u").SendText(context.Background(), "hi"); d.Attempts != 1 {
		t.Fatalf("%+v", d)
	}
}

func TestUserRealTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := mptest.NewServer(mptest.Config{RealTimeout: 20 * time.Millisecond})
	defer srv.Close()
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	start := srv.Clock.Now()
	d, err := srv.User("o_u").SendText(context.Background(), "hi")
	if err != nil || !d.Failed || d.Attempts != 4 {
		t.Fatalf("%+v %v", d, err)
	}
	// WeChat waited 5 s for each of the 4 attempts.
	if got := srv.Clock.Now().Sub(start); got != 4*mptest.ReplyDeadline {
		t.Fatalf("clock moved %v, want %v", got, 4*mptest.ReplyDeadline)
	}
}

func TestUserOverHTTP(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{Mode: mptest.ModeSecure})
	defer srv.Close()
	host := httptest.NewServer(echoHandler(t, srv, nil))
	defer host.Close()
	srv.SetCallbackURL(host.URL + "/wechat")
	d, err := srv.User("o_h").Click(context.Background(), "MENU_HELP")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok, err := d.Reply(); err != nil || !ok || r.Content != "got event " {
		t.Fatalf("%+v %v %v", r, ok, err)
	}
	if s := srv.WindowOf("o_h"); s.Left != 3 || s.Kind != wechatmp.InteractionMenu {
		t.Fatalf("window after click: %+v", s)
	}
}

func TestUserEventsAndPlatformState(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	bodies := make(chan []byte, 16)
	srv.SetCallback(echoHandler(t, srv, bodies))
	ctx := context.Background()
	u := srv.User("o_e")
	steps := []struct {
		do   func() (*mptest.Delivery, error)
		want []string // fragments of the XML body
		win  wechatmp.Interaction
	}{
		{func() (*mptest.Delivery, error) { return u.Follow(ctx, "1234") }, []string{"<Event><![CDATA[subscribe]]></Event>", "<EventKey><![CDATA[qrscene_1234]]></EventKey>", "<Ticket>"}, wechatmp.InteractionFollow},
		{func() (*mptest.Delivery, error) { return u.Scan(ctx, "scene_x") }, []string{"<Event><![CDATA[SCAN]]></Event>"}, wechatmp.InteractionScan},
		{func() (*mptest.Delivery, error) { return u.ScancodePush(ctx, "K", "https://x", true) }, []string{"<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[https://x]]></ScanResult></ScanCodeInfo>"}, wechatmp.InteractionMenu},
		{func() (*mptest.Delivery, error) { return u.View(ctx, "https://x") }, []string{"<Event><![CDATA[VIEW]]></Event>"}, wechatmp.InteractionMenu},
		{func() (*mptest.Delivery, error) { return u.SendLocation(ctx, 23.13, 113.26, 15, "Guangzhou") }, []string{"<Location_X>23.13</Location_X>", "<Scale>15</Scale>", "<MsgId>"}, wechatmp.InteractionMessage},
		{func() (*mptest.Delivery, error) { return u.SendLink(ctx, "T", "D", "https://l") }, []string{"<Url><![CDATA[https://l]]></Url>"}, wechatmp.InteractionMessage},
		{func() (*mptest.Delivery, error) { return u.SendImage(ctx, []byte("\xff\xd8\xff jpeg")) }, []string{"<PicUrl>", "<MediaId><![CDATA[MEDIA_image_"}, wechatmp.InteractionMessage},
		{func() (*mptest.Delivery, error) { return u.SendVideo(ctx, []byte("mp4"), []byte("jpg"), true) }, []string{"<MsgType><![CDATA[shortvideo]]></MsgType>", "<ThumbMediaId>"}, wechatmp.InteractionMessage},
		{func() (*mptest.Delivery, error) {
			return u.Event(ctx, wechatmp.EventPicSysPhoto, mptest.Field{Name: "EventKey", Value: "P"}, mptest.Field{Name: "SendPicsInfo/Count", Value: "2"},
				mptest.Field{Name: "SendPicsInfo/PicList/item/PicMd5Sum", Value: "aaa"}, mptest.Field{Name: "SendPicsInfo/PicList/item/PicMd5Sum", Value: "bbb"})
		}, []string{"<SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[aaa]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[bbb]]></PicMd5Sum></item></PicList></SendPicsInfo>"}, wechatmp.InteractionMessage},
	}
	for i, s := range steps {
		srv.Clock.Advance(time.Second)
		if _, err := s.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		body := string(<-bodies)
		for _, w := range s.want {
			if !strings.Contains(body, w) {
				t.Errorf("step %d: body lacks %q:\n%s", i, w, body)
			}
		}
		if got := srv.WindowOf("o_e").Kind; got != s.win {
			t.Errorf("step %d: window kind %v, want %v", i, got, s.win)
		}
	}
	if _, err := u.Unfollow(ctx); err != nil {
		t.Fatal(err)
	}
	<-bodies
	if srv.WindowOf("o_e").Open {
		t.Fatal("window open after unfollow")
	}
}

func TestNoCallback(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	if _, err := srv.User("o").SendText(context.Background(), "x"); !errors.Is(err, mptest.ErrNoCallback) {
		t.Fatal(err)
	}
}
