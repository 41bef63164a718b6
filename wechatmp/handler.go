package wechatmp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Defaults of HandlerConfig.
const (
	// DefaultMaxBodyBytes bounds a callback body. Real pushes are a few KiB.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultDeadline is how long after a request arrives the host's
	// MessageHandler may take before the Handler answers ReplySuccess on its
	// own: half a second inside WeChat's five seconds.
	DefaultDeadline = 4500 * time.Millisecond
	// DefaultLateTimeout is how long a late MessageHandler may keep running
	// in the background with its reply still kept for WeChat's retries
	// (three retries, five seconds apart).
	DefaultLateTimeout = 15 * time.Second
	// DefaultDedupTTL is the least time a handled push is remembered; with
	// the replay window on, a zero HandlerConfig.DedupTTL is longer (see
	// there).
	DefaultDedupTTL = 2 * time.Minute
	// DefaultReplayWindow is how far a callback's timestamp may lie from the
	// Handler's clock: wide enough for WeChat's retries and ordinary skew.
	DefaultReplayWindow = 5 * time.Minute
	// DefaultDedupPollInterval is how often a retry of a push that another
	// replica is still handling looks at the DedupStore.
	DefaultDedupPollInterval = 100 * time.Millisecond
)

// HandlerConfig configures a Handler. Zero fields take the documented
// defaults; Handler and either Token or Crypter are required. NewHandler
// copies what it needs: changing the struct afterwards has no effect.
type HandlerConfig struct {
	// Token is the callback token of the account (服务器配置 Token). It may be
	// left empty when Crypter is set; if both are set they must agree.
	Token string
	// Crypter decrypts encrypted pushes (compatible and secure mode) and
	// encrypts their replies, with key rotation. Nil means plaintext mode
	// only: encrypted pushes are refused with 400.
	Crypter *Crypter
	// AppID is the account's AppID, passed to Interactions. A Window keys
	// windows by it, so it must equal the Config.AppID of the Client that
	// sends to these users. Empty means Crypter.AppID(), which is right for
	// an Official Account; a third-party platform's Crypter embeds the
	// component AppID instead, so set AppID to the authorizer's AppID there
	// (one Handler per authorizer), or the Client refuses every send with
	// ErrWindowClosed.
	AppID string
	// Handler answers the pushes (a *Mux, or any MessageHandler). Required.
	Handler MessageHandler
	// RequireEncryption refuses plaintext pushes (403), for accounts in
	// secure mode.
	RequireEncryption bool

	// Dedup remembers handled pushes so that WeChat's retries are not
	// handled twice. Nil means a new MemoryDedupStore (one process only);
	// replicas should share a store.
	Dedup DedupStore
	// DisableDedup switches deduplication off: every retry reaches Handler
	// again, and a late reply cannot reach a retry.
	DisableDedup bool
	// DedupTTL is how long a handled push (and its reply) is remembered.
	// Zero means DefaultDedupTTL, or twice ReplayWindow plus a minute when
	// that is longer (12 minutes with the default window): a push's
	// timestamp stays acceptable for up to twice the window after the push
	// arrived, and a replay is only recognised while the record lives. A
	// shorter explicit value lets such replays through.
	DedupTTL time.Duration
	// DedupPollInterval is how often a retry waits on a push in flight on
	// another replica. Zero means DefaultDedupPollInterval.
	DedupPollInterval time.Duration

	// Deadline is the time, from the arrival of a request, after which the
	// Handler answers ReplySuccess if Handler has not returned; Handler's
	// context ends then. Zero means DefaultDeadline; keep it under 5 s.
	Deadline time.Duration
	// LateTimeout is how long after Deadline a late Handler's reply is still
	// kept for a retry. WeChat retries only a push whose answer did not reach
	// it within 5 seconds: the ReplySuccess written at Deadline normally ends
	// the exchange, and a late reply then reaches nobody. Zero means
	// DefaultLateTimeout.
	LateTimeout time.Duration

	// MaxBodyBytes bounds the request body (413 beyond). Zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// ReplayWindow refuses (403) a callback whose timestamp lies further than
	// this from Now, so that a captured callback cannot be replayed later;
	// inside the window a replay is a duplicate for dedup. In plaintext mode
	// the URL signature covers only token, timestamp and nonce, not the body,
	// so inside the window a captured signature authenticates any body: only
	// encryption (msg_signature covers the ciphertext) closes that.
	// Zero means DefaultReplayWindow; a negative value disables the check.
	ReplayWindow time.Duration

	// Interactions, if set, is told of every accepted, non-duplicate push
	// that opens the customer-service window (see InteractionOf). Its errors
	// are logged, never fail the callback.
	Interactions InteractionRecorder
	// Logger receives diagnostics; nil means silent. Tokens, keys and bodies
	// are never logged; OpenIDs only at debug level.
	Logger *slog.Logger
	// Now is the clock for the replay window, reply timestamps and the
	// deadline; nil means time.Now.
	Now func() time.Time
}

