package wechatmp

import (
	"strconv"
	"unicode/utf8"
)

// replyAppendXMLElem appends <name><![CDATA[value]]></name>.
func replyAppendXMLElem(dst []byte, name, value string) []byte {
	dst = append(dst, '<')
	dst = append(dst, name...)
	dst = append(dst, '>')
	dst = replyAppendCDATA(dst, value)
	dst = append(dst, "</"...)
	dst = append(dst, name...)
	return append(dst, '>')
}

// replyAppendXMLOptional is replyAppendXMLElem for a non-empty value only.
func replyAppendXMLOptional(dst []byte, name, value string) []byte {
	if value == "" {
		return dst
	}
	return replyAppendXMLElem(dst, name, value)
}

// replyAppendCDATA appends value as one or more CDATA sections. A "]]>" in the
// value ends the section after "]]" and opens a new one before ">", which XML
// readers join back into the original text. Bytes that are not valid UTF-8 and
// characters outside XML 1.0's Char production become U+FFFD, as encoding/xml
// does, so the output is always well-formed.
func replyAppendCDATA(dst []byte, value string) []byte {
	dst = append(dst, "<![CDATA["...)
	start := 0
	for i := 0; i < len(value); {
		c := value[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ']' && i+2 < len(value) && value[i+1] == ']' && value[i+2] == '>':
				dst = append(dst, value[start:i+2]...)
				dst = append(dst, "]]><![CDATA["...)
				start = i + 2
				i += 2
				continue
			case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
				dst = append(dst, value[start:i]...)
				dst = append(dst, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(value[i:])
		if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF {
			dst = append(dst, value[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, value[start:]...)
	return append(dst, "]]>"...)
}

// replyAppendJSONMember appends ,"name":"value".
func replyAppendJSONMember(dst []byte, name, value string) []byte {
	dst = append(dst, ',')
	return replyAppendJSONFirst(dst, name, value)
}

// replyAppendJSONFirst appends "name":"value" with no leading comma.
func replyAppendJSONFirst(dst []byte, name, value string) []byte {
	dst = append(dst, '"')
	dst = append(dst, name...)
	dst = append(dst, `":`...)
	return replyAppendJSONString(dst, value)
}

// replyAppendJSONOptional is replyAppendJSONMember for a non-empty value only.
func replyAppendJSONOptional(dst []byte, name, value string) []byte {
	if value == "" {
		return dst
	}
	return replyAppendJSONMember(dst, name, value)
}

const replyHex = "0123456789abcdef"

// replyAppendJSONString appends s as a JSON string. Non-ASCII text is kept as
// UTF-8; control characters, quotes, backslashes, U+2028 and U+2029 are
// escaped; invalid UTF-8 becomes U+FFFD.
func replyAppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', replyHex[c>>4], replyHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, replyHex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func replyAppendUint(dst []byte, n int) []byte {
	return strconv.AppendInt(dst, int64(n), 10)
}
