package kb

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// Benchmark corpus: 10,000 entries with 50,000 keywords (five each),
// generated deterministically from a pool of common Chinese characters
// (customer-service vocabulary) plus some ASCII model names and codes.
const (
	benchEntries         = 10000
	benchKeywordsPerItem = 5
)

// benchChars are common characters of customer-service conversations.
const benchChars = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感见明问力理尔点文几定本公特做外孩相西果走将月十实向声车全信重三机工物气每并别真打太新比才便夫再书部水像眼等体却加电主界门利海受听表德少克代员许稜先口由死安写性马光白或住难望教命花结乐色更拉东神记处让母父应直字场平报友关放至张认接告入笑内英军候民岁往何度山觉路带万男边风解叫任金快原吃妈变通师立象数四失满战远格士音轻目条呢病始达深完今提求清王化空业思切怎非找片罗钱紶吗语元喜曾离飞科言干流欢约各即指合反题必该论交终林请医晚制球决窢传画保读运及则房早院量苦火布品近坐产答星精视五连司巴奇管类未朋且婚台夜青北队久乎越观落尽形影红爸百令周吧识步希亚术留市半热送兴造谈容极随演收首根讲整式取照办强石古华諣拿计您装似足双妻尼转诉米称丽客南领节衣站黑刻统断福城故历惊脸选包紧争另建维绝树系伤示愿持千史谁准联妇纪基买志静阿诗独复痛消社算义竟确酒需单治卡幸兰念举仅钟怕共毛句息功官待究跟穿室易游程号居考突皮哪费倒价图具刚脑永歌响商礼细专黄块脚味灵改据般破引食仍存众注笔甚某沉血备习校默务土微娘须试怀料调广蜖苏显赛查密议底列富梦错座参八除跑亮假印设线温虽掉京初养香停际致阳纸李纳验助激够严证帝饭忘趣支春集丈木研班普导顿睡展跳获艺六波察群皇段急庭创区奥器谢弟店否害草排背止组州朝封睛板角况曲馆育忙质河续哥呼若推境遇雨标姐充围案伦护冷警贝著雪索剧啊船险烟依斗值帮汉慢佛肯闻唱沙局伯族低玩资屋击速顾泪洲团圣旁堂兵七露园牛哭旅街劳型烈姑陈莫鱼异抱宝权鲁简态级票怪寻杀律胜份汽右洋范床舞秘午登楼贵吸责例追较职属渐左录丝牙党继托赶章智冲叶胡吉卖坚喝肉遗救修松临藏担戏善卫药悲敢靠伊村戴词森耳差短祖云规窗散迷油旧适乡架恩投弹铁博雷府压超负勒杂醒洗采毫嘴毕九冰既状乱景席珍童顶派素脱农疑练野按犯拍征坏骨余承置彩灯巨琴免环姆暗换技翻束增忍餐洛塞缺忆判欧层付阵玛批岛项狗休懂武革良恶恋委拥娜妙探呀营退摇弄桌熟诺宣银势奖宫忽套康供优课鸟喊降夏困刘罪亡鞋健模败伴守挥鲜财孤枪禁恐伙杰迹妹遍盖副坦牌江顺秋萨菜划授归浪听凡预奶雄升碃编典袋莱含盛济蒙棋端腿招释介烧误"

