package wechatmp

import (
	"strings"
	"unicode/utf8"
)

// parseMaxDepth bounds element (XML) and value (JSON) nesting below the root.
const parseMaxDepth = 32

// xmlScanner is a small, strict scanner for the flat XML WeChat sends: one root
// element whose children are leaves (text and/or CDATA) or groups of further
// elements. Attributes are checked for syntax and ignored, comments and
// processing instructions are skipped, DOCTYPE/ENTITY and every other markup
// declaration is refused. Leaf values are substrings of s unless they need
// unescaping (entity or character references, CR normalisation, several
// segments), so parsing allocates only for those.
type xmlScanner struct {
	s   string
	pos int
}

// parseXML scans the document s, reporting its elements to sink.
func parseXML(s string, sink *parseSink) error {
	p := xmlScanner{s: s}
	if strings.HasPrefix(s, "\xef\xbb\xbf") {
		p.pos = 3
	}
	// Prolog: whitespace, comments, processing instructions.
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return parseErr(p.pos, ErrMalformed, "", "no root element")
		}
		if p.s[p.pos] != '<' {
			return parseErr(p.pos, ErrMalformed, "", "text before the root element")
		}
		skipped, err := p.skipMisc()
		if err != nil {
			return err
		}
		if !skipped {
			break
		}
	}
	name, self, err := p.startTag()
	if err != nil {
		return err
	}
	if !self {
		if err := p.elements(name, sink); err != nil {
			return err
		}
	}
	// Epilogue: whitespace, comments, processing instructions only.
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil
		}
		if p.s[p.pos] != '<' {
			return parseErr(p.pos, ErrMalformed, "", "text after the root element")
		}
		skipped, err := p.skipMisc()
		if err != nil {
			return err
		}
		if !skipped {
			return parseErr(p.pos, ErrMalformed, "", "element after the root element")
		}
	}
}

func xmlIsSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func xmlAllSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if !xmlIsSpace(s[i]) {
			return false
		}
	}
	return true
}

func (p *xmlScanner) skipSpace() {
	for p.pos < len(p.s) && xmlIsSpace(p.s[p.pos]) {
		p.pos++
	}
}

// skipMisc skips a comment or processing instruction at p.pos (which holds
// '<'). It reports false, leaving p.pos unchanged, when the markup is an
// element tag. Markup declarations (<!DOCTYPE, <!ENTITY, ...) are refused.
func (p *xmlScanner) skipMisc() (bool, error) {
	rest := p.s[p.pos:]
	switch {
	case strings.HasPrefix(rest, "<!--"):
		end := strings.Index(rest[4:], "-->")
		if end < 0 {
			return false, parseErr(p.pos, ErrMalformed, "", "unterminated comment")
		}
		p.pos += 4 + end + 3
		return true, nil
	case strings.HasPrefix(rest, "<?"):
		end := strings.Index(rest[2:], "?>")
		if end < 0 {
			return false, parseErr(p.pos, ErrMalformed, "", "unterminated processing instruction")
		}
		p.pos += 2 + end + 2
		return true, nil
	case strings.HasPrefix(rest, "<![CDATA["):
		return false, parseErr(p.pos, ErrMalformed, "", "CDATA outside an element")
	case strings.HasPrefix(rest, "<!"):
		return false, p.forbidden()
	}
	return false, nil
}

func (p *xmlScanner) forbidden() error {
	rest := p.s[p.pos+2:]
	n := 0
	for n < len(rest) && n < 16 && (rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= 'a' && rest[n] <= 'z') {
		n++
	}
	return parseErr(p.pos, ErrForbiddenXML, "", "<!"+rest[:n]+" declaration")
}

// xmlNameByte reports whether c may appear in an element or attribute name
// (first says whether it is the first byte). Non-ASCII bytes are accepted.
func xmlNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
		return true
	case c >= '0' && c <= '9', c == '-', c == '.':
		return !first
	}
	return false
}

// xmlNameClass classifies every byte as xmlNameByte does: bit 1 for the
// first byte of a name, bit 2 for the others.
var xmlNameClass = func() (t [256]uint8) {
	for c := range 256 {
		if xmlNameByte(byte(c), true) {
			t[c] |= 1
		}
		if xmlNameByte(byte(c), false) {
			t[c] |= 2
		}
	}
	return t
}()

// name reads an element or attribute name at p.pos.
func (p *xmlScanner) name() (string, error) {
	start := p.pos
	if p.pos >= len(p.s) || xmlNameClass[p.s[p.pos]]&1 == 0 {
		return "", parseErr(p.pos, ErrMalformed, "", "invalid name")
	}
	p.pos++
	for p.pos < len(p.s) && xmlNameClass[p.s[p.pos]]&2 != 0 {
		p.pos++
	}
	return p.s[start:p.pos], nil
}

