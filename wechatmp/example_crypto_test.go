package wechatmp_test

import (
	"fmt"

	"github.com/kefu-go/kefu/wechatmp"
)

// Verify the signature of a URL-verification request (the worked example of
// WeChat's message-push documentation).
func ExampleVerifySignature() {
	err := wechatmp.VerifySignature("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696")
	fmt.Println(err == nil)
	fmt.Println(wechatmp.VerifySignature("AAAAA", "1714036504", "1514711492", "0000"))
	// Output:
	// true
	// wechatmp: invalid signature
}

// Decrypt a secure-mode callback: check msg_signature, open the Encrypt value,
// and check the embedded AppID (official sample values).
func ExampleCrypter_Decrypt() {
	c, err := wechatmp.NewCrypter("spamtest", "wx2c2769f8efd9abc2", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	if err != nil {
		panic(err)
	}
	plain, key, err := c.Decrypt(
		"5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132",
		"hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=")
	fmt.Println(err, key)
	fmt.Println(string(plain))
	// Output:
	// <nil> 0
	// <xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>
	// <FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>
	// <CreateTime>1409735668</CreateTime>
	// <MsgType><![CDATA[text]]></MsgType>
	// <Content><![CDATA[abcdteT]]></Content>
	// <MsgId>6054768590064713728</MsgId>
	// </xml>
}

// Seal a reply with a fixed random prefix (the official Java sample's vector).
func ExampleCrypter_EncryptWithRandom() {
	c, _ := wechatmp.NewCrypter("pamtest", "wxb11529c136998cb6", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
	enc, sig, err := c.EncryptWithRandom([]byte("aaaabbbbccccdddd"), []byte("我是中文abcd123"), "1409304348", "xxxxxx", 0)
	fmt.Println(enc, err)
	fmt.Println(sig)
	// Output:
	// jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg== <nil>
	// 82c962d39941aa48552f90ef55aa323dc620cc10
}
