package mptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// ReplyDeadline is how long WeChat waits for the host's answer to a push
// before it retries (up to MaxRetries times).
const ReplyDeadline = 5 * time.Second

// MaxRetries is how many times WeChat re-sends a push the host answered late.
const MaxRetries = 3

// ErrBadReply: the host answered a push with something WeChat cannot use
// (an unencrypted reply in secure mode, a wrong signature, a reply to the
// wrong user, ...): the user sees "该公众号暂时无法提供服务，请稍后再试".
var ErrBadReply = errors.New("mptest: bad reply")

// ErrNoCallback: the server has neither a callback handler nor a URL.
var ErrNoCallback = errors.New("mptest: no callback handler or URL")

// User is a simulated WeChat user of the fake platform. It sends correctly
// signed (and, in compatible or secure mode, encrypted) pushes to the host's
// callback and behaves like WeChat when the host answers late: a push not
// answered within ReplyDeadline of fake-clock time (or Config.RealTimeout of
// real time) is re-sent, up to MaxRetries times. Each push also updates the
// platform's own state: the customer-service window it opens, follows and
// unfollows, the media it carries. A User is safe for concurrent use.
type User struct {
	s      *Server
	OpenID string
}

// User returns the simulated user openID, a follower of the account.
func (s *Server) User(openID string) *User {
	s.mu.Lock()
	s.user(openID)
	s.mu.Unlock()
	return &User{s: s, OpenID: openID}
}

// Delivery is the outcome of one push.
type Delivery struct {
	Push     Push   // as sent, with CreateTime and MsgID filled in
	Body     []byte // the plaintext body of the push
	Attempts int    // requests sent: 1 + retries
	Late     int    // attempts the host answered late (or not at all)
	Failed   bool   // every attempt was late: the user saw "该公众号暂时无法提供服务"
	Status   int    // HTTP status of the answered attempt
	// Answer is the raw body of the answered attempt; ReplyBody the
	// plaintext reply in it (decrypted if encrypted), nil for "" or "success".
	Answer, ReplyBody []byte
	// ReplyErr wraps ErrBadReply when the answer was unusable.
	ReplyErr error
}

// Reply parses the passive reply; ok is false when there is none.
func (d *Delivery) Reply() (r Reply, ok bool, err error) {
	if d.ReplyErr != nil {
		return Reply{}, false, d.ReplyErr
	}
	if d.ReplyBody == nil {
		return Reply{}, false, nil
	}
	if err := decodeEither(d.ReplyBody, &r); err != nil {
		return Reply{}, false, fmt.Errorf("%w: %v", ErrBadReply, err)
	}
	return r, true, nil
}

// SendText sends a text message.
func (u *User) SendText(ctx context.Context, content string) (*Delivery, error) {
	return u.Push(ctx, Push{MsgType: wechatmp.MsgTypeText, Fields: []Field{{"Content", content}}})
}

// SendImage sends an image: data is stored as media on the platform, so the
// host can download it with the pushed MediaId.
func (u *User) SendImage(ctx context.Context, data []byte) (*Delivery, error) {
	id := u.s.AddMedia("image", http.DetectContentType(data), "image.jpg", data)
	return u.Push(ctx, Push{MsgType: wechatmp.MsgTypeImage, Fields: []Field{{"PicUrl", "http://mmbiz.qpic.cn/mptest/" + id}, {"MediaId", id}}})
}

// SendVoice sends a voice message of format "amr" or "speex" (data stored as
// media); recognition, if not empty, is the speech-recognition text.
func (u *User) SendVoice(ctx context.Context, data []byte, format, recognition string) (*Delivery, error) {
	if format == "" {
		format = "amr"
	}
	id := u.s.AddMedia("voice", "audio/"+format, "voice."+format, data)
	f := []Field{{"MediaId", id}, {"Format", format}}
	if recognition != "" {
		f = append(f, Field{"Recognition", recognition})
	}
	return u.Push(ctx, Push{MsgType: wechatmp.MsgTypeVoice, Fields: f})
}

// SendVideo sends a video (or, with short, a short video) message.
func (u *User) SendVideo(ctx context.Context, data, thumb []byte, short bool) (*Delivery, error) {
	id := u.s.AddMedia("video", "video/mp4", "video.mp4", data)
	tid := u.s.AddMedia("thumb", "image/jpeg", "thumb.jpg", thumb)
	t := wechatmp.MsgTypeVideo
	if short {
		t = wechatmp.MsgTypeShortVideo
	}
	return u.Push(ctx, Push{MsgType: t, Fields: []Field{{"MediaId", id}, {"ThumbMediaId", tid}}})
}

