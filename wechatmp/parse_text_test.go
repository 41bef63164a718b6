package wechatmp

import (
	"errors"
	"testing"
)

const parseTestTextXML = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId></xml>`

func TestParseMessageTextXML(t *testing.T) {
	m, err := ParseMessage([]byte(parseTestTextXML))
	if err != nil {
		t.Fatal(err)
	}
	want := Message{
		ToUserName:   "gh_10f6c3c3ac5a",
		FromUserName: "oyORnuP8q7ou2gfYjqLzSIWZf0rs",
		CreateTime:   1409735668,
		MsgType:      MsgTypeText,
		Content:      "abcdteT",
		MsgID:        6054768590064713728,
		Format:       FormatXML,
	}
	if m.Raw == nil || string(m.Raw) != parseTestTextXML {
		t.Errorf("Raw = %q", m.Raw)
	}
	m.Raw = nil
	if !parseEqual(*m, want) {
		t.Errorf("got %+v\nwant %+v", *m, want)
	}
}

func TestParseEnvelope(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Envelope
	}{
		{"xml secure", `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>`,
			Envelope{ToUserName: "gh_1", Encrypt: "abc+/="}},
		{"xml compat", `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><Content>hi</Content><Encrypt>abc</Encrypt></xml>`,
			Envelope{ToUserName: "gh_1", Encrypt: "abc"}},
		{"xml component", "<xml>\n <AppId>wx1</AppId>\n <Encrypt>abc</Encrypt>\n</xml>\n",
			Envelope{AppID: "wx1", Encrypt: "abc"}},
		{"json", `{"ToUserName":"gh_1","Encrypt":"abc"}`,
			Envelope{ToUserName: "gh_1", Encrypt: "abc", Format: FormatJSON}},
		{"json spaces", " \n{ \"Encrypt\" : \"abc\" , \"ToUserName\": \"gh_1\", \"Other\": {\"a\": [1, 2]} }\n",
			Envelope{ToUserName: "gh_1", Encrypt: "abc", Format: FormatJSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEnvelope([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseEnvelopeNoEncrypt(t *testing.T) {
	for _, body := range []string{`<xml><ToUserName>gh</ToUserName></xml>`, `{"ToUserName":"gh"}`, `<xml><Encrypt></Encrypt></xml>`} {
		_, err := ParseEnvelope([]byte(body))
		if !errors.Is(err, ErrNoEncrypt) {
			t.Errorf("%s: err = %v, want ErrNoEncrypt", body, err)
		}
	}
}

// TestEnvelopeFastPath: the usual secure-mode body takes the fast path, and
// every near miss falls back to the scanner with the same result.
func TestEnvelopeFastPath(t *testing.T) {
	tests := []struct {
		body string
		fast bool
	}{
		{`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt></xml>`, true},
		{"<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\n  <Encrypt><![CDATA[abc]]></Encrypt>\n</xml>\n", true},
		{`<xml><ToUserName><![CDATA[]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>`, true},
		{`<xml><ToUserName>gh_1</ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>`, false},
		{`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt><X/></xml>`, false},
		{`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[a]]><![CDATA[bc]]></Encrypt></xml>`, false},
		{"<xml><ToUserName><![CDATA[g\r\nh]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml>", false},
		{`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[]]></Encrypt></xml>`, false},
		{`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xml><!DOCTYPE x>`, false},
		{`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt></xmlx>`, false},
		{`<xml><ToUserName><![CDATA[gh_1]]></ToUserName ><Encrypt><![CDATA[abc]]></Encrypt></xml>`, false},
	}
	for _, tt := range tests {
		fast, ok := envelopeFastXML(tt.body)
		if ok != tt.fast {
			t.Errorf("%q: fast path %v, want %v", tt.body, ok, tt.fast)
		}
		slow, serr := parseEnvelopeScan(tt.body, FormatXML)
		got, err := ParseEnvelope([]byte(tt.body))
		if (err == nil) != (serr == nil) || got != slow {
			t.Errorf("%q: ParseEnvelope %+v, %v; scanner %+v, %v", tt.body, got, err, slow, serr)
		}
		if ok && fast != slow {
			t.Errorf("%q: fast %+v, scanner %+v", tt.body, fast, slow)
		}
	}
}
