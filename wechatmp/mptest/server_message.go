package mptest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// Sent is a message the platform accepted for delivery to a user.
type Sent struct {
	API        string // "custom", "template" or "subscribe"
	ToUser     string
	MsgType    string // custom: the msgtype; template and subscribe: ""
	Text       string // custom text: the content
	KfAccount  string // custom: the agent it appears from
	TemplateID string // template and subscribe
	MsgID      int64  // template: the msgid returned
	Body       json.RawMessage
	At         time.Time
}

// Sent returns every message sent so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the messages sent to openID, in order.
func (s *Server) SentTo(openID string) []Sent {
	var out []Sent
	for _, m := range s.Sent() {
		if m.ToUser == openID {
			out = append(out, m)
		}
	}
	return out
}

// Interact records a window-opening interaction of openID at the clock's time
// without delivering a push (the simulated User records its pushes itself).
// It also counts as the recent interaction that typing needs;
// InteractionNone changes nothing.
func (s *Server) Interact(openID string, kind wechatmp.Interaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interact(openID, kind, s.Clock.Now())
}

func (s *Server) interact(openID string, kind wechatmp.Interaction, at time.Time) {
	u := s.user(openID)
	if kind == wechatmp.InteractionNone {
		return // not a message interaction: typing still needs one (45080)
	}
	u.lastAction = at
	var cur wechatmp.WindowState
	if w, ok := s.windows[openID]; ok {
		cur = w.state
	}
	s.windows[openID] = &fakeWindow{state: cur.Refresh(wechatmp.OpenWindow(kind, at))}
}

// WindowOf returns the platform's view of the window of openID at the clock's time.
func (s *Server) WindowOf(openID string) wechatmp.WindowStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st wechatmp.WindowState
	if w, ok := s.windows[openID]; ok {
		st = w.state
	}
	return st.Status(s.Clock.Now())
}

// AllowSubscription lets the platform deliver n subscription messages of
// templateID to openID (the user's opt-in); beyond them bizsend answers 43101.
func (s *Server) AllowSubscription(openID, templateID string, n int) {
	s.mu.Lock()
	s.subscriptions[openID+"|"+templateID] += n
	s.mu.Unlock()
}

// typingDuration is how long a typing status is shown; it may not be sent
// again meanwhile (45081).
const typingDuration = 15 * time.Second

var customTypes = map[string]bool{"text": true, "image": true, "voice": true, "video": true, "music": true, "news": true,
	"mpnews": true, "mpnewsarticle": true, "msgmenu": true, "wxcard": true, "miniprogrampage": true}

func (s *Server) messageRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST", "/cgi-bin/message/custom/send", authAccess, func(a *apiRequest) (any, *apiError) {
		var m wechatmp.CustomMessage
		if e := a.decode(&m); e != nil {
			return nil, e
		}
		if !customTypes[m.MsgType] {
			return nil, errf(40008, "invalid message type")
		}
		if m.ToUser == "" {
			return nil, errf(40003, "invalid openid")
		}
		if m.News != nil && len(m.News.Articles) > 1 {
			return nil, errf(45008, "article size out of limit")
		}
		if u, ok := s.users[m.ToUser]; ok && !u.followed {
			return nil, errf(43004, "require subscribe")
		}
		w, ok := s.windows[m.ToUser]
		if !ok || !w.state.IsOpen(a.now) {
			return nil, errf(45015, "response out of time limit or subscription is canceled")
		}
		if w.state.Used >= w.state.Quota {
			return nil, errf(45047, "out of response count limit")
		}
		w.state.Used++
		if u, ok := s.users[m.ToUser]; ok {
			u.typingUntil = time.Time{} // a message ends the typing status
		}
		sent := Sent{API: "custom", ToUser: m.ToUser, MsgType: m.MsgType, Body: append(json.RawMessage(nil), a.body...), At: a.now}
		if m.Text != nil {
			sent.Text = m.Text.Content
		}
		if m.CustomService != nil {
			sent.KfAccount = m.CustomService.KfAccount
		}
		s.sent = append(s.sent, sent)
		text := sent.Text
		if text == "" {
			text = "[" + m.MsgType + "]"
		}
		s.records = append(s.records, wechatmp.KfRecord{OpenID: m.ToUser, OperCode: 2002, Text: text, Time: a.now.Unix(), Worker: sent.KfAccount})
		return nil, nil
	})
	s.handle(mux, "POST", "/cgi-bin/message/custom/typing", authAccess, func(a *apiRequest) (any, *apiError) {
		var in struct {
			ToUser  string `json:"touser"`
			Command string `json:"command"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if in.Command != "Typing" && in.Command != "CancelTyping" {
			return nil, errf(45072, "command invalid")
		}
		u, ok := s.users[in.ToUser]
		if !ok || a.now.Sub(u.lastAction) > 30*time.Second {
			return nil, errf(45080, "no interaction in the last 30 seconds")
		}
		if in.Command == "CancelTyping" {
			u.typingUntil = time.Time{}
			return nil, nil
		}
		if a.now.Before(u.typingUntil) {
			return nil, errf(45081, "already typing")
		}
		u.typingUntil = a.now.Add(typingDuration)
		return nil, nil
	})
	s.handle(mux, "POST", "/cgi-bin/message/template/send", authAccess, func(a *apiRequest) (any, *apiError) {
		var m wechatmp.TemplateMessage
		if e := a.decode(&m); e != nil {
			return nil, e
		}
		if m.TemplateID == "" {
			return nil, errf(40037, "invalid template_id")
		}
		if u, ok := s.users[m.ToUser]; m.ToUser == "" || (ok && !u.followed) {
			return nil, errf(43004, "require subscribe")
		}
		s.nextMsgID++
		s.sent = append(s.sent, Sent{API: "template", ToUser: m.ToUser, TemplateID: m.TemplateID, MsgID: s.nextMsgID,
			Body: append(json.RawMessage(nil), a.body...), At: a.now})
		return okReply(map[string]any{"msgid": s.nextMsgID}), nil
	})
	s.handle(mux, "POST", "/cgi-bin/message/subscribe/bizsend", authAccess, func(a *apiRequest) (any, *apiError) {
		var m wechatmp.SubscribeMessage
		if e := a.decode(&m); e != nil {
			return nil, e
		}
		if m.TemplateID == "" {
			return nil, errf(40037, "invalid template_id")
		}
		k := m.ToUser + "|" + m.TemplateID
		if s.subscriptions[k] <= 0 {
			return nil, errf(43101, "user refuse to accept the msg")
		}
		s.subscriptions[k]--
		s.sent = append(s.sent, Sent{API: "subscribe", ToUser: m.ToUser, TemplateID: m.TemplateID,
			Body: append(json.RawMessage(nil), a.body...), At: a.now})
		return nil, nil
	})
}