// benchWords are the pool of two-character words keywords are made of.
func benchWords(r *rand.Rand, n int) []string {
	chars := []rune(benchChars)
	seen := make(map[string]bool, n)
	words := make([]string, 0, n)
	for len(words) < n {
		w := string([]rune{chars[r.IntN(len(chars))], chars[r.IntN(len(chars))]})
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// benchData generates the benchmark knowledge base and the vocabulary its
// messages are made of.
func benchData() (Data, []string) {
	r := rand.New(rand.NewPCG(1, 2))
	words := benchWords(r, 20000)
	entries := make([]Entry, benchEntries)
	for i := range entries {
		kws := make([]string, benchKeywordsPerItem)
		for k := range kws {
			switch n := r.IntN(10); {
			case n == 0: // ASCII model name or code, e.g. "x300pro", "vip7"
				kws[k] = []string{"x", "vip", "pro", "max", "iphone", "sku"}[r.IntN(6)] + strconv.Itoa(r.IntN(1000))
			case n < 5:
				kws[k] = words[r.IntN(len(words))]
			default:
				kws[k] = words[r.IntN(len(words))] + words[r.IntN(len(words))]
			}
		}
		entries[i] = Entry{
			ID:       "e" + strconv.Itoa(i),
			Category: []string{"类" + strconv.Itoa(i%20), "子" + strconv.Itoa(i%7)},
			Question: words[r.IntN(len(words))] + words[r.IntN(len(words))] + words[r.IntN(len(words))],
			Keywords: kws,
			Answer:   "回答" + strconv.Itoa(i),
			Status:   StatusPublished,
			Priority: r.IntN(5),
		}
		if i%10 == 0 { // some promotions with a window
			entries[i].ValidFrom = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			entries[i].ValidTo = time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)
		}
	}
	return Data{Entries: entries}, words
}

// benchMessage builds a message of n runes: vocabulary words, some ASCII,
// spaces and punctuation, as customers type them.
func benchMessage(r *rand.Rand, words []string, n int) string {
	var b []rune
	for len(b) < n {
		switch k := r.IntN(12); {
		case k == 0:
			b = append(b, []rune("ＶＩＰ")...)
		case k == 1:
			b = append(b, '，')
		case k == 2:
			b = append(b, ' ')
		default:
			b = append(b, []rune(words[r.IntN(len(words))])...)
		}
	}
	return string(b[:n])
}

func benchMessages(words []string, n int) []string {
	r := rand.New(rand.NewPCG(3, uint64(n)))
	msgs := make([]string, 64)
	for i := range msgs {
		msgs[i] = benchMessage(r, words, n)
	}
	return msgs
}

var benchNow = time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)

func BenchmarkLookup(b *testing.B) {
	d, words := benchData()
	ix, err := Build(d)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{30, 300} {
		msgs := benchMessages(words, n)
		b.Run("chars="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			i := 0
			cpu := startCPU()
			for b.Loop() {
				hits += len(ix.Lookup(msgs[i%len(msgs)], benchNow))
				i++
			}
			cpu.report(b)
			if hits == 0 {
				b.Fatal("no lookup found anything")
			}
		})
	}
}

// BenchmarkNaiveLookup is the baseline: strings.Contains of every
// normalised keyword in the normalised message.
func BenchmarkNaiveLookup(b *testing.B) {
	d, words := benchData()
	type kw struct {
		text  string
		entry int
	}
	var kws []kw
	for i, e := range d.Entries {
		for _, k := range e.Keywords {
			kws = append(kws, kw{textmatch.Normalize(k), i})
		}
	}
	if len(kws) != benchEntries*benchKeywordsPerItem {
		b.Fatalf("%d keywords", len(kws))
	}
	for _, n := range []int{30, 300} {
		msgs := benchMessages(words, n)
		b.Run("chars="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			i := 0
			cpu := startCPU()
			for b.Loop() {
				msg := textmatch.Normalize(msgs[i%len(msgs)])
				for _, k := range kws {
					if strings.Contains(msg, k.text) {
						hits++
					}
				}
				i++
			}
			cpu.report(b)
			if hits == 0 {
				b.Fatal("no keyword found")
			}
		})
	}
}

func BenchmarkBuild(b *testing.B) {
	d, _ := benchData()
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		if _, err := Build(d); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
	b.StopTimer()
	b.ReportMetric(float64(indexHeapBytes(b, d)), "index-bytes")
}

// indexHeapBytes measures the live heap held by an Index built from d.
func indexHeapBytes(tb testing.TB, d Data) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix, err := Build(d)
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ix)
	return after.HeapAlloc - before.HeapAlloc
}

func TestIndexMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 10,000-entry benchmark corpus")
	}
	d, _ := benchData()
	n := indexHeapBytes(t, d)
	t.Logf("index of %d entries / %d keywords: %.1f MiB live heap (includes the index's copy of the entries)",
		len(d.Entries), len(d.Entries)*benchKeywordsPerItem, float64(n)/(1<<20))
	if n == 0 || n > 200<<20 {
		t.Fatalf("implausible index size %d bytes", n)
	}
}
