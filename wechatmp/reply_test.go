package wechatmp

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAppendReplyGoldenXML(t *testing.T) {
	h := ReplyHeader{ToUserName: "oUser", FromUserName: "gh_acct", CreateTime: 1700000000}
	head := `<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_acct]]></FromUserName><CreateTime>1700000000</CreateTime>`
	tests := []struct {
		name  string
		reply Reply
		want  string
	}{
		{"text", TextReply{Content: "你好\nhello"}, head + `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好` + "\n" + `hello]]></Content></xml>`},
		{"image", ImageReply{MediaID: "m1"}, head + `<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[m1]]></MediaId></Image></xml>`},
		{"voice", &VoiceReply{MediaID: "v1"}, head + `<MsgType><![CDATA[voice]]></MsgType><Voice><MediaId><![CDATA[v1]]></MediaId></Voice></xml>`},
		{"video minimal", VideoReply{MediaID: "v2"}, head + `<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[v2]]></MediaId></Video></xml>`},
		{"video", VideoReply{MediaID: "v2", Title: "T", Description: "D"}, head + `<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[v2]]></MediaId><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description></Video></xml>`},
		{"music", MusicReply{Title: "T", Description: "D", MusicURL: "http://m", HQMusicURL: "http://hq", ThumbMediaID: "th"}, head + `<MsgType><![CDATA[music]]></MsgType><Music><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description><MusicUrl><![CDATA[http://m]]></MusicUrl><HQMusicUrl><![CDATA[http://hq]]></HQMusicUrl><ThumbMediaId><![CDATA[th]]></ThumbMediaId></Music></xml>`},
		{"music minimal", MusicReply{ThumbMediaID: "th"}, head + `<MsgType><![CDATA[music]]></MsgType><Music><ThumbMediaId><![CDATA[th]]></ThumbMediaId></Music></xml>`},
		{"news", NewsReply{Articles: []Article{{Title: "T", Description: "D", PicURL: "http://p", URL: "http://u"}}}, head + `<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description><PicUrl><![CDATA[http://p]]></PicUrl><Url><![CDATA[http://u]]></Url></item></Articles></xml>`},
		{"transfer", TransferCustomerServiceReply{}, head + `<MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>`},
		{"transfer to agent", TransferCustomerServiceReply{KfAccount: "test1@test"}, head + `<MsgType><![CDATA[transfer_customer_service]]></MsgType><TransInfo><KfAccount><![CDATA[test1@test]]></KfAccount></TransInfo></xml>`},
		{"cdata end", TextReply{Content: "a]]>b"}, head + `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendReply([]byte("prefix:"), h, tt.reply)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "prefix:"+tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, "prefix:"+tt.want)
			}
		})
	}
}

// The video reply of the official MP sample WXBizMsgCryptTest.java (vectors.json,
// encrypt_fixed_random testAesEncrypt2) is rendered byte for byte.
func TestAppendReplyOfficialVideoSample(t *testing.T) {
	const want = `<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>`
	got, err := MarshalReply(ReplyHeader{ToUserName: "oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw", FromUserName: "gh_7f083739789a", CreateTime: 1407743423},
		VideoReply{MediaID: "eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0", Title: "testCallBackReplyVideo", Description: "testCallBackReplyVideo"})
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// The transfer sample of WxJava (samples/transfer_customer_service) is rendered byte for byte.
func TestAppendReplyTransferSample(t *testing.T) {
	const want = `<xml><ToUserName><![CDATA[touser]]></ToUserName><FromUserName><![CDATA[fromuser]]></FromUserName><CreateTime>1399197672</CreateTime><MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>`
	got, err := MarshalReply(ReplyHeader{ToUserName: "touser", FromUserName: "fromuser", CreateTime: 1399197672}, TransferCustomerServiceReply{})
	if err != nil || string(got) != want {
		t.Errorf("got %s, %v", got, err)
	}
}

func TestAppendReplyGoldenJSON(t *testing.T) {
	h := ReplyHeader{ToUserName: "oUser", FromUserName: "gh_acct", CreateTime: 1700000000, Format: FormatJSON}
	head := `{"ToUserName":"oUser","FromUserName":"gh_acct","CreateTime":1700000000,`
	tests := []struct {
		name  string
		reply Reply
		want  string
	}{
		{"text", TextReply{Content: "你好\n\"q\"\\"}, head + `"MsgType":"text","Content":"你好\n\"q\"\\"}`},
		{"image", ImageReply{MediaID: "m1"}, head + `"MsgType":"image","Image":{"MediaId":"m1"}}`},
		{"voice", VoiceReply{MediaID: "v1"}, head + `"MsgType":"voice","Voice":{"MediaId":"v1"}}`},
		{"video", VideoReply{MediaID: "v2", Title: "T", Description: "D"}, head + `"MsgType":"video","Video":{"MediaId":"v2","Title":"T","Description":"D"}}`},
		{"music", MusicReply{Title: "T", MusicURL: "http://m", ThumbMediaID: "th"}, head + `"MsgType":"music","Music":{"ThumbMediaId":"th","Title":"T","MusicUrl":"http://m"}}`},
		{"news", NewsReply{Articles: []Article{{Title: "T", URL: "http://u"}}}, head + `"MsgType":"news","ArticleCount":1,"Articles":[{"Title":"T","Url":"http://u"}]}`},
		{"transfer", TransferCustomerServiceReply{}, head + `"MsgType":"transfer_customer_service"}`},
		{"transfer to agent", TransferCustomerServiceReply{KfAccount: "a@b"}, head + `"MsgType":"transfer_customer_service","TransInfo":{"KfAccount":"a@b"}}`},
		{"escapes", TextReply{Content: "\x01\u2028</script>\xff"}, head + `"MsgType":"text","Content":"\u0001\u2028</script>\ufffd"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MarshalReply(h, tt.reply)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if !json.Valid(got) {
				t.Errorf("invalid JSON: %s", got)
			}
		})
	}
}