// startTag reads a start tag at p.pos ('<' followed by a name) including its
// attributes, which are checked and ignored. self reports an empty-element
// tag (<a/>).
func (p *xmlScanner) startTag() (name string, self bool, err error) {
	p.pos++ // '<'
	name, err = p.name()
	if err != nil {
		return "", false, err
	}
	for {
		hadSpace := p.pos < len(p.s) && xmlIsSpace(p.s[p.pos])
		p.skipSpace()
		if p.pos >= len(p.s) {
			return "", false, parseErr(p.pos, ErrMalformed, name, "unterminated start tag")
		}
		switch p.s[p.pos] {
		case '>':
			p.pos++
			return name, false, nil
		case '/':
			if p.pos+1 < len(p.s) && p.s[p.pos+1] == '>' {
				p.pos += 2
				return name, true, nil
			}
			return "", false, parseErr(p.pos, ErrMalformed, name, "invalid start tag")
		}
		if !hadSpace {
			return "", false, parseErr(p.pos, ErrMalformed, name, "invalid start tag")
		}
		if _, err := p.name(); err != nil {
			return "", false, err
		}
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] != '=' {
			return "", false, parseErr(p.pos, ErrMalformed, name, "attribute without value")
		}
		p.pos++
		p.skipSpace()
		if p.pos >= len(p.s) || (p.s[p.pos] != '"' && p.s[p.pos] != '\'') {
			return "", false, parseErr(p.pos, ErrMalformed, name, "unquoted attribute value")
		}
		q := p.s[p.pos]
		end := strings.IndexByte(p.s[p.pos+1:], q)
		if end < 0 {
			return "", false, parseErr(p.pos, ErrMalformed, name, "unterminated attribute value")
		}
		if v := p.s[p.pos+1 : p.pos+1+end]; strings.IndexByte(v, '<') >= 0 {
			return "", false, parseErr(p.pos, ErrMalformed, name, "'<' in attribute value")
		} else if _, err := xmlUnescape(v, p.pos+1); err != nil {
			return "", false, err
		}
		p.pos += 1 + end + 1
	}
}

// endTag reads the end tag of name at p.pos ("</" already matched).
func (p *xmlScanner) endTag(name string) error {
	start := p.pos
	p.pos += 2
	if !strings.HasPrefix(p.s[p.pos:], name) {
		return parseErr(start, ErrMalformed, name, "mismatched end tag")
	}
	p.pos += len(name)
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != '>' {
		return parseErr(start, ErrMalformed, name, "mismatched end tag")
	}
	p.pos++
	return nil
}

// xmlOpen is an element whose end tag has not been read yet.
type xmlOpen struct {
	name  string
	off   int  // offset of its content
	group bool // it has child elements
}

