package wechatmp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"
)

// MediaType is the type of a temporary media file.
type MediaType string

// Media types.
const (
	MediaImage MediaType = "image" // ≤ 2 MB (safe limit), PNG/JPEG/GIF
	MediaVoice MediaType = "voice" // ≤ 2 MB, ≤ 60 s, AMR/MP3
	MediaVideo MediaType = "video" // ≤ 10 MB, MP4
	MediaThumb MediaType = "thumb" // ≤ 64 KB, JPG
)

// MediaUpload is the reply to an upload: the media_id is valid for 3 days.
type MediaUpload struct {
	Type      MediaType `json:"type"`
	MediaID   string    `json:"media_id"`
	CreatedAt int64     `json:"created_at"`
}

// MediaFile is a downloaded media file.
type MediaFile struct {
	ContentType string
	Filename    string // from Content-Disposition, if any
	Data        []byte
}

// UploadMedia uploads a temporary media file read from r (at most 32 MB) as
// filename (POST /cgi-bin/media/upload, multipart field "media"). The file is
// buffered so that the request can be re-sent after a token refresh or a -1
// (a duplicate upload only creates an unused media_id).
func (c *Client) UploadMedia(ctx context.Context, typ MediaType, filename string, r io.Reader) (MediaUpload, error) {
	data, err := io.ReadAll(io.LimitReader(r, clientMaxBody+1))
	if err != nil {
		return MediaUpload{}, fmt.Errorf("wechatmp: upload media: read: %w", err)
	}
	if len(data) > clientMaxBody {
		return MediaUpload{}, fmt.Errorf("%w: media larger than %d bytes", ErrInvalidMessage, clientMaxBody)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("media", filename)
	if err == nil {
		_, err = fw.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return MediaUpload{}, fmt.Errorf("wechatmp: upload media: %w", err)
	}
	call := &clientCall{group: GroupMedia, method: http.MethodPost, op: "/cgi-bin/media/upload",
		query: url.Values{"type": {string(typ)}}, body: buf.Bytes(), contentType: mw.FormDataContentType(), idempotent: true}
	reply, err := c.clientDo(ctx, call)
	if err != nil {
		return MediaUpload{}, err
	}
	var u MediaUpload
	return u, clientDecode(call.op, reply.body, &u)
}

// DownloadMedia downloads a temporary media file, for example the MediaId of
// an image or voice message a user sent (they expire after 3 days)
// (GET /cgi-bin/media/get). WeChat answers errors with a JSON body and status
// 200; they are detected by Content-Type or a leading '{' and returned as
// *APIError (40007: invalid media_id).
func (c *Client) DownloadMedia(ctx context.Context, mediaID string) (MediaFile, error) {
	call := &clientCall{group: GroupMedia, method: http.MethodGet, op: "/cgi-bin/media/get",
		query: url.Values{"media_id": {mediaID}}, idempotent: true}
	reply, err := c.clientDo(ctx, call)
	if err != nil {
		return MediaFile{}, err
	}
	f := MediaFile{ContentType: reply.header.Get("Content-Type"), Data: reply.body}
	if _, params, err := mime.ParseMediaType(reply.header.Get("Content-Disposition")); err == nil {
		f.Filename = params["filename"]
	}
	return f, nil
}

// mediaExpiry is how long WeChat keeps temporary media.
const mediaExpiry = 3 * 24 * time.Hour

// Expires returns when the uploaded media_id stops working.
func (u MediaUpload) Expires() time.Time { return time.Unix(u.CreatedAt, 0).Add(mediaExpiry) }
