package wechatmp_test

import (
	"fmt"

	"github.com/kefu-go/kefu/wechatmp"
)

// Compute the URL signature WeChat sends with every callback (the worked
// example of WeChat's message-push documentation), as `mpdebug sign` does.
func ExampleSignature() {
	fmt.Println(wechatmp.Signature("AAAAA", "1714036504", "1514711492"))
	// Output:
	// f464b24fc39322e44b38aa78f5edd27bd1441696
}

// Compute the msg_signature of an encrypted body (official sample values), as
// `mpdebug sign -encrypt` does.
func ExampleMsgSignature() {
	fmt.Println(wechatmp.MsgSignature("spamtest", "1409735669", "1320562132",
		"hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="))
	// Output:
	// 5d197aaffba7e9b25a30732f161a50dee96bd5fa
}

// Open a whole secure-mode push in one call: envelope, msg_signature,
// decryption, AppID and message.
func ExampleCrypter_OpenMessage() {
	c, err := wechatmp.NewCrypter("spamtest", "wx2c2769f8efd9abc2", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	if err != nil {
		panic(err)
	}
	body := []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" +
		"hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=" +
		"]]></Encrypt></xml>")
	m, key, err := c.OpenMessage(body, "1409735669", "1320562132", "5d197aaffba7e9b25a30732f161a50dee96bd5fa")
	fmt.Println(err, key)
	fmt.Println(m.MsgType, m.FromUserName, m.Content, m.MsgID)
	// Output:
	// <nil> 0
	// text oyORnuP8q7ou2gfYjqLzSIWZf0rs abcdteT 6054768590064713728
}
