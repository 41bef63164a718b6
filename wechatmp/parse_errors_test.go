package wechatmp

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// TestParseRejects: every refused body fails with a *ParseError matching the
// right sentinel; DOCTYPE and ENTITY declarations are refused wherever they
// appear, so entity expansion never happens.
func TestParseRejects(t *testing.T) {
	deepXML := "<xml>" + strings.Repeat("<a>", parseMaxDepth+1) + "x" + strings.Repeat("</a>", parseMaxDepth+1) + "</xml>"
	deepJSON := `{"a":` + strings.Repeat(`{"a":`, parseMaxDepth+1) + `1` + strings.Repeat("}", parseMaxDepth+2)
	deepArray := `{"a":` + strings.Repeat("[", parseMaxDepth+1) + strings.Repeat("]", parseMaxDepth+1) + `}`
	tests := []struct {
		name string
		body string
		want error
	}{
		{"DOCTYPE with internal entities (billion laughs)", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml><Content>&lol2;</Content></xml>`, ErrForbiddenXML},
		{"external entity", `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>`, ErrForbiddenXML},
		{"DOCTYPE after a comment", "<!-- hi --><!DOCTYPE xml><xml/>", ErrForbiddenXML},
		{"ENTITY inside the root", `<xml><!ENTITY a "b"><Content>x</Content></xml>`, ErrForbiddenXML},
		{"ELEMENT declaration", `<xml><!ELEMENT xml ANY></xml>`, ErrForbiddenXML},
		{"declaration after the root", `<xml/><!DOCTYPE xml>`, ErrForbiddenXML},
		{"undefined entity", `<xml><Content>&lol;</Content></xml>`, ErrMalformed},
		{"bad character reference", `<xml><Content>&#xZZ;</Content></xml>`, ErrMalformed},
		{"unterminated element", `<xml><Content>x</Content>`, ErrMalformed},
		{"mismatched tags", `<xml><Content>x</Title></xml>`, ErrMalformed},
		{"unterminated CDATA", `<xml><Content><![CDATA[x</Content></xml>`, ErrMalformed},
		{"mixed content", `<xml><Group>text<A>x</A></Group></xml>`, ErrMalformed},
		{"two roots", `<xml></xml><xml></xml>`, ErrMalformed},
		{"text after the root", `<xml></xml>junk`, ErrMalformed},
		{"text before the root", `junk<xml></xml>`, ErrMalformed},
		{"empty", ``, ErrMalformed},
		{"only white space", " \n\t", ErrMalformed},
		{"neither XML nor JSON", `MsgType=text`, ErrMalformed},
		{"JSON array", `[1,2]`, ErrMalformed},
		{"JSON syntax error", `{"MsgType":"text",}`, ErrMalformed},
		{"JSON truncated", `{"MsgType":"te`, ErrMalformed},
		{"JSON data after the object", `{"MsgType":"text"} {}`, ErrMalformed},
		{"XML too deep", deepXML, ErrTooDeep},
		{"JSON objects too deep", deepJSON, ErrTooDeep},
		{"JSON arrays too deep", deepArray, ErrTooDeep},
		{"CreateTime not a number", `<xml><CreateTime>yesterday</CreateTime></xml>`, ErrInvalidNumber},
		{"CreateTime overflows int64", `<xml><CreateTime>99999999999999999999</CreateTime></xml>`, ErrInvalidNumber},
		{"MsgId not a number", `{"MsgId":"12a"}`, ErrInvalidNumber},
		{"MsgId a fraction", `{"MsgId":1.5}`, ErrInvalidNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMessage([]byte(tt.body))
			if !errors.Is(err, tt.want) || m != nil {
				t.Fatalf("ParseMessage = %v, %v; want %v", m, err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(tt.body) {
				t.Fatalf("error %v is not a *ParseError with a valid offset", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want.Error()+" at byte ") {
				t.Errorf("message %q", err)
			}
			// An envelope ignores the header numbers; every other refusal
			// applies to it as well.
			envWant := tt.want
			if envWant == ErrInvalidNumber {
				envWant = ErrNoEncrypt
			}
			if _, err := ParseEnvelope([]byte(tt.body)); !errors.Is(err, envWant) {
				t.Errorf("ParseEnvelope: %v, want %v", err, envWant)
			}
		})
	}
}

func TestParseErrorFormat(t *testing.T) {
	_, err := ParseMessage([]byte(`<xml><CreateTime>x</CreateTime></xml>`))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Field != "CreateTime" || pe.Err != ErrInvalidNumber {
		t.Fatalf("err = %#v", err)
	}
	if want := "wechatmp: invalid number at byte " + strconv.Itoa(pe.Offset) + " (CreateTime): not a 64-bit decimal integer"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}
