package kb_test

import (
	"slices"
	"testing"

	"github.com/kefu-go/kefu/kb"
)

func cannedIndex(t *testing.T) *kb.Index {
	return mustBuild(t, kb.Data{Canned: []kb.Canned{
		{Code: "/refund", Title: "退款已处理", Text: "{name}您好，订单 {order_no} 已退款。"},
		{Code: "/refund-rejected", Text: "{name}您好，订单 {order_no} 不符合退款条件，{name}请见谅。"},
		{Code: "/Return", Text: "退货地址：{address}"},
		{Code: "/hello", Text: "您好，请问有什么可以帮您？"},
		{Code: "/json", Text: "格式：{{\"order\": \"{order_no}\"}}"},
		{Code: "/card", Media: []kb.MediaRef{{Kind: "image", ID: "m1"}}},
	}})
}

func TestSearchCanned(t *testing.T) {
	ix := cannedIndex(t)
	tests := []struct {
		prefix string
		want   []string
	}{
		{"/re", []string{"/refund", "/refund-rejected", "/Return"}},
		{"re", []string{"/refund", "/refund-rejected", "/Return"}},
		{"/RE", []string{"/refund", "/refund-rejected", "/Return"}},
		{" /ref ", []string{"/refund", "/refund-rejected"}},
		{"/refund", []string{"/refund", "/refund-rejected"}},
		{"/refund-", []string{"/refund-rejected"}},
		{"/ret", []string{"/Return"}},
		{"/x", nil},
		{"", []string{"/card", "/hello", "/json", "/refund", "/refund-rejected", "/Return"}},
		{"/", []string{"/card", "/hello", "/json", "/refund", "/refund-rejected", "/Return"}},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range ix.SearchCanned(tt.prefix) {
			got = append(got, c.Code)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("SearchCanned(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
	// The result is a copy.
	ix.SearchCanned("/hello")[0].Text = "changed"
	if ix.SearchCanned("/hello")[0].Text == "changed" {
		t.Fatal("SearchCanned returned the index's own memory")
	}
}

func TestFillCanned(t *testing.T) {
	ix := cannedIndex(t)
	vars := map[string]string{"name": "张先生", "order_no": "E2026111100001", "unused": "x"}
	tests := []struct {
		code    string
		vars    map[string]string
		want    string
		missing string // the variable a *VariableError names
	}{
		{"/refund", vars, "张先生您好，订单 E2026111100001 已退款。", ""},
		{"refund", vars, "张先生您好，订单 E2026111100001 已退款。", ""},
		{"/REFUND", vars, "张先生您好，订单 E2026111100001 已退款。", ""},
		{"/refund-rejected", vars, "张先生您好，订单 E2026111100001 不符合退款条件，张先生请见谅。", ""},
		{"/hello", nil, "您好，请问有什么可以帮您？", ""},
		{"/json", vars, `格式：{"order": "E2026111100001"}`, ""},
		{"/refund", map[string]string{"name": "张先生"}, "", "order_no"},
		{"/refund", map[string]string{"name": "", "order_no": "1"}, "", "name"}, // empty is missing
		{"/return", nil, "", "address"},
	}
	for _, tt := range tests {
		got, err := ix.FillCanned(tt.code, tt.vars)
		if tt.missing != "" {
			var ve *kb.VariableError
			if !errorsAs(err, &ve) || ve.Variable != tt.missing || !errorsIs(err, kb.ErrUnknownVariable) {
				t.Errorf("FillCanned(%q) error = %v, want a *VariableError for %q", tt.code, err, tt.missing)
			}
			if got != "" {
				t.Errorf("FillCanned(%q) returned %q with an error", tt.code, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("FillCanned(%q) = %q, %v; want %q", tt.code, got, err, tt.want)
		}
	}
	if _, err := ix.FillCanned("/nope", vars); !errorsIs(err, kb.ErrNotFound) {
		t.Fatalf("unknown code: %v, want ErrNotFound", err)
	}
}

func TestCannedValidateAndVariables(t *testing.T) {
	bad := []kb.Canned{
		{Code: "refund", Text: "x"},      // no slash
		{Code: "/", Text: "x"},           // too short
		{Code: "/re fund", Text: "x"},    // space
		{Code: "/a", Text: "  "},         // no text or media
		{Code: "/a", Text: "{name"},      // unclosed
		{Code: "/a", Text: "name}"},      // unmatched
		{Code: "/a", Text: "{}"},         // empty variable
		{Code: "/a", Text: "{order no}"}, // bad name
		{Code: "/a", Text: "{订单-号}"},     // bad name
	}
	for _, c := range bad {
		if err := c.Validate(); !errorsIs(err, kb.ErrInvalid) {
			t.Errorf("Validate(%+v) = %v, want ErrInvalid", c, err)
		}
	}
	if _, err := kb.Build(kb.Data{Canned: []kb.Canned{{Code: "/a", Text: "x"}, {Code: "/A", Text: "y"}}}); !errorsIs(err, kb.ErrInvalid) {
		t.Fatalf("codes differing only in case accepted: %v", err)
	}
	c := kb.Canned{Code: "/a", Text: "{name}您好，{订单号}，{name}{{literal}}"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := c.Variables(); !slices.Equal(got, []string{"name", "订单号"}) {
		t.Fatalf("Variables() = %q", got)
	}
	if got := (&kb.Canned{Text: "{bad"}).Variables(); got != nil {
		t.Fatalf("Variables of a malformed template = %q", got)
	}
	if _, err := (&kb.Canned{Code: "/a", Text: "{bad"}).Fill(nil); !errorsIs(err, kb.ErrInvalid) {
		t.Fatalf("Fill of a malformed template = %v", err)
	}
}
