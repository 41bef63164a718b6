package kb_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kefu-go/kefu/kb"
)

func fullData() kb.Data {
	cst := time.FixedZone("CST", 8*3600)
	promo := pub("double11", "双十一活动", "双十一", "双11")
	promo.Category = []string{"活动"}
	promo.ValidFrom = time.Date(2026, 11, 11, 0, 0, 0, 0, cst)
	promo.ValidTo = time.Date(2026, 11, 12, 0, 0, 0, 0, cst)
	promo.Media = []kb.MediaRef{{Kind: "news", ID: "news-1111"}}
	promo.Priority = 10
	refund := pub("refund", "怎么退款", "退款", "退货")
	refund.Category = []string{"售后", "退款"}
	refund.Synonyms = []string{"退钱"}
	refund.Exclusions = []string{"不退款"}
	refund.UpdatedAt = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	refund.Version = 3
	hidden := pub("old-phone", "X1 手机保修", "x1")
	hidden.Status = kb.StatusHidden
	return kb.Data{
		Settings: kb.Settings{AutoReplyScore: 0.7, AutoReplyMargin: 0.2, MinScore: 0.25, Recommendations: 4},
		Entries:  []kb.Entry{refund, promo, hidden, pub("hours", "营业时间", "几点开门")},
		Rules: append(kb.DefaultRules(), kb.Rule{ID: "hello", Exact: []string{"你好"}, Action: kb.ActionReply,
			Reply: "您好 <3 & 欢迎", Media: []kb.MediaRef{{Kind: "image", ID: "img"}}, Priority: -1}),
		Canned:  []kb.Canned{{Code: "/refund", Title: "退款", Text: "{name}您好，已退款。"}, {Code: "/hi", Text: "您好"}},
		Phrases: []kb.Phrase{{Text: "终身免费升级", Rule: "承诺", Severity: kb.SeverityBlock, Suggestion: "保修期内"}},
	}
}

// dataOpts compares Data ignoring entry order and nil-versus-empty slices.
var dataOpts = cmp.Options{
	cmpopts.EquateEmpty(),
	cmpopts.SortSlices(func(a, b kb.Entry) bool { return a.ID < b.ID }),
	cmpopts.SortSlices(func(a, b kb.Canned) bool { return strings.ToLower(a.Code) < strings.ToLower(b.Code) }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

func TestJSONRoundTrip(t *testing.T) {
	d := fullData()
	var buf bytes.Buffer
	if err := d.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	first := buf.String()
	if !strings.Contains(first, `"reply": "您好 <3 & 欢迎"`) {
		t.Fatalf("HTML escaping or layout changed:\n%s", first)
	}
	if strings.Index(first, `"id": "double11"`) > strings.Index(first, `"id": "refund"`) {
		t.Fatal("entries not sorted by id in the export")
	}
	got, err := kb.ReadJSON(strings.NewReader("\ufeff" + first))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, got, dataOpts); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	buf.Reset()
	if err := got.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != first {
		t.Fatal("second export differs from the first")
	}

	// Through a KB: export, import into another KB, same answers.
	k1 := mustNew(t, d)
	k2 := mustNew(t, kb.Data{})
	if err := k2.Import(t.Context(), k1.Export()); err != nil {
		t.Fatal(err)
	}
	ignoreStamps := cmpopts.IgnoreFields(kb.Entry{}, "UpdatedAt", "Version")
	if diff := cmp.Diff(k1.Export(), k2.Export(), dataOpts, ignoreStamps); diff != "" {
		t.Fatalf("KB export/import (-want +got):\n%s", diff)
	}
	at := time.Date(2026, 11, 11, 12, 0, 0, 0, time.UTC)
	for _, msg := range []string{"双11", "退款", "你好", "投诉", "营业时间", "x1"} {
		if a, b := k1.Answer(msg, at), k2.Answer(msg, at); a.Reason != b.Reason {
			t.Errorf("%q: %q vs %q", msg, a.Reason, b.Reason)
		}
	}
}

func TestReadJSONErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"entries":[{"id":"a","question":"q","answer":"x","status":"published","colour":"red"}]}`, `unknown field "colour"`},
		{"{\n\"entries\": [\n{\"id\": 1}]}", "line 3"},
		{"{\n\"entries\": [,]}", "line 2"},
		{`{"entries":[]} {}`, "trailing data"},
		{`{"entries":[{"id":"a","question":"q","answer":"x"},{"id":"a","question":"q","answer":"y"}]}`, "duplicate id"},
		{`{"entries":[{"id":"a","question":"q","answer":"x","status":"live"}]}`, "unknown status"},
		{`{"settings":{"recommendations":99}}`, "recommendations"},
		{``, "EOF"},
	}
	for _, tt := range tests {
		_, err := kb.ReadJSON(strings.NewReader(tt.in))
		if !errorsIs(err, kb.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadJSON(%q) = %v, want ErrInvalid mentioning %q", tt.in, err, tt.want)
		}
	}
}

func TestEntryValidate(t *testing.T) {
	ok := pub("a", "营业时间")
	tests := []struct {
		name  string
		edit  func(e *kb.Entry)
		field string
	}{
		{"empty id", func(e *kb.Entry) { e.ID = "" }, "id"},
		{"id with spaces", func(e *kb.Entry) { e.ID = " a" }, "id"},
		{"unknown status", func(e *kb.Entry) { e.Status = "live" }, "status"},
		{"empty category segment", func(e *kb.Entry) { e.Category = []string{"售后", " "} }, "category"},
		{"slash in category", func(e *kb.Entry) { e.Category = []string{"售后/退款"} }, "category"},
		{"punctuation keyword", func(e *kb.Entry) { e.Keywords = []string{"？！"} }, "keywords"},
		{"empty exclusion", func(e *kb.Entry) { e.Exclusions = []string{""} }, "keywords"},
		{"nothing to match", func(e *kb.Entry) { e.Question = "？" }, "question"},
		{"no answer", func(e *kb.Entry) { e.Answer = " " }, "answer"},
		{"bad media", func(e *kb.Entry) { e.Media = []kb.MediaRef{{Kind: "image"}} }, "media"},
		{"window backwards", func(e *kb.Entry) { e.ValidFrom, e.ValidTo = t0, t0 }, "valid_to"},
		{"priority too high", func(e *kb.Entry) { e.Priority = 101 }, "priority"},
		{"negative version", func(e *kb.Entry) { e.Version = -1 }, "version"},
	}
	for _, tt := range tests {
		e := ok
		tt.edit(&e)
		err := e.Validate()
		var ve *kb.ValidationError
		if !errorsAs(err, &ve) || ve.Field != tt.field || ve.Kind != "entry" || !errorsIs(err, kb.ErrInvalid) {
			t.Errorf("%s: Validate() = %v, want an entry error on %q", tt.name, err, tt.field)
		}
	}
	for _, e := range []kb.Entry{
		ok,
		{ID: "kw-only", Keywords: []string{"退款"}, Media: []kb.MediaRef{{Kind: "image", ID: "m"}}},
		{ID: "window", Question: "q", Answer: "a", ValidFrom: t0, ValidTo: t0.Add(time.Second), Priority: -100},
	} {
		if err := e.Validate(); err != nil {
			t.Errorf("Validate(%s) = %v", e.ID, err)
		}
	}
	if err := (&kb.ValidationError{Kind: "entry", ID: "a", Field: "id", Msg: "bad"}).Error(); err != `kb: invalid entry "a": id: bad` {
		t.Fatalf("Error() = %q", err)
	}
}
