package wechatmp

import "strings"

// Envelope is the outer body of an encrypted push (compatible or secure mode,
// wechat.md §1.5): the ciphertext and the account it is addressed to. A
// compatible-mode body also carries the plaintext fields, which ParseEnvelope
// ignores (decrypt and use ParseMessage). The zero value is an empty envelope.
// An Envelope is plain data, safe to read from several goroutines.
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
	return parseEnvelope(string(body), body)
}

// parseEnvelope parses s, whose bytes are raw; the Envelope's strings are
// substrings of s.
func parseEnvelope(s string, raw []byte) (Envelope, error) {
	format, err := parseDetect(raw)
	if err != nil {
		return Envelope{}, err
	}
	if format == FormatXML {
		if env, ok := envelopeFastXML(s); ok {
			return env, nil
		}
	}
	return parseEnvelopeScan(s, format)
}

// parseEnvelopeScan parses an envelope with the general scanner.
func parseEnvelopeScan(s string, format Format) (Envelope, error) {
	var err error
	env := Envelope{Format: format}
	sink := parseSink{env: &env}
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

// envelopeFastXML recognises the exact shape of WeChat's secure-mode body,
//
//	<xml><ToUserName><![CDATA[…]]></ToUserName><Encrypt><![CDATA[…]]></Encrypt></xml>
//
// with optional XML white space between the tags, and reads it without the
// general scanner. Anything else, including CDATA text with a carriage
// return (which the scanner normalises), reports ok == false and goes to the
// scanner, so both always agree (FuzzParseMessage checks it).
func envelopeFastXML(s string) (env Envelope, ok bool) {
	rest, ok := envelopeExpect(s, "<xml>")
	if !ok {
		return Envelope{}, false
	}
	var to, enc string
	if to, rest, ok = envelopeCDATA(rest, "ToUserName"); !ok {
		return Envelope{}, false
	}
	if enc, rest, ok = envelopeCDATA(rest, "Encrypt"); !ok || enc == "" {
		return Envelope{}, false
	}
	if rest, ok = envelopeExpect(rest, "</xml>"); !ok || !xmlAllSpace(rest) {
		return Envelope{}, false
	}
	return Envelope{ToUserName: to, Encrypt: enc, Format: FormatXML}, true
}

// envelopeExpect skips XML white space and then tok.
func envelopeExpect(s, tok string) (string, bool) {
	i := 0
	for i < len(s) && xmlIsSpace(s[i]) {
		i++
	}
	if len(s)-i < len(tok) || s[i:i+len(tok)] != tok {
		return "", false
	}
	return s[i+len(tok):], true
}

// envelopeCDATA reads <name><![CDATA[value]]></name>, after white space.
func envelopeCDATA(s, name string) (value, rest string, ok bool) {
	if s, ok = envelopeExpect(s, "<"); !ok {
		return "", "", false
	}
	if len(s) < len(name)+10 || s[:len(name)] != name || s[len(name):len(name)+10] != "><![CDATA[" {
		return "", "", false
	}
	s = s[len(name)+10:]
	end := strings.Index(s, "]]>")
	if end < 0 {
		return "", "", false
	}
	value, s = s[:end], s[end+3:]
	if strings.IndexByte(value, '\r') >= 0 || len(s) < len(name)+3 || s[:2] != "</" || s[2:2+len(name)] != name || s[2+len(name)] != '>' {
		return "", "", false
	}
	return value, s[len(name)+3:], true
}
