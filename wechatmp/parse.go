package wechatmp

// ParseMessage parses the plaintext body of an inbound push (after decryption
// in compatible or secure mode) into a Message. The format is taken from the
// first byte that is not white space (or a UTF-8 byte-order mark): '<' is
// XML, '{' is JSON; the result's Format says which.
//
// Every MsgType, Event and InfoType of wechat.md §3 and §7 gets typed fields
// (see Message). An unknown type is not an error: the Message carries the
// type names, Extra holds its fields and Raw its body. The Message's strings
// are copies; Raw is body itself.
//
// XML is parsed by a strict, allocation-lean scanner: DOCTYPE and ENTITY
// declarations are refused with ErrForbiddenXML, nesting is limited
// (ErrTooDeep), malformed input fails with ErrMalformed, and CreateTime and
// MsgId must be decimal int64 values (ErrInvalidNumber). Character references
// and the five predefined entities are decoded, CDATA is taken verbatim.
// JSON numbers may arrive as numbers or as strings. Errors are *ParseError
// values carrying the byte offset; ParseMessage never panics.
func ParseMessage(body []byte) (*Message, error) {
	return parseMessage(string(body), body)
}

// parseMessage parses s, whose bytes are raw; the Message's strings are
// substrings of s and its Raw is raw.
func parseMessage(s string, raw []byte) (*Message, error) {
	format, err := parseDetect(raw)
	if err != nil {
		return nil, err
	}
	m := &Message{Format: format, Raw: raw}
	sink := parseSink{m: m}
	if format == FormatXML {
		err = parseXML(s, &sink)
	} else {
		err = parseJSON(s, &sink)
	}
	if err != nil {
		return nil, err
	}
	parseFinish(m)
	return m, nil
}

// parseDetect tells XML from JSON by the first significant byte.
func parseDetect(body []byte) (Format, error) {
	i := 0
	if len(body) >= 3 && body[0] == 0xef && body[1] == 0xbb && body[2] == 0xbf {
		i = 3
	}
	for ; i < len(body); i++ {
		switch body[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case '<':
			return FormatXML, nil
		case '{':
			return FormatJSON, nil
		}
		return 0, parseErr(i, ErrMalformed, "", "body is neither XML nor a JSON object")
	}
	return 0, parseErr(i, ErrMalformed, "", "empty body")
}