// elements scans the content of the root element, whose start tag has just
// been read, through its end tag. Nested elements are tracked on a fixed-size
// stack rather than by recursion, which bounds the depth (ErrTooDeep) and
// keeps the scanner and the sink off the heap. An element with child
// elements is reported as a group (sink.open/close; not for the root), any
// other as a leaf with its text (sink.leaf).
func (p *xmlScanner) elements(root string, sink *parseSink) error {
	var (
		stack [parseMaxDepth + 1]xmlOpen
		depth int    // index of the innermost open element
		val   string // its text so far (single segment: substring of s)
		buf   []byte // its text when several segments must be joined
		nseg  int
	)
	stack[0] = xmlOpen{name: root, off: p.pos, group: true}
	for {
		cur := &stack[depth]
		i := 0 // most content starts with markup (a CDATA section or a tag)
		if p.pos >= len(p.s) || p.s[p.pos] != '<' {
			i = strings.IndexByte(p.s[p.pos:], '<')
		}
		if i < 0 {
			return parseErr(cur.off, ErrMalformed, cur.name, "unterminated element")
		}
		if i > 0 {
			text := p.s[p.pos : p.pos+i]
			if cur.group {
				if !xmlAllSpace(text) {
					return parseErr(p.pos, ErrMalformed, cur.name, "text mixed with elements")
				}
			} else {
				seg, err := xmlUnescape(text, p.pos)
				if err != nil {
					return err
				}
				val, buf, nseg = xmlAddSegment(val, buf, nseg, seg)
			}
		}
		p.pos += i
		rest := p.s[p.pos:]
		var next byte // the byte after '<' picks the kind of markup
		if len(rest) > 1 {
			next = rest[1]
		}
		switch {
		case next == '/':
			if err := p.endTag(cur.name); err != nil {
				return err
			}
			if cur.group {
				if depth == 0 {
					return nil
				}
				sink.close()
			} else {
				if buf != nil {
					val = string(buf)
				}
				if err := sink.leaf(cur.name, val, cur.off); err != nil {
					return err
				}
				val, buf, nseg = "", nil, 0
			}
			depth--
		case next == '!' && strings.HasPrefix(rest, "<![CDATA["):
			end := strings.Index(rest[9:], "]]>")
			if end < 0 {
				return parseErr(p.pos, ErrMalformed, cur.name, "unterminated CDATA section")
			}
			seg := rest[9 : 9+end]
			if cur.group {
				if !xmlAllSpace(seg) {
					return parseErr(p.pos, ErrMalformed, cur.name, "text mixed with elements")
				}
			} else {
				val, buf, nseg = xmlAddSegment(val, buf, nseg, xmlNormalizeNewlines(seg))
			}
			p.pos += 9 + end + 3
		case next == '!', next == '?':
			if _, err := p.skipMisc(); err != nil {
				return err
			}
		default:
			if !cur.group {
				if buf != nil {
					val = string(buf)
				}
				if !xmlAllSpace(val) {
					return parseErr(p.pos, ErrMalformed, cur.name, "text mixed with elements")
				}
				cur.group = true
				val, buf, nseg = "", nil, 0
				if err := sink.open(cur.name, cur.off); err != nil {
					return err
				}
			}
			if depth+1 > parseMaxDepth {
				return parseErr(p.pos, ErrTooDeep, cur.name, "")
			}
			off := p.pos
			child, self, err := p.startTag()
			if err != nil {
				return err
			}
			if self {
				if err := sink.leaf(child, "", off); err != nil {
					return err
				}
				continue
			}
			depth++
			stack[depth] = xmlOpen{name: child, off: p.pos}
		}
	}
}

// xmlAddSegment appends a text or CDATA segment to a leaf value, keeping the
// common single-segment case allocation-free.
func xmlAddSegment(val string, buf []byte, nseg int, seg string) (string, []byte, int) {
	if seg == "" {
		return val, buf, nseg
	}
	switch nseg {
	case 0:
		return seg, nil, 1
	case 1:
		buf = make([]byte, 0, len(val)+len(seg))
		buf = append(buf, val...)
	}
	return val, append(buf, seg...), nseg + 1
}

// xmlNormalizeNewlines turns "\r\n" and lone "\r" into "\n", as XML requires.
func xmlNormalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		b = append(b, c)
	}
	return string(b)
}

// xmlUnescape decodes the predefined entities and character references of a
// text segment and normalises its newlines. off is the segment's offset in
// the body, for errors. Without '&' or '\r' it returns s itself.
func xmlUnescape(s string, off int) (string, error) {
	s = xmlNormalizeNewlines(s) // before decoding: "&#13;" stays a CR
	amp := strings.IndexByte(s, '&')
	if amp < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:amp]...)
	for i := amp; i < len(s); {
		c := s[i]
		if c != '&' {
			b = append(b, c)
			i++
			continue
		}
		semi := strings.IndexByte(s[i+1:], ';')
		if semi < 0 || semi > 10 {
			return "", parseErr(off+i, ErrMalformed, "", "invalid entity reference")
		}
		ref := s[i+1 : i+1+semi]
		switch ref {
		case "lt":
			b = append(b, '<')
		case "gt":
			b = append(b, '>')
		case "amp":
			b = append(b, '&')
		case "apos":
			b = append(b, '\'')
		case "quot":
			b = append(b, '"')
		default:
			r, ok := xmlCharRef(ref)
			if !ok {
				return "", parseErr(off+i, ErrMalformed, "", "undefined entity &"+ref+";")
			}
			b = utf8.AppendRune(b, r)
		}
		i += 1 + semi + 1
	}
	return string(b), nil
}

// xmlCharRef decodes "#123" or "#x7B" to a character allowed in XML.
func xmlCharRef(ref string) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" || len(digits) > 8 {
		return 0, false
	}
	var r rune
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = rune(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		r = r*base + d
		if r > utf8.MaxRune {
			return 0, false
		}
	}
	// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
	switch {
	case r == 0x9, r == 0xA, r == 0xD,
		r >= 0x20 && r <= 0xD7FF,
		r >= 0xE000 && r <= 0xFFFD,
		r >= 0x10000 && r <= utf8.MaxRune:
		return r, true
	}
	return 0, false
}
