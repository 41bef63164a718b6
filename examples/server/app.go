package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/kefu-go/kefu/kb"
	"github.com/kefu-go/kefu/wechatmp"
)

// stores are the shared state of the server. The in-memory defaults serve one
// replica; openStores swaps in Redis or PostgreSQL ones so that several
// replicas share dedup, windows and the access token.
type stores struct {
	Dedup  wechatmp.DedupStore
	Window wechatmp.WindowStore
	Token  wechatmp.TokenStore
	Name   string // which backend, for the start-up log line and /healthz
	// Ping reports whether the shared backends answer; nil for memory.
	Ping  func(ctx context.Context) error
	Close func()
}

func memoryStores() stores {
	return stores{
		Dedup:  new(wechatmp.MemoryDedupStore),
		Window: new(wechatmp.MemoryWindowStore),
		Token:  new(wechatmp.MemoryTokenStore),
		Name:   "memory",
		Close:  func() {},
	}
}

// app is the callback service: the wechatmp Handler answering from the
// knowledge base, the API client for asynchronous answers, and the health
// endpoint.
type app struct {
	handler *wechatmp.Handler
	client  *wechatmp.Client // nil without KEFU_APP_SECRET
	window  *wechatmp.Window
	kb      *kb.KB
	log     *slog.Logger
	mux     *http.ServeMux
}

func newApp(cfg config, st stores, log *slog.Logger, now func() time.Time) (*app, error) {
	if now == nil {
		now = time.Now
	}
	know, err := loadKB(cfg.KBFile)
	if err != nil {
		return nil, err
	}
	a := &app{kb: know, log: log, window: wechatmp.NewWindow(st.Window, now)}
	if cfg.AppSecret != "" {
		a.client, err = wechatmp.NewClient(wechatmp.Config{
			AppID: cfg.AppID, AppSecret: cfg.AppSecret, BaseURL: cfg.APIBaseURL,
			TokenStore: st.Token, StableToken: true, Window: a.window, Logger: log, Now: now,
		})
		if err != nil {
			return nil, err
		}
	}
	hc := wechatmp.HandlerConfig{
		Token: cfg.Token, AppID: cfg.AppID, Handler: a.routes(), Dedup: st.Dedup,
		Interactions: a.window, Logger: log, Now: now,
	}
	if len(cfg.AESKeys) > 0 {
		if hc.Crypter, err = wechatmp.NewCrypter(cfg.Token, cfg.AppID, cfg.AESKeys...); err != nil {
			return nil, err
		}
	}
	if a.handler, err = wechatmp.NewHandler(hc); err != nil {
		return nil, err
	}
	a.mux = http.NewServeMux()
	a.mux.Handle(cfg.Path, a.handler)
	a.mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if st.Ping != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := st.Ping(ctx); err != nil {
				a.log.Warn("health check: store unreachable", "stores", st.Name, "err", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, `{"status":"unavailable","stores":%q}`, st.Name)
				return
			}
		}
		fmt.Fprintf(w, `{"status":"ok","stores":%q,"kb_entries":%d}`, st.Name, len(a.kb.Export().Entries))
	})
	return a, nil
}

// routes routes the pushes: text goes to the knowledge base, a follow gets a
// welcome, everything else is acknowledged with "success".
func (a *app) routes() *wechatmp.Mux {
	m := new(wechatmp.Mux)
	m.Handle(wechatmp.MsgTypeText, wechatmp.MessageHandlerFunc(a.onText))
	m.HandleEvent(wechatmp.EventSubscribe, wechatmp.MessageHandlerFunc(func(ctx context.Context, msg *wechatmp.Message) (wechatmp.Reply, error) {
		return wechatmp.TextReply{Content: "欢迎关注！发送问题即可咨询，回复“人工”联系客服。"}, nil
	}))
	return m
}

// onText answers a text message from the knowledge base when it is sure, and
// otherwise leaves it to an agent (acknowledged with "success"; the agent
// answers through the customer-service API within the window).
func (a *app) onText(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
	d := a.kb.Answer(m.Content, time.Unix(m.CreateTime, 0))
	a.log.DebugContext(ctx, "kb decision", "outcome", string(d.Outcome), "entry", d.ID(), "reason", d.Reason)
	if d.Outcome == kb.OutcomeAuto && d.Text != "" {
		return wechatmp.TextReply{Content: d.Text}, nil
	}
	return nil, nil
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// loadKB reads the knowledge base from path (kb JSON export format), or
// returns the built-in demo one when path is empty.
func loadKB(path string) (*kb.KB, error) {
	if path == "" {
		return kb.New(demoKB())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("KEFU_KB_FILE: %w", err)
	}
	defer f.Close()
	d, err := kb.ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("KEFU_KB_FILE %s: %w", path, err)
	}
	return kb.New(d)
}

func demoKB() kb.Data {
	return kb.Data{
		Entries: []kb.Entry{
			{ID: "hours", Category: []string{"门店"}, Question: "营业时间", Keywords: []string{"几点开门", "几点关门"}, Answer: "门店营业时间为每天 9:00–21:00。", Status: kb.StatusPublished},
			{ID: "shipping", Category: []string{"订单"}, Question: "快递多久到", Keywords: []string{"发货", "物流"}, Answer: "下单后 48 小时内发货，一般 2–3 天送达。", Status: kb.StatusPublished},
			{ID: "refund", Category: []string{"售后", "退款"}, Question: "怎么退款", Keywords: []string{"退款", "退货"}, Answer: "在订单页点击“申请退款”，我们会在 24 小时内处理。", Status: kb.StatusPublished},
		},
		Rules: kb.DefaultRules(),
	}
}
