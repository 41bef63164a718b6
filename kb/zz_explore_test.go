package kb

import (
	"testing"
	"github.com/kefu-go/kefu/internal/textmatch"
)

func BenchmarkZZScan(b *testing.B) {
	d := benchData()
	ix, _ := Build(d)
	m := ix.entries.matcher
	_ = m
	msgs := benchMessages(d, 300)
	b.Run("noop", func(b *testing.B) {
		i := 0
		for b.Loop() {
			m.Scan(msgs[i%64], func(textmatch.Match) bool { return true })
			i++
		}
	})
	b.Run("hits", func(b *testing.B) {
		i := 0
		var buf []textmatch.Hit
		for b.Loop() {
			buf, _ = m.AppendHits(buf[:0], msgs[i%64])
			i++
		}
	})
	b.Run("touch", func(b *testing.B) {
		i := 0
		var sum int32
		for b.Loop() {
			m.Scan(msgs[i%64], func(x textmatch.Match) bool { sum += ix.entries.posts[x.Slot].entry(); return true })
			i++
		}
	})
	b.Run("lookup", func(b *testing.B) {
		i := 0
		for b.Loop() {
			ix.Lookup(msgs[i%64], benchNow)
			i++
		}
	})
}

func TestZZStats(t *testing.T) {
	ix, _ := Build(benchData())
	t.Log(ix.entries.matcher.DebugStats())
}
