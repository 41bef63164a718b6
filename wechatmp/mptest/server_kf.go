package mptest

import (
	"net/http"
	"regexp"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

var kfAccountRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,10}@[A-Za-z0-9_-]+$`)

// SetKfOnline marks an agent account online or offline (sessions can only be
// created for online agents).
func (s *Server) SetKfOnline(account string, online bool) {
	s.mu.Lock()
	s.kfOnline[account] = online
	s.mu.Unlock()
}

// AddWaiting puts openID in the wait queue (as a user asking for an agent).
func (s *Server) AddWaiting(openID string) {
	s.mu.Lock()
	s.waiting = append(s.waiting, wechatmp.KfSession{OpenID: openID, CreateTime: s.Clock.Now().Unix()})
	s.mu.Unlock()
}

func (s *Server) kfRoutes(mux *http.ServeMux) {
	type accountBody struct {
		Account  string `json:"kf_account"`
		Nickname string `json:"nickname"`
	}
	s.handle(mux, "POST", "/customservice/kfaccount/add", authAccess, func(a *apiRequest) (any, *apiError) {
		var in accountBody
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if !kfAccountRE.MatchString(in.Account) || len(in.Account) > 30 {
			return nil, errf(65404, "invalid kf_account")
		}
		if in.Nickname == "" || len([]rune(in.Nickname)) > 16 {
			return nil, errf(65403, "invalid nickname")
		}
		if _, dup := s.kf[in.Account]; dup {
			return nil, errf(65406, "kf_account exists")
		}
		if len(s.kf) >= 100 {
			return nil, errf(65405, "account number reach limit")
		}
		s.kf[in.Account] = &wechatmp.KfAccount{Account: in.Account, Nickname: in.Nickname, ID: "10" + itoa(len(s.kf)+1)}
		return nil, nil
	})
	s.handle(mux, "POST", "/customservice/kfaccount/update", authAccess, func(a *apiRequest) (any, *apiError) {
		var in accountBody
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		k, ok := s.kf[in.Account]
		if !ok {
			return nil, errf(65401, "invalid kf_account")
		}
		k.Nickname = in.Nickname
		return nil, nil
	})
	s.handle(mux, "GET", "/customservice/kfaccount/del", authAccess, func(a *apiRequest) (any, *apiError) {
		acc := a.query("kf_account")
		if _, ok := s.kf[acc]; !ok {
			return nil, errf(65401, "invalid kf_account")
		}
		delete(s.kf, acc)
		return nil, nil
	})
	s.handle(mux, "GET", "/cgi-bin/customservice/getkflist", authAccess, func(a *apiRequest) (any, *apiError) {
		list := []wechatmp.KfAccount{}
		for _, k := range sortedKeys(s.kf) {
			list = append(list, *s.kf[k])
		}
		return map[string]any{"kf_list": list}, nil
	})
	s.handle(mux, "GET", "/cgi-bin/customservice/getonlinekflist", authAccess, func(a *apiRequest) (any, *apiError) {
		list := []wechatmp.KfOnline{}
		for _, k := range sortedKeys(s.kf) {
			if s.kfOnline[k] {
				n := 0
				for _, ss := range s.sessions {
					if ss.KfAccount == k {
						n++
					}
				}
				list = append(list, wechatmp.KfOnline{Account: k, Status: 1, ID: s.kf[k].ID, AutoAccept: 0, AcceptedCase: n})
			}
		}
		return map[string]any{"kf_online_list": list}, nil
	})
	type sessionBody struct {
		Account string `json:"kf_account"`
		OpenID  string `json:"openid"`
	}
	s.handle(mux, "POST", "/customservice/kfsession/create", authAccess, func(a *apiRequest) (any, *apiError) {
		var in sessionBody
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if _, ok := s.kf[in.Account]; !ok {
			return nil, errf(65401, "invalid kf_account")
		}
		if !s.kfOnline[in.Account] {
			return nil, errf(65415, "kf is not online")
		}
		if cur, ok := s.sessions[in.OpenID]; ok {
			if cur.KfAccount == in.Account {
				return nil, nil
			}
			return nil, errf(65414, "user is being served by another kf")
		}
		s.sessions[in.OpenID] = &wechatmp.KfSession{OpenID: in.OpenID, KfAccount: in.Account, CreateTime: a.now.Unix()}
		for i, wc := range s.waiting {
			if wc.OpenID == in.OpenID {
				s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
				break
			}
		}
		return nil, nil
	})
	s.handle(mux, "POST", "/customservice/kfsession/close", authAccess, func(a *apiRequest) (any, *apiError) {
		var in sessionBody
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		cur, ok := s.sessions[in.OpenID]
		if !ok || cur.KfAccount != in.Account {
			return nil, errf(65413, "no session for the user")
		}
		delete(s.sessions, in.OpenID)
		return nil, nil
	})
	s.handle(mux, "GET", "/customservice/kfsession/getsession", authAccess, func(a *apiRequest) (any, *apiError) {
		if cur, ok := s.sessions[a.query("openid")]; ok {
			return okReply(map[string]any{"kf_account": cur.KfAccount, "createtime": cur.CreateTime}), nil
		}
		return okReply(map[string]any{"kf_account": "", "createtime": 0}), nil
	})
	s.handle(mux, "GET", "/customservice/kfsession/getsessionlist", authAccess, func(a *apiRequest) (any, *apiError) {
		acc := a.query("kf_account")
		list := []map[string]any{}
		for _, id := range sortedKeys(s.sessions) {
			if ss := s.sessions[id]; ss.KfAccount == acc {
				list = append(list, map[string]any{"openid": id, "createtime": ss.CreateTime})
			}
		}
		return map[string]any{"sessionlist": list}, nil
	})
	s.handle(mux, "GET", "/customservice/kfsession/getwaitcase", authAccess, func(a *apiRequest) (any, *apiError) {
		return map[string]any{"count": len(s.waiting), "waitcaselist": append([]wechatmp.KfSession{}, s.waiting...)}, nil
	})
	s.handle(mux, "POST", "/customservice/msgrecord/getmsglist", authAccess, func(a *apiRequest) (any, *apiError) {
		var in struct {
			Start  int64 `json:"starttime"`
			End    int64 `json:"endtime"`
			MsgID  int64 `json:"msgid"`
			Number int   `json:"number"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if in.End-in.Start > int64(24*time.Hour/time.Second) || in.End < in.Start {
			return nil, errf(65417, "time range too long")
		}
		if in.MsgID < 1 {
			in.MsgID = 1
		}
		list := []wechatmp.KfRecord{}
		next := in.MsgID
		for i := int(in.MsgID - 1); i < len(s.records) && len(list) < in.Number; i++ {
			next = int64(i + 2)
			if r := s.records[i]; r.Time >= in.Start && r.Time <= in.End {
				list = append(list, r)
			}
		}
		return map[string]any{"recordlist": list, "number": len(list), "msgid": next}, nil
	})
}