// SendLocation sends a location message.
func (u *User) SendLocation(ctx context.Context, lat, lng float64, scale int, label string) (*Delivery, error) {
	return u.Push(ctx, Push{MsgType: wechatmp.MsgTypeLocation, Fields: []Field{
		{"Location_X", strconv.FormatFloat(lat, 'f', -1, 64)}, {"Location_Y", strconv.FormatFloat(lng, 'f', -1, 64)},
		{"Scale", strconv.Itoa(scale)}, {"Label", label}}})
}

// SendLink sends a link message.
func (u *User) SendLink(ctx context.Context, title, description, link string) (*Delivery, error) {
	return u.Push(ctx, Push{MsgType: wechatmp.MsgTypeLink, Fields: []Field{{"Title", title}, {"Description", description}, {"Url", link}}})
}

// Event sends an event with its own fields.
func (u *User) Event(ctx context.Context, event wechatmp.EventType, fields ...Field) (*Delivery, error) {
	return u.Push(ctx, Push{MsgType: wechatmp.MsgTypeEvent, Event: event, Fields: fields})
}

// Follow follows the account (subscribe; with scene, through a parametric
// QR code: EventKey qrscene_<scene> and a Ticket).
func (u *User) Follow(ctx context.Context, scene string) (*Delivery, error) {
	if scene == "" {
		return u.Event(ctx, wechatmp.EventSubscribe, Field{"EventKey", ""})
	}
	return u.Event(ctx, wechatmp.EventSubscribe, Field{"EventKey", "qrscene_" + scene}, Field{"Ticket", "TICKET_" + scene})
}

// Unfollow unfollows the account.
func (u *User) Unfollow(ctx context.Context) (*Delivery, error) {
	return u.Event(ctx, wechatmp.EventUnsubscribe, Field{"EventKey", ""})
}

// Scan scans a parametric QR code as a follower (SCAN).
func (u *User) Scan(ctx context.Context, scene string) (*Delivery, error) {
	return u.Event(ctx, wechatmp.EventScan, Field{"EventKey", scene}, Field{"Ticket", "TICKET_" + scene})
}

// Click taps a CLICK menu button.
func (u *User) Click(ctx context.Context, key string) (*Delivery, error) {
	return u.Event(ctx, wechatmp.EventClick, Field{"EventKey", key})
}

// View taps a VIEW menu button (opens no window).
func (u *User) View(ctx context.Context, link string) (*Delivery, error) {
	return u.Event(ctx, wechatmp.EventView, Field{"EventKey", link}, Field{"MenuId", "1"})
}

// ScancodePush taps a scancode_push (or, with wait, scancode_waitmsg) button
// and scans result.
func (u *User) ScancodePush(ctx context.Context, key, result string, wait bool) (*Delivery, error) {
	ev := wechatmp.EventScancodePush
	if wait {
		ev = wechatmp.EventScancodeWaitMsg
	}
	return u.Event(ctx, ev, Field{"EventKey", key}, Field{"ScanCodeInfo/ScanType", "qrcode"}, Field{"ScanCodeInfo/ScanResult", result})
}

// Push sends any message or event.
func (u *User) Push(ctx context.Context, p Push) (*Delivery, error) {
	s := u.s
	s.mu.Lock()
	if p.CreateTime.IsZero() {
		p.CreateTime = s.Clock.Now()
	}
	if p.MsgType != wechatmp.MsgTypeEvent && p.MsgID == 0 {
		s.nextMsgID++
		p.MsgID = s.nextMsgID
	}
	usr := s.user(u.OpenID)
	switch {
	case p.MsgType == wechatmp.MsgTypeEvent && p.Event == wechatmp.EventSubscribe:
		usr.followed, usr.subscribeTime = true, p.CreateTime
	case p.MsgType == wechatmp.MsgTypeEvent && p.Event == wechatmp.EventUnsubscribe:
		usr.followed = false
		delete(s.windows, u.OpenID)
	}
	s.interact(u.OpenID, wechatmp.InteractionOf(p.MsgType, p.Event), p.CreateTime)
	if p.MsgType != wechatmp.MsgTypeEvent {
		s.records = append(s.records, wechatmp.KfRecord{OpenID: u.OpenID, OperCode: 2003, Text: pushText(p), Time: p.CreateTime.Unix()})
	}
	h, target := s.callback, s.callbackURL
	s.mu.Unlock()
	if h == nil && target == "" {
		return nil, ErrNoCallback
	}
	fields := pushHeader(p, s.cfg.OriginalID, u.OpenID)
	d := &Delivery{Push: p}
	req, err := s.buildRequest(fields, p, u.OpenID, d)
	if err != nil {
		return nil, err
	}
	for d.Attempts < 1+MaxRetries {
		d.Attempts++
		status, answer, late, err := s.attempt(ctx, h, target, req)
		if err != nil {
			return d, err
		}
		if late {
			d.Late++
			continue
		}
		d.Status, d.Answer = status, answer
		d.ReplyBody, d.ReplyErr = s.readReply(answer, status, u.OpenID)
		return d, nil
	}
	d.Failed = true
	return d, nil
}

