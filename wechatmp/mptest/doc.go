// Package mptest is a fake WeChat Official Account platform for tests, built
// on net/http/httptest: point a wechatmp.Client at Server.URL, point the
// simulated users at your callback handler, and test the whole path without
// WeChat, without a network and without waiting.
//
//	srv := mptest.NewServer(mptest.Config{Mode: mptest.ModeSecure})
//	defer srv.Close()
//	srv.SetCallback(myHandler)                  // your wechatmp.Handler (or any http.Handler)
//	client, _ := wechatmp.NewClient(srv.ClientConfig())
//
//	d, _ := srv.User("o_alice").SendText(ctx, "where is my order?")
//	_ = client.SendText(ctx, "o_alice", "it ships today")
//	sent := srv.SentTo("o_alice")               // assert on what the user received
//
// # The API server
//
// The server implements the endpoints of the wechatmp Client with the
// platform's behaviour, on a controllable Clock:
//
//   - access tokens (/cgi-bin/token, /cgi-bin/stable_token, the third-party
//     platform's component and authorizer tokens) expire after Config.TokenTTL;
//     a new token invalidates the previous one after Config.TokenOverlap (5
//     minutes); stale tokens get 40001, expired ones 42001; TokenFetches counts
//     fetches and TokenRejections the calls refused for their token; IssueToken,
//     ExpireTokens and RevokeTokens act as an uncoordinated third party;
//   - the third-party platform pushes component_verify_ticket to the host's
//     component callback (DeliverVerifyTicket, encrypted with
//     ComponentCrypter) and accepts every ticket for 12 hours in
//     api_component_token;
//   - customer-service sends enforce the window opened by the interactions the
//     simulated users delivered (45015 closed, 45047 quota spent) and 43004 for
//     users who unfollowed; typing needs a window-opening interaction (a
//     message, a CLICK, a follow, ...) within 30 s (45080)
//     and is refused while a status is shown, for 15 s or until CancelTyping
//     or a message (45081);
//   - template sends succeed for followers; subscription sends need an opt-in
//     (AllowSubscription), else 43101;
//   - daily quotas per path (Config.DailyQuotas, 45009) reset by clear_quota
//     (10 times a calendar month, 48006 beyond) and by the next (fake) day;
//     FailNext injects any errcode (-1, 40001, ...);
//   - kf accounts, sessions, the wait queue and message records; users, tags,
//     custom menus; temporary media stored and served back (40007 when missing
//     or older than 3 days);
//   - every message accepted for a user is recorded: Sent, SentTo.
//
// # The simulated user
//
// Server.User returns a User that sends messages and events of any type
// (SendText, SendImage, SendVoice, Click, Follow, Scan, ..., or Push for
// anything else) to the host's callback, signed with the configured token and,
// in ModeCompatible or ModeSecure, encrypted with the EncodingAESKey, in XML
// or (Config.JSON) JSON. The push also updates the platform: the window it
// opens, follows, and the media it carries (so the host can download the
// image a user sent through the Client).
//
// WeChat waits 5 seconds for an answer and then re-sends the push, three times
// at most. The User reproduces this without waiting: it calls an in-process
// handler directly and treats it as late when the fake clock moved past
// ReplyDeadline during the call (a test simulates a slow host by advancing
// the clock inside its handler), or when Config.RealTimeout of real time
// passed; before the retry the clock shows at least 5 seconds after the late
// attempt began, as it would when WeChat re-sends. The Delivery reports the attempts, the late ones, whether the user
// saw the failure notice, and the decrypted passive reply (Delivery.Reply),
// checked as WeChat checks it (ErrBadReply).
//
// # Concurrency
//
// Server, Clock and User are safe for concurrent use. Config, Push, Field,
// Delivery, Reply and Sent are plain data.
package mptest
