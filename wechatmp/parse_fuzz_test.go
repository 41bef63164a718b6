package wechatmp

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParseMessage feeds arbitrary bodies to ParseMessage and ParseEnvelope.
// They must never panic; errors must be *ParseError values matching one of
// the documented sentinels; a parsed Message must keep its body as Raw,
// honour the documented non-nil group pointers, marshal to JSON, and parse
// the same way twice. Seeds: testdata/fuzz/FuzzParseMessage (golden samples,
// a JSON event with a List, a DOCTYPE).
func FuzzParseMessage(f *testing.F) {
	f.Add([]byte(`<xml><MsgType>text</MsgType><Content><![CDATA[a]]]]><![CDATA[>]]>&lt;&#20320;</Content></xml>`))
	f.Add([]byte(`{"MsgType":"event","Event":"CLICK","EventKey":"k","X":{"Y":[1,2]}}`))
	f.Add([]byte("<xml> <ToUserName><![CDATA[gh_1]]></ToUserName>\n<Encrypt><![CDATA[abc+/=]]></Encrypt></xml>\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		orig := bytes.Clone(body)
		m, err := ParseMessage(body)
		if !bytes.Equal(body, orig) {
			t.Fatal("ParseMessage modified its input")
		}
		if err != nil {
			checkParseError(t, err)
		} else {
			checkParsedMessage(t, body, m)
		}
		env, err := ParseEnvelope(body)
		if err != nil {
			checkParseError(t, err)
		} else if env.Encrypt == "" {
			t.Fatal("ParseEnvelope succeeded without Encrypt")
		}
		// The fast path for the usual secure-mode body agrees with the scanner.
		if fast, ok := envelopeFastXML(string(body)); ok {
			f, _ := parseDetect(body)
			slow, err := parseEnvelopeScan(string(body), f)
			if err != nil || slow != fast {
				t.Fatalf("fast envelope %+v, scanner %+v, %v", fast, slow, err)
			}
		}
	})
}

func checkParseError(t *testing.T, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T is not a *ParseError: %v", err, err)
	}
	known := false
	for _, s := range []error{ErrMalformed, ErrForbiddenXML, ErrTooDeep, ErrInvalidNumber, ErrNoEncrypt} {
		known = known || errors.Is(err, s)
	}
	if !known || pe.Offset < 0 || err.Error() == "" {
		t.Fatalf("error %q matches no sentinel or has offset %d", err, pe.Offset)
	}
}

func checkParsedMessage(t *testing.T, body []byte, m *Message) {
	t.Helper()
	if len(body) > 0 && &m.Raw[0] != &body[0] {
		t.Fatal("Raw is not the body")
	}
	f, _ := parseDetect(body)
	if m.Format != f {
		t.Fatalf("Format %v, detected %v", m.Format, f)
	}
	event := func(es ...EventType) bool {
		for _, e := range es {
			if m.MsgType == MsgTypeEvent && m.Event == e {
				return true
			}
		}
		return false
	}
	for _, g := range []struct {
		name  string
		isNil bool
		named bool
	}{
		{"Media", m.Media == nil, m.MsgType == MsgTypeImage || m.MsgType == MsgTypeVoice || m.MsgType == MsgTypeVideo || m.MsgType == MsgTypeShortVideo},
		{"Location", m.Location == nil, m.MsgType == MsgTypeLocation},
		{"Link", m.Link == nil, m.MsgType == MsgTypeLink},
		{"LocationReport", m.LocationReport == nil, event(EventLocation)},
		{"ScanCodeInfo", m.ScanCodeInfo == nil, event(EventScancodePush, EventScancodeWaitMsg)},
		{"SendPicsInfo", m.SendPicsInfo == nil, event(EventPicSysPhoto, EventPicPhotoOrAlbum, EventPicWeixin)},
		{"SendLocationInfo", m.SendLocationInfo == nil, event(EventLocationSelect)},
		{"Job", m.Job == nil, event(EventTemplateSendJobFinish, EventMassSendJobFinish)},
		{"Kf", m.Kf == nil, event(EventKfCreateSession, EventKfCloseSession, EventKfSwitchSession)},
		{"Component", m.Component == nil, m.InfoType == InfoComponentVerifyTicket || m.InfoType == InfoAuthorized || m.InfoType == InfoUnauthorized || m.InfoType == InfoUpdateAuthorized},
	} {
		if g.isNil && g.named {
			t.Fatalf("%s is nil for MsgType %q Event %q InfoType %q", g.name, m.MsgType, m.Event, m.InfoType)
		}
	}
	if _, err := json.Marshal(m); err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	again, err := ParseMessage(body)
	if err != nil || !reflect.DeepEqual(m, again) {
		t.Fatalf("second parse differs: %v", err)
	}
	if DedupKey(m) == "" {
		t.Fatal("empty dedup key")
	}
}
