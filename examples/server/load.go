package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// The load command measures, on loopback and in one run, how many callbacks per
// second the full pipeline serves (signature, replay window, decrypt, parse,
// dedup, window bookkeeping, knowledge-base answer, encrypted reply) beside a
// bare net/http handler that only reads the body and answers "success". Both
// servers run in this process on 127.0.0.1 and are driven by the same client
// with the same concurrency, so the ratio is what the pipeline costs.

const (
	loadAppID  = "wx5823bf96d3bd56c7"
	loadToken  = "kefuload"
	loadAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

type loadResult struct {
	Name      string
	Requests  int
	Errors    int64
	Elapsed   time.Duration
	P50, P99  time.Duration
	PerSecond float64
}

func runLoad(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 20000, "requests per round and server")
	c := fs.Int("c", 32, "concurrent clients")
	rounds := fs.Int("rounds", 2, "rounds per server (alternating); the best round counts")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 1 || *c < 1 || *rounds < 1 {
		fmt.Fprintln(stderr, "load: -n, -c and -rounds must be positive")
		return 2
	}
	res, err := measureLoad(*n, *c, *rounds)
	if err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%-22s %10s %10s %10s %8s\n", "server", "req/s", "p50", "p99", "errors")
	for _, r := range res {
		fmt.Fprintf(stdout, "%-22s %10.0f %10s %10s %8d\n", r.Name, r.PerSecond, r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Errors)
	}
	fmt.Fprintf(stdout, "ratio full/bare: %.2f (n=%d, c=%d, rounds=%d)\n", res[1].PerSecond/res[0].PerSecond, *n, *c, *rounds)
	if res[0].Errors+res[1].Errors > 0 {
		return 1
	}
	return 0
}

// measureLoad returns the best round of the bare handler and of the full
// pipeline.
func measureLoad(n, c, rounds int) ([]loadResult, error) {
	cfg := config{AppID: loadAppID, Token: loadToken, AESKeys: []string{loadAESKey}, Path: "/wechat"}
	a, err := newApp(cfg, memoryStores(), slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		return nil, err
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, wechatmp.ReplySuccess)
	})
	fullURL, stopFull, err := listenLoopback(a)
	if err != nil {
		return nil, err
	}
	defer stopFull()
	bareURL, stopBare, err := listenLoopback(bare)
	if err != nil {
		return nil, err
	}
	defer stopBare()

	crypter, err := wechatmp.NewCrypter(loadToken, loadAppID, loadAESKey)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: c, MaxIdleConnsPerHost: c, DisableCompression: true}}
	if err := checkPipeline(client, crypter, fullURL+"/wechat"); err != nil {
		return nil, err
	}
	best := []loadResult{{Name: "bare net/http"}, {Name: "kefu full pipeline"}}
	msgID := int64(1)
	for round := 0; round < rounds; round++ {
		for i, base := range []string{bareURL, fullURL} {
			// Fresh messages each round: the full pipeline deduplicates retries.
			reqs, err := buildCallbacks(crypter, base+"/wechat", n, &msgID)
			if err != nil {
				return nil, err
			}
			r := drive(client, reqs, c)
			r.Name = best[i].Name
			if best[i].PerSecond < r.PerSecond {
				best[i] = r
			}
		}
	}
	return best, nil
}

func listenLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

type prepared struct {
	url  string
	body []byte
}

// buildCallbacks prepares n distinct secure-mode text callbacks, signed and
// encrypted as WeChat sends them, half of which the knowledge base answers.
func buildCallbacks(c *wechatmp.Crypter, target string, n int, msgID *int64) ([]prepared, error) {
	out := make([]prepared, n)
	now := time.Now().Unix()
	texts := []string{"你好，请问你们营业时间是几点？", "我上周买的洗面奶想换个颜色，订单号 20231114-8812"}
	for i := range out {
		id := *msgID
		*msgID++
		plain := fmt.Sprintf("<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[oLoad%06d]]></FromUserName>"+
			"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>",
			i%5000, now, texts[i%2], id)
		ts, nonce := strconv.FormatInt(now, 10), strconv.Itoa(100000+i)
		enc, sig, err := c.Encrypt([]byte(plain), ts, nonce, 0)
		if err != nil {
			return nil, err
		}
		q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "encrypt_type": {"aes"}, "msg_signature": {sig},
			"signature": {wechatmp.Signature(loadToken, ts, nonce)}, "openid": {fmt.Sprintf("oLoad%06d", i%5000)}}
		body := "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
		out[i] = prepared{url: target + "?" + q.Encode(), body: []byte(body)}
	}
	return out, nil
}

// drive sends every request with c concurrent clients and measures throughput
// and latency percentiles. A non-200 answer counts as an error.
func drive(client *http.Client, reqs []prepared, c int) loadResult {
	lat := make([]time.Duration, len(reqs))
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) {
					return
				}
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, reqs[i].url, bytes.NewReader(reqs[i].body))
				req.Header.Set("Content-Type", "text/xml")
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	return loadResult{
		Requests: len(reqs), Errors: errs.Load(), Elapsed: elapsed,
		P50: lat[len(lat)/2], P99: lat[len(lat)*99/100],
		PerSecond: float64(len(reqs)) / elapsed.Seconds(),
	}
}

// checkPipeline sends one callback through the full pipeline and checks that
// the answer is the knowledge base's reply, encrypted, so that the load run
// measures a server that really works.
func checkPipeline(client *http.Client, c *wechatmp.Crypter, target string) error {
	msgID := int64(-1 << 40)
	reqs, err := buildCallbacks(c, target, 1, &msgID)
	if err != nil {
		return err
	}
	resp, err := client.Post(reqs[0].url, "text/xml", bytes.NewReader(reqs[0].body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	env, err := wechatmp.ParseEnvelope(body)
	if resp.StatusCode != http.StatusOK || err != nil || env.Encrypt == "" {
		return fmt.Errorf("pipeline check: status %d, answer %.80q: %v", resp.StatusCode, body, err)
	}
	plain, _, err := c.Open(nil, []byte(env.Encrypt))
	if err != nil || !bytes.Contains(plain, []byte("9:00")) {
		return fmt.Errorf("pipeline check: reply %.120q: %v", plain, err)
	}
	return nil
}
