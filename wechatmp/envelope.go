package wechatmp

// Envelope is the outer body of an encrypted push (compatible or secure mode,
// wechat.md §1.5): the ciphertext and the account it is addressed to. A
// compatible-mode body also carries the plaintext fields, which ParseEnvelope
// ignores (decrypt and use ParseMessage). The zero value is an empty envelope.
type Envelope struct {
	// ToUserName is the account's original id ("gh_…"); empty in
	// third-party-platform notices.
	ToUserName string
	// AppID is the AppId element of third-party-platform notices, which have
	// it instead of ToUserName.
	AppID string
	// Encrypt is the base64 ciphertext, to pass to Crypter.Decrypt.
	Encrypt string
	// Format is the data format of the body; the encrypted reply uses the same.
	Format Format
}

// ParseEnvelope parses the body of an encrypted push, XML
// (<xml><ToUserName>…</ToUserName><Encrypt>…</Encrypt></xml>) or JSON
// ({"ToUserName": …, "Encrypt": …}), detected as by ParseMessage and checked
// just as strictly. A body without a non-empty Encrypt field fails with
// ErrNoEncrypt. Errors are *ParseError values; ParseEnvelope never panics.
func ParseEnvelope(body []byte) (Envelope, error) {
	format, err := parseDetect(body)
	if err != nil {
		return Envelope{}, err
	}
	env := Envelope{Format: format}
	sink := parseSink{env: &env}
	s := string(body)
	if format == FormatXML {
		err = parseXML(s, &sink)
	} else {
		err = parseJSON(s, &sink)
	}
	if err != nil {
		return Envelope{}, err
	}
	if env.Encrypt == "" {
		return Envelope{}, parseErr(0, ErrNoEncrypt, "Encrypt", "")
	}
	return env, nil
}
