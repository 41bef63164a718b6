// Package kefu is the root of a Go SDK that connects a WeChat Official Account
// (公众号) to a customer-service workflow. The root package holds no code; the
// work is done by independent packages that a host application imports as it
// needs them:
//
//   - wechatmp: the platform — callback signatures and AES message crypto,
//     parsing of every message and event, passive replies, an http.Handler with
//     retry dedup and replay protection, the API client (shared access tokens,
//     customer-service sends, kf sessions, template and subscription messages,
//     users, tags, media, menus), the 48-hour reply window, and wechatmp/mptest,
//     a fake WeChat platform for tests.
//   - routing: rule-based routing of a conversation to a queue and an agent,
//     with an explanation of every decision.
//   - kb: a keyword knowledge base with auto-reply, answer recommendation,
//     canned replies and a forbidden-phrase guard.
//   - ticket: ticket state machines, SLA timers in business hours, and an audit
//     trail.
//   - identity: openid/unionid ↔ phone ↔ CRM member resolution, tags, and PII
//     protection.
//   - businesshours: weekly schedules with several periods a day, holidays and
//     special working days in a time zone, shared by routing (out-of-hours
//     rules) and ticket (SLA clocks in business time).
//
// None of routing, kb, ticket and identity imports wechatmp or each other
// (routing and ticket share only businesshours): each
// takes its own small input types, so a team can adopt one without the rest.
// Every package keeps its shared state behind a small store interface with an
// in-memory default and a conformance suite (wechatmp/wechatmptest, kb/kbtest,
// ticket/tickettest, identity/identitytest, routing/routingtest) that host
// adapters run against their own storage.
//
// # One message, end to end
//
//  1. WeChat POSTs a callback. wechatmp.Handler checks the signature and the
//     timestamp, detects plaintext, compatible or secure mode, decrypts, and
//     parses a wechatmp.Message.
//  2. The handler drops WeChat's retries through a dedup store and records the
//     interaction that opens the reply window.
//  3. The host's handler function receives the message with a context that ends
//     before WeChat's 5-second deadline and may return a passive reply;
//     otherwise the handler answers "success" and the host answers later through
//     the API.
//  4. In the host, identity resolves the openid to a customer, kb answers known
//     questions at once, routing picks a queue and an agent when a person is
//     needed, and ticket opens a ticket whose transitions push progress back to
//     the user.
//  5. Agents answer through wechatmp.Client; the window guard refuses a send the
//     platform would reject before any network call, and the host falls back to a
//     template or subscription message.
//
// examples/quickstart plays this path end to end with no services.
package kefu
