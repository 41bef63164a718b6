package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestQuickstart runs the whole demo: every scene checks its own outcome and
// fails the run when kefu misbehaves; here we also check that the transcript
// shows each scenario's point and that two runs print the same bytes.
func TestQuickstart(t *testing.T) {
	var first, second bytes.Buffer
	if err := run(&first); err != nil {
		t.Fatalf("run: %v\n%s", err, first.String())
	}
	if err := run(&second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Fatal("two runs printed different transcripts: the demo is not deterministic")
	}
	out := first.String()
	for _, want := range []string{
		"公众号     欢迎关注！",                                       // 1. the follow is welcomed
		"公众号     门店营业时间为每天 9:00–21:00",                        // 1. the bot answers
		"assigned to bob in queue \"after_sales\"",            // 2. routed to after-sales
		"ticket RF-0001: refund by system:finance → refunded", // 2. through finance
		"退款已完成，款项将按原支付方式退回，请注意查收。 (custom)",                   // 2. pushed to the user
		"张先生，您好！已为您优先接入资深客服。",                                 // 3. VIP greeting
		"assigned to carol in queue \"vip\"",                  // 3. senior agent
		"assigned to dave in queue \"complaints\"",            // 4. complaints
		"opens voice MEDIA_voice_000002",                      // 5. media via the API
		"12:58:00 customer [image MEDIA_image_000003]",        // 6. context kept
		"blocked: \"终身免费升级\"",                                 // 7. phrase guard
		"refused locally, no request sent",                    // 8. window
		"sent through template",                               // 8. fallback
		"the host's code ran 1 time(s)",                       // 9. dedup
		"Unanswered questions:\n  \"有没有蓝色款的保温杯？\" × 1",        // summary
		"SLA breaches: 2 (tickets: CP-0002)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	// Scene 4: the complaint got no automatic answer right after it.
	i := strings.Index(out, "投诉：你们骗子")
	j := strings.Index(out[i:], "── 5.")
	if strings.Contains(out[i:i+j], "公众号  ") {
		t.Error("the complaint got an automatic reply")
	}
	// PII: the phone number is never printed in clear.
	if strings.Contains(out, "13800138000") {
		t.Error("a phone number was printed")
	}
}
