package kb_test

import (
	"slices"
	"testing"

	"github.com/kefu-go/kefu/kb"
)

func TestCategories(t *testing.T) {
	cat := func(e kb.Entry, path ...string) kb.Entry { e.Category = path; return e }
	hidden := cat(pub("old", "旧活动", "旧"), "活动")
	hidden.Status = kb.StatusHidden
	ix := mustBuild(t, kb.Data{Entries: []kb.Entry{
		cat(pub("refund", "怎么退款", "退款"), "售后", "退款"),
		cat(pub("refund-time", "退款多久到账", "到账"), "售后", "退款"),
		cat(pub("repair", "怎么保修", "保修"), "售后", "维修"),
		cat(pub("after", "售后电话", "售后"), "售后"),
		cat(pub("shipping", "快递多久到", "快递"), "订单"),
		cat(pub("double11", "双十一", "双11"), "活动"),
		hidden,
		pub("hours", "营业时间"),
	}})
	root := ix.Categories()
	if root.Name != "" || root.Total != 8 || !slices.Equal(root.Entries, []string{"hours"}) {
		t.Fatalf("root = %+v", root)
	}
	var names []string
	for _, c := range root.Children {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"售后", "活动", "订单"}) {
		t.Fatalf("top categories %q", names)
	}
	after, ok := root.Find("售后")
	if !ok || after.Total != 4 || !slices.Equal(after.Entries, []string{"after"}) || len(after.Children) != 2 {
		t.Fatalf("售后 = %+v", after)
	}
	refund, ok := root.Find("售后", "退款")
	if !ok || refund.Name != "退款" || !slices.Equal(refund.Path, []string{"售后", "退款"}) ||
		!slices.Equal(refund.Entries, []string{"refund", "refund-time"}) || refund.Total != 2 {
		t.Fatalf("售后/退款 = %+v", refund)
	}
	if act, _ := root.Find("活动"); act.Total != 2 { // hidden entries are in the tree
		t.Fatalf("活动 = %+v", act)
	}
	if _, ok := root.Find("售后", "换货"); ok {
		t.Fatal("Find found a missing category")
	}
	if self, ok := root.Find(); !ok || self.Total != 8 {
		t.Fatal("Find() is not the node itself")
	}

	var got []string
	for _, e := range ix.EntriesIn("售后") {
		got = append(got, e.ID)
	}
	if !slices.Equal(got, []string{"after", "refund", "refund-time", "repair"}) {
		t.Fatalf("EntriesIn(售后) = %q", got)
	}
	if n := len(ix.EntriesIn()); n != 8 {
		t.Fatalf("EntriesIn() = %d entries", n)
	}
	if n := len(ix.EntriesIn("售后", "退款", "更深")); n != 0 {
		t.Fatalf("EntriesIn(deeper) = %d", n)
	}
	es := ix.EntriesIn("订单")
	es[0].Category[0] = "changed"
	if e, _ := ix.Entry("shipping"); e.Category[0] != "订单" || e.CategoryPath() != "订单" {
		t.Fatal("EntriesIn returned the index's memory")
	}
	// The tree is a copy too.
	root.Children[0].Name = "x"
	if ix.Categories().Children[0].Name != "售后" {
		t.Fatal("Categories returned shared memory")
	}
}