// Handler is the http.Handler of an account's callback URL (服务器地址). GET
// answers WeChat's URL verification: it echoes echostr when signature holds.
// POST checks the replay window and signature, detects the mode per request
// (no encrypt_type or "raw": plaintext; "aes": compatible or secure, checked
// with msg_signature and decrypted with the current or the previous
// EncodingAESKey), parses the Message, drops WeChat's retries, calls the
// MessageHandler under a deadline and writes its Reply — encrypted with the key
// that decrypted the push when the push was encrypted — or ReplySuccess.
//
// Statuses: 403 for a bad signature, a stale timestamp or a foreign AppID, 400
// for a body that cannot be read, decrypted or parsed, 405 for other methods,
// 413 for an oversized body, 500 when the MessageHandler fails (its dedup claim
// is released, so WeChat's retry runs it again). Bodies of error answers carry
// only the status text. WeChat takes any answer but a 200 as a failure: it
// retries at once, up to three times, and when every try fails the user sees
// "该公众号提供的服务出现故障" (reported from the field; the official pages
// document only the 5-second retries). A MessageHandler that would rather
// answer nothing than have the user see that should return (nil, nil) and
// handle the failure itself.
//
// A Handler is safe for concurrent use. Build it with NewHandler.
type Handler struct {
	token        string
	crypter      *Crypter
	appID        string
	next         MessageHandler
	requireAES   bool
	dedup        DedupStore
	dedupTTL     time.Duration
	pollInterval time.Duration
	deadline     time.Duration
	lateTimeout  time.Duration
	maxBody      int64
	replayWindow time.Duration
	interactions InteractionRecorder
	log          *slog.Logger
	now          func() time.Time

	// newTimer makes the deadline and poll timers; tests replace it.
	newTimer func(d time.Duration) handlerTimer

	ownerPrefix string
	ownerSeq    atomic.Uint64

	mu       sync.Mutex
	inflight map[string]*handlerCall // dedup keys handled by this process
	bg       sync.WaitGroup          // late MessageHandler calls
}

// ErrHandlerConfig is matched by the errors NewHandler returns for an unusable
// configuration.
var ErrHandlerConfig = errors.New("wechatmp: invalid handler config")

