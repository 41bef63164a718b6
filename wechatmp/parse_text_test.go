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