func TestReplyHeaderFor(t *testing.T) {
	m := &Message{ToUserName: "gh_acct", FromUserName: "oUser", Format: FormatJSON}
	h := ReplyHeaderFor(m, time.Unix(1700000123, 0))
	want := ReplyHeader{ToUserName: "oUser", FromUserName: "gh_acct", CreateTime: 1700000123, Format: FormatJSON}
	if h != want {
		t.Errorf("got %+v, want %+v", h, want)
	}
}

func TestCheckReplyErrors(t *testing.T) {
	tests := []struct {
		name  string
		reply Reply
		cause error
		field string
	}{
		{"nil", nil, ErrReplyFieldMissing, ""},
		{"empty text", TextReply{}, ErrReplyFieldMissing, "Content"},
		{"image", ImageReply{}, ErrReplyFieldMissing, "MediaID"},
		{"voice", VoiceReply{}, ErrReplyFieldMissing, "MediaID"},
		{"video", VideoReply{Title: "x"}, ErrReplyFieldMissing, "MediaID"},
		{"music", MusicReply{Title: "x"}, ErrReplyFieldMissing, "ThumbMediaID"},
		{"news none", NewsReply{}, ErrReplyFieldMissing, "Articles"},
		{"news two", NewsReply{Articles: []Article{{Title: "a", URL: "u"}, {Title: "b", URL: "u"}}}, ErrTooManyArticles, "Articles"},
		{"news no title", NewsReply{Articles: []Article{{URL: "u"}}}, ErrReplyFieldMissing, "Articles.Title"},
		{"news no url", NewsReply{Articles: []Article{{Title: "t"}}}, ErrReplyFieldMissing, "Articles.URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckReply(tt.reply)
			if !errors.Is(err, ErrInvalidReply) || !errors.Is(err, tt.cause) {
				t.Fatalf("err = %v, want ErrInvalidReply and %v", err, tt.cause)
			}
			var re *ReplyError
			if !errors.As(err, &re) || re.Field != tt.field {
				t.Fatalf("err = %#v, want field %q", err, tt.field)
			}
			if !strings.HasPrefix(err.Error(), "wechatmp: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
			out, err2 := AppendReply([]byte("keep"), ReplyHeader{}, tt.reply)
			if err2 == nil || string(out) != "keep" {
				t.Errorf("AppendReply = %q, %v; want dst unchanged and an error", out, err2)
			}
		})
	}
}

// Every string survives the XML and JSON renderings: a standard decoder reads
// back the value (with characters XML cannot carry replaced by U+FFFD).
func TestReplyEncodingRoundTrip(t *testing.T) {
	values := []string{
		"", "plain", "]]>", "]]]]>>", "a]]>b]]>c", "]", "]]", "x]]", "<&>'\"", "\x00\x01\x1f\t\r\n",
		"中文🙂", "\xff\xfe", "\uFFFE\uFFFF", "\u2028\u2029", "tail]]",
	}
	for _, v := range values {
		want := strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r != 0xFFFE && r != 0xFFFF) {
				return r
			}
			return '\uFFFD'
		}, v)
		var x struct {
			Content string `xml:"Content"`
		}
		body, _ := MarshalReply(ReplyHeader{}, TextReply{Content: v + "!"})
		if err := xml.Unmarshal(body, &x); err != nil {
			t.Fatalf("%q: xml: %v in %s", v, err, body)
		}
		// encoding/xml normalises \r\n and \r to \n inside character data.
		wantXML := strings.ReplaceAll(strings.ReplaceAll(want+"!", "\r\n", "\n"), "\r", "\n")
		if x.Content != wantXML {
			t.Errorf("%q: xml round trip = %q, want %q", v, x.Content, wantXML)
		}
		var j struct{ Content string }
		body, _ = MarshalReply(ReplyHeader{Format: FormatJSON}, TextReply{Content: v + "!"})
		if err := json.Unmarshal(body, &j); err != nil {
			t.Fatalf("%q: json: %v in %s", v, err, body)
		}
		wantJSON := strings.Map(func(r rune) rune { return r }, v) + "!" // one U+FFFD per invalid byte
		if j.Content != wantJSON {
			t.Errorf("%q: json round trip = %q, want %q", v, j.Content, wantJSON)
		}
	}
}