// NewHandler checks cfg and builds a Handler.
func NewHandler(cfg HandlerConfig) (*Handler, error) {
	bad := func(msg string) error {
		return errors.Join(ErrHandlerConfig, errors.New("wechatmp: handler config: "+msg))
	}
	if cfg.Handler == nil {
		return nil, bad("Handler is nil")
	}
	token := cfg.Token
	if cfg.Crypter != nil {
		if token != "" && token != cfg.Crypter.Token() {
			return nil, bad("Token differs from Crypter's token")
		}
		token = cfg.Crypter.Token()
	}
	if token == "" {
		return nil, bad("Token is empty")
	}
	if cfg.RequireEncryption && cfg.Crypter == nil {
		return nil, bad("RequireEncryption without a Crypter")
	}
	appID := cfg.AppID
	if appID == "" && cfg.Crypter != nil {
		appID = cfg.Crypter.AppID()
	}
	if cfg.Interactions != nil && appID == "" {
		return nil, bad("Interactions needs AppID (or a Crypter)")
	}
	if cfg.Deadline < 0 || cfg.LateTimeout < 0 || cfg.DedupTTL < 0 || cfg.MaxBodyBytes < 0 || cfg.DedupPollInterval < 0 {
		return nil, bad("negative duration or size")
	}
	h := &Handler{
		token:        token,
		crypter:      cfg.Crypter,
		appID:        appID,
		next:         cfg.Handler,
		requireAES:   cfg.RequireEncryption,
		dedupTTL:     orDefault(cfg.DedupTTL, DefaultDedupTTL),
		pollInterval: orDefault(cfg.DedupPollInterval, DefaultDedupPollInterval),
		deadline:     orDefault(cfg.Deadline, DefaultDeadline),
		lateTimeout:  orDefault(cfg.LateTimeout, DefaultLateTimeout),
		maxBody:      cfg.MaxBodyBytes,
		replayWindow: orDefault(cfg.ReplayWindow, DefaultReplayWindow),
		interactions: cfg.Interactions,
		log:          cfg.Logger,
		now:          cfg.Now,
		newTimer:     handlerRealTimer,
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	if cfg.DedupTTL == 0 && h.replayWindow > 0 {
		h.dedupTTL = max(h.dedupTTL, 2*h.replayWindow+time.Minute)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if !cfg.DisableDedup {
		h.dedup = cfg.Dedup
		if h.dedup == nil {
			h.dedup = &MemoryDedupStore{Now: cfg.Now}
		}
		var p [6]byte
		_, _ = rand.Read(p[:])
		h.ownerPrefix = hex.EncodeToString(p[:]) + "-"
	}
	return h, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// Shutdown waits until every MessageHandler call still running in the
// background after its deadline has finished and stored its reply, or until
// ctx ends. It does not stop new requests: call it after http.Server.Shutdown.
func (h *Handler) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() { h.bg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		h.servePost(w, r)
	case http.MethodGet:
		h.serveVerify(w, r)
	default:
		w.Header()["Allow"] = handlerAllow
		handlerError(w, http.StatusMethodNotAllowed)
	}
}

var (
	handlerAllow       = []string{"GET, POST"}
	handlerTextPlain   = []string{"text/plain; charset=utf-8"}
	handlerXMLType     = []string{"text/xml; charset=utf-8"}
	handlerJSONType    = []string{"application/json; charset=utf-8"}
	handlerNoSniff     = []string{"nosniff"}
	handlerSuccessBody = []byte(ReplySuccess)
)

// handlerError writes status with its status text only.
func handlerError(w http.ResponseWriter, status int) {
	hd := w.Header()
	hd["Content-Type"] = handlerTextPlain
	hd["X-Content-Type-Options"] = handlerNoSniff
	w.WriteHeader(status)
	_, _ = io.WriteString(w, http.StatusText(status))
}

func (h *Handler) debug(msg string, args ...any) {
	if h.log != nil {
		h.log.Debug(msg, args...)
	}
}

func (h *Handler) warn(msg string, args ...any) {
	if h.log != nil {
		h.log.Warn(msg, args...)
	}
}

func (h *Handler) logError(msg string, args ...any) {
	if h.log != nil {
		h.log.Error(msg, args...)
	}
}

// checkRequest checks the replay window and the URL signature, answering the
// request itself when they fail.
func (h *Handler) checkRequest(w http.ResponseWriter, q *handlerQuery, arrival time.Time) bool {
	if h.replayWindow > 0 {
		if err := VerifyTimestamp(q.timestamp, arrival, h.replayWindow); err != nil {
			h.debug("wechatmp: callback refused", "reason", "timestamp", "err", err)
			handlerError(w, http.StatusForbidden)
			return false
		}
	}
	if err := VerifySignature(h.token, q.timestamp, q.nonce, q.signature); err != nil {
		h.debug("wechatmp: callback refused", "reason", "signature")
		handlerError(w, http.StatusForbidden)
		return false
	}
	return true
}

// serveVerify answers the GET of WeChat's URL verification.
func (h *Handler) serveVerify(w http.ResponseWriter, r *http.Request) {
	q, ok := handlerParseQuery(r.URL.RawQuery)
	if !ok {
		handlerError(w, http.StatusBadRequest)
		return
	}
	if !h.checkRequest(w, &q, h.now()) {
		return
	}
	hd := w.Header()
	hd["Content-Type"] = handlerTextPlain
	hd["X-Content-Type-Options"] = handlerNoSniff
	_, _ = io.WriteString(w, q.echostr)
}

// handlerBodyPool recycles request-body buffers.
var handlerBodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// readBody reads at most h.maxBody bytes of r's body into a pooled buffer.
func (h *Handler) readBody(r *http.Request) (buf *[]byte, status int) {
	if r.ContentLength > h.maxBody {
		return nil, http.StatusRequestEntityTooLarge
	}
	buf = handlerBodyPool.Get().(*[]byte)
	b := (*buf)[:0]
	for int64(len(b)) <= h.maxBody {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		end := cap(b)
		if rem := h.maxBody + 1 - int64(len(b)); int64(end-len(b)) > rem {
			end = len(b) + int(rem)
		}
		n, err := r.Body.Read(b[len(b):end])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			*buf = b
			handlerPutBody(buf)
			return nil, http.StatusBadRequest
		}
	}
	*buf = b
	if int64(len(b)) > h.maxBody {
		handlerPutBody(buf)
		return nil, http.StatusRequestEntityTooLarge
	}
	return buf, 0
}

func handlerPutBody(buf *[]byte) {
	if cap(*buf) > 64<<10 {
		return // let a rare big body go
	}
	*buf = (*buf)[:0]
	handlerBodyPool.Put(buf)
}

// handlerPush is one accepted, parsed push.
type handlerPush struct {
	msg       *Message
	encrypted bool
	key       int    // the Crypter key that decrypted it
	envFormat Format // the format of the encrypted envelope
	nonce     string
	arrival   time.Time

	// The MessageHandler call and its context live here, so that a push
	// costs one allocation rather than three.
	call handlerCall
	ctx  handlerCtx
}

// servePost handles a push.
func (h *Handler) servePost(w http.ResponseWriter, r *http.Request) {
	arrival := h.now()
	q, ok := handlerParseQuery(r.URL.RawQuery)
	if !ok {
		handlerError(w, http.StatusBadRequest)
		return
	}
	if !h.checkRequest(w, &q, arrival) {
		return
	}
	buf, status := h.readBody(r)
	if status != 0 {
		h.debug("wechatmp: callback refused", "reason", "body", "status", status)
		handlerError(w, status)
		return
	}
	p := handlerPush{nonce: q.nonce, arrival: arrival}
	switch q.encryptType {
	case "", "raw":
		if h.requireAES {
			handlerPutBody(buf)
			h.debug("wechatmp: callback refused", "reason", "plaintext push while encryption is required")
			handlerError(w, http.StatusForbidden)
			return
		}
		// One copy, which the Message keeps: its strings are substrings of
		// s and Raw views the same immutable bytes.
		s := string(*buf)
		handlerPutBody(buf)
		m, err := parseMessage(s, unsafe.Slice(unsafe.StringData(s), len(s)))
		if err != nil {
			h.debug("wechatmp: callback refused", "reason", "parse", "err", err)
			handlerError(w, http.StatusBadRequest)
			return
		}
		p.msg = m
	case "aes":
		status := h.open(&p, *buf, &q)
		handlerPutBody(buf)
		if status != 0 {
			handlerError(w, status)
			return
		}
	default:
		handlerPutBody(buf)
		h.debug("wechatmp: callback refused", "reason", "encrypt_type")
		handlerError(w, http.StatusBadRequest)
		return
	}
	h.dispatch(w, r, &p)
}

// open checks and decrypts an encrypted push.
func (h *Handler) open(p *handlerPush, body []byte, q *handlerQuery) int {
	if h.crypter == nil {
		h.logError("wechatmp: encrypted push but the handler has no Crypter")
		return http.StatusBadRequest
	}
	m, key, format, stage, err := h.crypter.openMessage(body, q.timestamp, q.nonce, q.msgSignature)
	switch stage {
	case openEnvelope:
		h.debug("wechatmp: callback refused", "reason", "envelope", "err", err)
		return http.StatusBadRequest
	case openSignature:
		h.debug("wechatmp: callback refused", "reason", "msg_signature")
		return http.StatusForbidden
	case openDecrypt:
		h.debug("wechatmp: callback refused", "reason", "decrypt", "code", CryptoCode(err))
		if errors.Is(err, ErrAppIDMismatch) {
			return http.StatusForbidden
		}
		return http.StatusBadRequest
	case openParse:
		h.debug("wechatmp: callback refused", "reason", "parse", "err", err)
		return http.StatusBadRequest
	}
	p.msg, p.encrypted, p.key, p.envFormat = m, true, key, format
	return 0
}

// write answers the push with the plaintext reply body (nil: ReplySuccess).
func (h *Handler) write(w http.ResponseWriter, p *handlerPush, reply []byte) {
	if len(reply) == 0 {
		w.Header()["Content-Type"] = handlerTextPlain
		_, _ = w.Write(handlerSuccessBody)
		return
	}
	format := p.msg.Format
	if !p.encrypted {
		w.Header()["Content-Type"] = handlerContentType(format)
		_, _ = w.Write(reply)
		return
	}
	buf := handlerBodyPool.Get().(*[]byte)
	defer handlerPutBody(buf)
	ts := strconv.FormatInt(h.now().Unix(), 10)
	out, err := AppendEncryptedReply((*buf)[:0], h.crypter, p.key, reply, ts, p.nonce, p.envFormat)
	if err != nil {
		// Nothing sensible can be encrypted: acknowledge instead.
		h.logError("wechatmp: encrypting the reply failed; answering success", "err", err)
		w.Header()["Content-Type"] = handlerTextPlain
		_, _ = w.Write(handlerSuccessBody)
		return
	}
	*buf = out
	w.Header()["Content-Type"] = handlerContentType(p.envFormat)
	_, _ = w.Write(out)
}

func handlerContentType(f Format) []string {
	if f == FormatJSON {
		return handlerJSONType
	}
	return handlerXMLType
}
