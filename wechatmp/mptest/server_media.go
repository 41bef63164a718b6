package mptest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

var mediaLimits = map[string]int{"image": 10 << 20, "voice": 2 << 20, "video": 10 << 20, "thumb": 64 << 10}

// AddMedia stores data as temporary media, as if uploaded, and returns its
// media_id (the simulated user uses it for the images and voices it sends).
func (s *Server) AddMedia(typ, contentType, filename string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addMedia(typ, contentType, filename, data, s.Clock.Now())
}

func (s *Server) addMedia(typ, contentType, filename string, data []byte, now time.Time) string {
	s.nextMedia++
	id := fmt.Sprintf("MEDIA_%s_%06d", typ, s.nextMedia)
	s.media[id] = &fakeMedia{typ: typ, data: append([]byte(nil), data...), contentType: contentType, filename: filename, createdAt: now}
	return id
}

// Media returns the bytes stored under mediaID.
func (s *Server) Media(mediaID string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.media[mediaID]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), m.data...), true
}

func (s *Server) mediaRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST", "/cgi-bin/media/upload", authAccess, func(a *apiRequest) (any, *apiError) {
		typ := a.query("type")
		limit, ok := mediaLimits[typ]
		if !ok {
			return nil, errf(40004, "invalid media type")
		}
		a.r.Body = io.NopCloser(strings.NewReader(string(a.body)))
		f, hdr, err := a.r.FormFile("media")
		if err != nil {
			return nil, errf(41005, "media data missing")
		}
		defer f.Close()
		data, _ := io.ReadAll(f)
		if len(data) > limit {
			return nil, errf(40006, "invalid meida size")
		}
		ct := hdr.Header.Get("Content-Type")
		if ct == "" || ct == "application/octet-stream" {
			ct = http.DetectContentType(data)
		}
		id := s.addMedia(typ, ct, hdr.Filename, data, a.now)
		return map[string]any{"type": typ, "media_id": id, "created_at": a.now.Unix()}, nil
	})
	s.handle(mux, "GET", "/cgi-bin/media/get", authAccess, func(a *apiRequest) (any, *apiError) {
		m, ok := s.media[a.query("media_id")]
		if !ok || a.now.Sub(m.createdAt) >= 3*24*time.Hour {
			return nil, errf(40007, "invalid media_id")
		}
		data, ct, name := m.data, m.contentType, m.filename
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ct)
			if name != "" {
				w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
			}
			_, _ = w.Write(data)
		}), nil
	})
}
