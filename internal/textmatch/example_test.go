package textmatch_test

import (
	"fmt"

	"github.com/kefu-go/kefu/internal/textmatch"
)

func ExampleMatcher_Scan() {
	m, err := textmatch.Compile([]string{"终身免费升级", "vip会员"})
	if err != nil {
		fmt.Println(err)
		return
	}
	text := "ＶＩＰ 会员可以终身·免费升级！"
	m.Scan(text, func(x textmatch.Match) bool {
		fmt.Printf("pattern %d at [%d:%d] %q\n", x.Pattern, x.Start, x.End, text[x.Start:x.End])
		return true
	})
	fmt.Println(m.Exact("  VIP会员？"))
	// Output:
	// pattern 1 at [0:16] "ＶＩＰ 会员"
	// pattern 0 at [22:42] "终身·免费升级"
	// [1]
}

func ExampleNormalize() {
	fmt.Println(textmatch.Normalize("ＶＩＰ 会员?"))
	// Output: vip会员
}
