// Package wechatmp is the WeChat Official Account (公众号) platform side of
// kefu: callback crypto, messages, passive replies, the callback http.Handler,
// the API client with shared access tokens, and the 48-hour customer-service
// window.
//
// # Receiving callbacks
//
//	crypter, err := wechatmp.NewCrypter(token, appID, currentAESKey, previousAESKey)
//	mux := new(wechatmp.Mux)
//	mux.HandleFunc(wechatmp.MsgTypeText, func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
//		return wechatmp.TextReply{Content: "收到：" + m.Content}, nil
//	})
//	h, err := wechatmp.NewHandler(wechatmp.HandlerConfig{Crypter: crypter, Handler: mux, Interactions: window})
//	http.Handle("/wechat", h)
//
// The Handler answers WeChat's URL verification (GET), and for every POST:
// refuses timestamps outside a replay window (no other SDK does), checks the
// URL signature and, in compatible and secure mode, msg_signature, decrypts
// with the current or the previous EncodingAESKey (replying with the key that
// worked), checks the embedded AppID, parses the Message, drops WeChat's
// retries through a DedupStore, records the interaction that opens the
// customer-service window, and calls the MessageHandler with a context that
// ends before WeChat's 5-second deadline. A handler that runs late gets
// "success" sent in time; WeChat then shows nothing and does not retry, so a
// late answer belongs in a customer-service message. Should WeChat retry all
// the same (the "success" did not reach it within its 5 seconds), the reply
// produced late is kept with the dedup record and that retry receives it. A
// handler that fails releases its dedup claim, so a retry runs it again
// instead of losing the message.
//
// The pure steps are exported for hosts with their own HTTP layer and for
// debugging: Signature, MsgSignature, VerifySignature, VerifyMsgSignature,
// Crypter (Decrypt, Open, Encrypt, and OpenMessage, the whole inbound step of
// an encrypted push in one call), ParseEnvelope, ParseMessage, MarshalReply
// and AppendEncryptedReply. examples/mpdebug is a CLI over them: sign,
// decrypt, encrypt, parse, and send a signed callback to a running server.
//
// # Messages
//
// ParseMessage reads XML or JSON (detected by the first byte) into a Message:
// the common header (ToUserName, FromUserName, CreateTime, MsgType, Event,
// EventKey, MsgID), typed fields for every message and event type of the
// platform (text with bizmsgmenuid, media with Recognition, location, link,
// QR scenes, menu events with their scan, picture and location details, job
// results, subscription-message lists, kf session events, third-party-platform
// notices), and Extra: every element the typed value has no place for, by path,
// so a field WeChat adds tomorrow is readable without a new release. Unknown
// message and event types are not errors. The parser is a small strict scanner
// (no DOCTYPE or entity declarations, bounded depth) that takes field values as
// substrings of one copy of the body.
//
// # Calling the API
//
//	client, err := wechatmp.NewClient(wechatmp.Config{AppID: appID, AppSecret: secret,
//		TokenStore: sharedStore, StableToken: true, Window: window})
//	err = client.SendText(ctx, openID, "您好，退款已到账")
//
// Every endpoint a customer-service integration needs is a method with a
// context: customer-service sends of every type, typing, kf accounts and
// sessions, message records, template and subscription messages, user info,
// tags, temporary media, menus and clear_quota. Errors from WeChat are
// *APIError values; errors.Is maps the codes callers branch on to sentinels
// (ErrTokenInvalid, ErrWindowClosed, ErrWindowQuota, ErrRateLimited,
// ErrNotFollowing, ErrSubscriptionRefused, ErrSystemBusy, ErrUnauthorized,
// ErrCustomerService). Idempotent calls are retried on system busy (-1) with
// capped backoff; a customer-service message is never re-sent blindly, since
// it may have been delivered.
//
// # Access tokens across replicas
//
// WeChat invalidates the previous token whenever a new one is fetched, so
// replicas that refresh on their own knock each other out (40001). The
// CachedTokenSource shares one token through a TokenStore, refreshes early,
// once per process at a time, and takes a lease in the store so that only one
// replica refreshes; an older token never overwrites a newer one. On 40001,
// 40014 or 42001 a call invalidates the token and retries once, only if the
// failing token is still the stored one. Sources exist for /cgi-bin/token,
// /cgi-bin/stable_token and the third-party platform.
//
// # The customer-service window
//
// A user's message allows 5 customer-service sends within 48 hours; a menu
// click, a follow or a QR scan allows 3 within a minute. New interactions
// refresh the window, quotas never add up, and a menu tap does not cut short
// an open 48-hour window (WindowState.Refresh). A Window, fed by the
// Handler, tracks this per user; Status says "3 left, closes in 5h" for the
// agent's screen; a Client with Config.Window reserves a send atomically in
// the WindowStore before each message and refuses it locally with
// ErrWindowClosed or ErrWindowQuota, before any network call. Sender sends a
// proactive notice as a customer-service message when the window allows it,
// and as a template or subscription message otherwise.
//
// # Errors
//
// Crypto errors are *CryptoError values (ErrInvalidSignature, ErrAppIDMismatch,
// ErrIllegalAESKey, ErrDecrypt, ErrIllegalBuffer, ErrBase64, ErrEncrypt), each
// with its official -400xx code (CryptoCode). Parse errors match ErrMalformed
// or ErrForbiddenXML and carry the offset in *ParseError. API errors are
// *APIError. Store contracts use ErrNotFound and ErrConflict.
//
// # Concurrency
//
// Crypter, Handler, Mux (once configured), Client, Window, Sender, the token
// sources (CachedTokenSource, CredentialTokenSource, StableTokenSource,
// ComponentTokenSource, AuthorizerTokenSource, StaticTokenSource) and the
// in-memory stores are safe for concurrent use. Message and Reply values, and
// the other value types (Config, CustomMessage and the other request types,
// Token, TokenRecord, WindowState, WindowStatus, WindowReservation, APIError,
// ...), are plain data: safe to read from several goroutines, not to modify
// while shared.
//
// # Testing
//
// Package wechatmp/mptest is a fake WeChat platform: an API server with the
// real platform's token, window and quota behaviour, and simulated users that
// send signed, encrypted callbacks with WeChat's retries. Package
// wechatmp/wechatmptest holds the conformance suites for TokenStore,
// WindowStore and DedupStore implementations.
package wechatmp