func pushText(p Push) string {
	for _, f := range p.Fields {
		if f.Name == "Content" {
			return f.Value
		}
	}
	return "[" + string(p.MsgType) + "]"
}

// pushRequest is a signed push, re-sent unchanged on retries.
type pushRequest struct {
	query       string
	body        []byte
	contentType string
}

func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

func (s *Server) buildRequest(fields []Field, p Push, openID string, d *Delivery) (pushRequest, error) {
	ts := strconv.FormatInt(p.CreateTime.Unix(), 10)
	nonce := randomDigits(9)
	q := url.Values{"signature": {wechatmp.Signature(s.cfg.Token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}, "openid": {openID}}
	render, ct := pushXML, "text/xml"
	if s.cfg.JSON {
		render, ct = pushJSON, "application/json"
	}
	plain := render(fields)
	d.Body = plain
	body := plain
	if s.cfg.Mode != ModePlaintext {
		enc, msgSig, err := s.crypter.Encrypt(plain, ts, nonce, 0)
		if err != nil {
			return pushRequest{}, fmt.Errorf("mptest: encrypt push: %w", err)
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", msgSig)
		env := []Field{{"ToUserName", s.cfg.OriginalID}, {"Encrypt", enc}}
		if s.cfg.Mode == ModeCompatible {
			env = append(fields[:len(fields):len(fields)], Field{"Encrypt", enc})
		}
		body = render(env)
	}
	return pushRequest{query: q.Encode(), body: body, contentType: ct}, nil
}

// attempt sends one request; late reports an answer after the deadline, in
// which case the clock shows at least ReplyDeadline after the attempt began
// (WeChat waited that long before re-sending).
func (s *Server) attempt(ctx context.Context, h http.Handler, target string, pr pushRequest) (status int, answer []byte, late bool, err error) {
	start := s.Clock.Now()
	defer func() {
		if late {
			s.Clock.advanceTo(start.Add(ReplyDeadline))
		}
	}()
	rctx, cancel := context.WithTimeout(ctx, s.cfg.RealTimeout)
	defer cancel()
	if h != nil {
		req := httptest.NewRequestWithContext(rctx, http.MethodPost, "/?"+pr.query, bytes.NewReader(pr.body))
		req.Header.Set("Content-Type", pr.contentType)
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			h.ServeHTTP(rec, req)
		}()
		select {
		case <-done:
		case <-rctx.Done():
			if ctx.Err() != nil {
				return 0, nil, false, ctx.Err()
			}
			return 0, nil, true, nil // abandoned: the handler keeps its own recorder
		}
		if s.Clock.Now().Sub(start) > ReplyDeadline {
			return 0, nil, true, nil
		}
		return rec.Code, rec.Body.Bytes(), false, nil
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, target+sep+pr.query, bytes.NewReader(pr.body))
	if err != nil {
		return 0, nil, false, err
	}
	req.Header.Set("Content-Type", pr.contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, false, ctx.Err()
		}
		return 0, nil, true, nil // timeout or connection failure: WeChat retries
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || s.Clock.Now().Sub(start) > ReplyDeadline {
		return 0, nil, true, nil
	}
	return resp.StatusCode, body, false, nil
}

// readReply checks the host's answer as WeChat would and returns the
// plaintext reply (nil for "" and "success").
func (s *Server) readReply(answer []byte, status int, openID string) ([]byte, error) {
	if status != http.StatusOK {
		return nil, fmt.Errorf("%w: http status %d", ErrBadReply, status)
	}
	t := bytes.TrimSpace(answer)
	if len(t) == 0 || string(t) == "success" {
		return nil, nil
	}
	var env struct {
		replyEnvelope
		Reply
	}
	if err := decodeEither(t, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadReply, err)
	}
	plain := t
	switch {
	case env.Encrypt != "":
		if s.cfg.Mode == ModePlaintext {
			return nil, fmt.Errorf("%w: encrypted reply in plaintext mode", ErrBadReply)
		}
		p, _, err := s.crypter.Decrypt(env.MsgSignature, string(env.TimeStamp), env.Nonce, env.Encrypt)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadReply, err)
		}
		plain = p
	case s.cfg.Mode == ModeSecure:
		return nil, fmt.Errorf("%w: unencrypted reply in secure mode", ErrBadReply)
	}
	var r Reply
	if err := decodeEither(plain, &r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadReply, err)
	}
	if r.ToUserName != openID || r.FromUserName != s.cfg.OriginalID || r.MsgType == "" {
		return nil, fmt.Errorf("%w: reply to %q from %q (type %q)", ErrBadReply, r.ToUserName, r.FromUserName, r.MsgType)
	}
	return plain, nil
}
