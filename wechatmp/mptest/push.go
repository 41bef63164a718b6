package mptest

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// Mode is the message encryption mode of the pushes (wechat.md §1.1).
type Mode uint8

// Modes.
const (
	ModePlaintext  Mode = iota // plaintext body; signature only
	ModeCompatible             // plaintext fields and <Encrypt> in one body
	ModeSecure                 // only ToUserName and <Encrypt>
)

// String returns "plaintext", "compatible" or "secure".
func (m Mode) String() string {
	switch m {
	case ModeCompatible:
		return "compatible"
	case ModeSecure:
		return "secure"
	}
	return "plaintext"
}

// Field is one field of a push. Name may be a path ("ScanCodeInfo/ScanType")
// for nested elements; repeating a leaf starts a new element of its parent
// ("SendPicsInfo/PicList/item/PicMd5Sum" twice gives two items).
type Field struct {
	Name, Value string
}

// Push is a message or event a user sends to the account. ToUserName,
// FromUserName, CreateTime and MsgType are filled in by the User; MsgID is
// assigned to ordinary messages when zero.
type Push struct {
	MsgType    wechatmp.MsgType
	Event      wechatmp.EventType // for MsgType "event"
	CreateTime time.Time          // zero: the clock's time
	MsgID      int64              // ordinary messages; 0: assigned
	Fields     []Field            // the type's own fields, in order
}

// Field returns the value of the first field named name, or "".
func (p Push) Field(name string) string {
	for _, f := range p.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// pushNumeric reports whether v is written without CDATA (as WeChat writes
// numbers).
func pushNumeric(v string) bool {
	if v == "" {
		return false
	}
	_, err := strconv.ParseFloat(v, 64)
	return err == nil
}

// pushHeader returns the common fields of p sent by openID to the account.
func pushHeader(p Push, to, from string) []Field {
	f := []Field{{"ToUserName", to}, {"FromUserName", from}, {"CreateTime", strconv.FormatInt(p.CreateTime.Unix(), 10)}, {"MsgType", string(p.MsgType)}}
	if p.MsgType == wechatmp.MsgTypeEvent {
		f = append(f, Field{"Event", string(p.Event)})
	}
	f = append(f, p.Fields...)
	if p.MsgType != wechatmp.MsgTypeEvent && p.MsgID != 0 {
		f = append(f, Field{"MsgId", strconv.FormatInt(p.MsgID, 10)})
	}
	return f
}

// pushXML renders fields as <xml>...</xml>.
func pushXML(fields []Field) []byte {
	var b bytes.Buffer
	b.WriteString("<xml>")
	var stack []string
	seen := []map[string]bool{{}}
	closeTo := func(n int) {
		for len(stack) > n {
			b.WriteString("</" + stack[len(stack)-1] + ">")
			stack = stack[:len(stack)-1]
			seen = seen[:len(seen)-1]
		}
	}
	for _, f := range fields {
		parts := strings.Split(f.Name, "/")
		dirs, leaf := parts[:len(parts)-1], parts[len(parts)-1]
		common := 0
		for common < len(stack) && common < len(dirs) && stack[common] == dirs[common] {
			common++
		}
		closeTo(common)
		if common == len(dirs) && seen[len(seen)-1][leaf] && len(stack) > 0 {
			// Repeated leaf: close the innermost container and open a new one.
			common--
			closeTo(common)
		}
		for _, d := range dirs[common:] {
			seen[len(seen)-1][d] = true
			b.WriteString("<" + d + ">")
			stack = append(stack, d)
			seen = append(seen, map[string]bool{})
		}
		seen[len(seen)-1][leaf] = true
		b.WriteString("<" + leaf + ">")
		if pushNumeric(f.Value) {
			b.WriteString(f.Value)
		} else {
			b.WriteString("<![CDATA[" + strings.ReplaceAll(f.Value, "]]>", "]]]]><![CDATA[>") + "]]>")
		}
		b.WriteString("</" + leaf + ">")
	}
	closeTo(0)
	b.WriteString("</xml>")
	return b.Bytes()
}

// pushJSON renders fields as a JSON object (nested paths become objects;
// numbers stay numbers).
func pushJSON(fields []Field) []byte {
	root := map[string]any{}
	for _, f := range fields {
		parts := strings.Split(f.Name, "/")
		m := root
		for _, d := range parts[:len(parts)-1] {
			sub, ok := m[d].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[d] = sub
			}
			m = sub
		}
		var v any = f.Value
		if pushNumeric(f.Value) {
			v = json.Number(f.Value)
		}
		m[parts[len(parts)-1]] = v
	}
	b, _ := json.Marshal(root)
	return b
}

// Reply is a passive reply as the simulated user received it.
type Reply struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`
	FromUserName string `xml:"FromUserName" json:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`
	MsgType      string `xml:"MsgType" json:"MsgType"`
	Content      string `xml:"Content" json:"Content"`
	Image        struct {
		MediaID string `xml:"MediaId" json:"MediaId"`
	} `xml:"Image" json:"Image"`
	Voice struct {
		MediaID string `xml:"MediaId" json:"MediaId"`
	} `xml:"Voice" json:"Voice"`
	ArticleCount int `xml:"ArticleCount" json:"ArticleCount"`
}

// replyEnvelope is an encrypted reply.
type replyEnvelope struct {
	Encrypt      string     `xml:"Encrypt" json:"Encrypt"`
	MsgSignature string     `xml:"MsgSignature" json:"MsgSignature"`
	TimeStamp    flexString `xml:"TimeStamp" json:"TimeStamp"`
	Nonce        string     `xml:"Nonce" json:"Nonce"`
}

func decodeEither(b []byte, v any) error {
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] == '{' {
		return json.Unmarshal(t, v)
	}
	return xml.Unmarshal(t, v)
}

// flexString decodes a JSON string or number as a string.
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	*f = flexString(b)
	return nil
}
