package wechatmp

import (
	"strconv"
	"testing"
	"time"
)

// A captured push replayed while its timestamp is still inside the replay
// window must be recognised as a duplicate: the dedup record has to outlive
// the window, on either side of the Handler's clock.
func TestHandlerReplayInsideWindowIsDuplicate(t *testing.T) {
	for _, offset := range []time.Duration{0, -DefaultReplayWindow, DefaultReplayWindow} {
		clock := newTestClock()
		e := &echoText{}
		h := newTestHandler(t, HandlerConfig{Handler: e, Now: clock.Now})
		ts := strconv.FormatInt(testEpoch.Add(offset).Unix(), 10)
		req := func() int {
			return serve(h, testPush{mode: modeAES, body: textXML("pay me", 41), timestamp: ts, nonce: "777"}.request(t)).Code
		}
		if code := req(); code != 200 {
			t.Fatalf("offset %v: first push: status %d", offset, code)
		}
		// The replay comes as late as the window lets it in.
		clock.Advance(offset + DefaultReplayWindow)
		if code := req(); code != 200 {
			t.Fatalf("offset %v: replay: status %d", offset, code)
		}
		if n := e.count(); n != 1 {
			t.Errorf("offset %v: a replay %v after the push reached the handler (%d calls)", offset, offset+DefaultReplayWindow, n)
		}
	}
}
