package mptest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/kefu-go/kefu/wechatmp"
)

func itoa(n int) string { return strconv.Itoa(n) }

// ClearQuotaCalls returns how many times clear_quota succeeded.
func (s *Server) ClearQuotaCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clearQuotas
}

func (s *Server) userInfo(openID string) map[string]any {
	u, ok := s.users[openID]
	if !ok || !u.followed {
		return map[string]any{"subscribe": 0, "openid": openID}
	}
	return map[string]any{"subscribe": 1, "openid": openID, "language": "zh_CN", "subscribe_time": u.subscribeTime.Unix(),
		"remark": "", "groupid": 0, "tagid_list": append([]int64{}, u.tags...), "subscribe_scene": "ADD_SCENE_QR_CODE",
		"qr_scene": 0, "qr_scene_str": ""}
}

func (s *Server) userRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET", "/cgi-bin/user/info", authAccess, func(a *apiRequest) (any, *apiError) {
		id := a.query("openid")
		if id == "" {
			return nil, errf(40003, "invalid openid")
		}
		return s.userInfo(id), nil
	})
	s.handle(mux, "POST", "/cgi-bin/user/info/batchget", authAccess, func(a *apiRequest) (any, *apiError) {
		var in struct {
			List []struct {
				OpenID string `json:"openid"`
			} `json:"user_list"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if len(in.List) == 0 || len(in.List) > 100 {
			return nil, errf(40032, "invalid openid list size")
		}
		out := []map[string]any{}
		for _, it := range in.List {
			out = append(out, s.userInfo(it.OpenID))
		}
		return map[string]any{"user_info_list": out}, nil
	})
	s.handle(mux, "POST", "/cgi-bin/tags/create", authAccess, func(a *apiRequest) (any, *apiError) {
		var in struct {
			Tag wechatmp.Tag `json:"tag"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if len(in.Tag.Name) > 30 {
			return nil, errf(45158, "tag name too long")
		}
		if in.Tag.Name == "" || !utf8.ValidString(in.Tag.Name) {
			return nil, errf(45157, "invalid tag name")
		}
		for _, n := range s.tags {
			if n == in.Tag.Name {
				return nil, errf(45157, "invalid tag name")
			}
		}
		if len(s.tags) >= 100 {
			return nil, errf(45056, "too many tags")
		}
		id := s.nextTag
		s.nextTag++
		s.tags[id] = in.Tag.Name
		return map[string]any{"tag": map[string]any{"id": id, "name": in.Tag.Name}}, nil
	})
	s.handle(mux, "GET", "/cgi-bin/tags/get", authAccess, func(a *apiRequest) (any, *apiError) {
		list := []wechatmp.Tag{}
		for _, id := range sortedKeys(s.tags) {
			n := 0
			for _, u := range s.users {
				if slices.Contains(u.tags, id) {
					n++
				}
			}
			list = append(list, wechatmp.Tag{ID: id, Name: s.tags[id], Count: n})
		}
		return map[string]any{"tags": list}, nil
	})
	s.handle(mux, "POST", "/cgi-bin/tags/update", authAccess, func(a *apiRequest) (any, *apiError) {
		var in struct {
			Tag wechatmp.Tag `json:"tag"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if in.Tag.ID <= 2 {
			return nil, errf(45058, "can't modify sys tag")
		}
		if _, ok := s.tags[in.Tag.ID]; !ok {
			return nil, errf(45159, "invalid tag id")
		}
		s.tags[in.Tag.ID] = in.Tag.Name
		return nil, nil
	})
	s.handle(mux, "POST", "/cgi-bin/tags/delete", authAccess, func(a *apiRequest) (any, *apiError) {
		var in struct {
			Tag wechatmp.Tag `json:"tag"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if in.Tag.ID <= 2 {
			return nil, errf(45058, "can't modify sys tag")
		}
		if _, ok := s.tags[in.Tag.ID]; !ok {
			return nil, errf(45159, "invalid tag id")
		}
		delete(s.tags, in.Tag.ID)
		for _, u := range s.users {
			u.tags = slices.DeleteFunc(u.tags, func(t int64) bool { return t == in.Tag.ID })
		}
		return nil, nil
	})
	batch := func(add bool) func(a *apiRequest) (any, *apiError) {
		return func(a *apiRequest) (any, *apiError) {
			var in struct {
				OpenIDs []string `json:"openid_list"`
				TagID   int64    `json:"tagid"`
			}
			if e := a.decode(&in); e != nil {
				return nil, e
			}
			if len(in.OpenIDs) == 0 || len(in.OpenIDs) > 50 {
				return nil, errf(40032, "invalid openid list size")
			}
			if _, ok := s.tags[in.TagID]; !ok {
				return nil, errf(45159, "invalid tag id")
			}
			for _, id := range in.OpenIDs {
				u := s.user(id)
				has := slices.Contains(u.tags, in.TagID)
				switch {
				case add && !has:
					if len(u.tags) >= 20 {
						return nil, errf(45059, "user has too many tags")
					}
					u.tags = append(u.tags, in.TagID)
				case !add && has:
					u.tags = slices.DeleteFunc(u.tags, func(t int64) bool { return t == in.TagID })
				}
			}
			return nil, nil
		}
	}
	s.handle(mux, "POST", "/cgi-bin/tags/members/batchtagging", authAccess, batch(true))
	s.handle(mux, "POST", "/cgi-bin/tags/members/batchuntagging", authAccess, batch(false))
	s.handle(mux, "POST", "/cgi-bin/tags/getidlist", authAccess, func(a *apiRequest) (any, *apiError) {
		var in struct {
			OpenID string `json:"openid"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		var tags []int64
		if u, ok := s.users[in.OpenID]; ok {
			tags = u.tags
		}
		return map[string]any{"tagid_list": append([]int64{}, tags...)}, nil
	})
	s.handle(mux, "POST", "/cgi-bin/menu/create", authAccess, func(a *apiRequest) (any, *apiError) {
		var m wechatmp.Menu
		if e := a.decode(&m); e != nil {
			return nil, e
		}
		if len(m.Buttons) == 0 || len(m.Buttons) > 3 {
			return nil, errf(40017, "invalid button size")
		}
		for _, b := range m.Buttons {
			if len(b.SubButtons) > 5 {
				return nil, errf(40023, "invalid sub button size")
			}
		}
		s.menu = append(json.RawMessage(nil), a.body...)
		return nil, nil
	})
	s.handle(mux, "GET", "/cgi-bin/menu/get", authAccess, func(a *apiRequest) (any, *apiError) {
		if s.menu == nil {
			return nil, errf(46003, "menu no exist")
		}
		return map[string]any{"menu": s.menu}, nil
	})
	s.handle(mux, "GET", "/cgi-bin/menu/delete", authAccess, func(a *apiRequest) (any, *apiError) {
		s.menu = nil
		return nil, nil
	})
	s.handle(mux, "POST", "/cgi-bin/clear_quota", authAccess, func(a *apiRequest) (any, *apiError) {
		var in struct {
			AppID string `json:"appid"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if in.AppID != s.cfg.AppID {
			return nil, errf(40013, "invalid appid")
		}
		month := a.now.UTC().Format("2006-01")
		if s.clearQuotaMonth[month] >= 10 { // 10 a month
			return nil, errf(48006, "forbid to clear quota because of reaching the limit")
		}
		s.clearQuotaMonth[month]++
		s.clearQuotas++
		clear(s.daily)
		return nil, nil
	})
}
