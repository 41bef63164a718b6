package kb

import (
	"sort"
	"strings"
	"unicode"
)

// Canned is a canned reply an agent inserts with a short code such as
// "/refund". Text may hold variables in braces, filled from the customer
// when used: "{name}您好，订单{order_no}已退款". Write "{{" and "}}" for
// literal braces.
type Canned struct {
	Code  string     `json:"code"` // starts with "/", no spaces; matched case-insensitively
	Title string     `json:"title,omitempty"`
	Text  string     `json:"text"`
	Media []MediaRef `json:"media,omitempty"`
}

// Validate returns a *ValidationError for the first problem in c, including
// a malformed template.
func (c *Canned) Validate() error {
	bad := func(field, msg string) error {
		return &ValidationError{Kind: "canned", ID: c.Code, Field: field, Msg: msg}
	}
	if len(c.Code) < 2 || c.Code[0] != '/' || strings.IndexFunc(c.Code, unicode.IsSpace) >= 0 {
		return bad("code", "must start with '/' and contain no spaces")
	}
	if strings.TrimSpace(c.Text) == "" && len(c.Media) == 0 {
		return bad("text", "needs text or media")
	}
	if _, err := parseTemplate(c.Text); err != "" {
		return bad("text", err)
	}
	return nil
}

// Variables returns the names of the variables in c.Text, in order of first
// use, without braces. It returns nil for a malformed template.
func (c *Canned) Variables() []string {
	segs, errMsg := parseTemplate(c.Text)
	if errMsg != "" {
		return nil
	}
	var names []string
	for _, s := range segs {
		if s.variable && !contains(names, s.text) {
			names = append(names, s.text)
		}
	}
	return names
}

// Fill returns c.Text with every variable replaced by its value in vars. A
// variable that has no value, or an empty one, is an error (a
// *VariableError wrapping ErrUnknownVariable): a reply never goes out with a
// hole in it.
func (c *Canned) Fill(vars map[string]string) (string, error) {
	segs, errMsg := parseTemplate(c.Text)
	if errMsg != "" {
		return "", &ValidationError{Kind: "canned", ID: c.Code, Field: "text", Msg: errMsg}
	}
	var b strings.Builder
	for _, s := range segs {
		if !s.variable {
			b.WriteString(s.text)
			continue
		}
		v, ok := vars[s.text]
		if !ok || v == "" {
			return "", &VariableError{Code: c.Code, Variable: s.text}
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

type segment struct {
	text     string
	variable bool
}

// parseTemplate splits a template into literal and variable segments. It
// returns a non-empty message for a malformed template.
func parseTemplate(t string) ([]segment, string) {
	var segs []segment
	var lit strings.Builder
	for i := 0; i < len(t); {
		switch {
		case strings.HasPrefix(t[i:], "{{"):
			lit.WriteByte('{')
			i += 2
		case strings.HasPrefix(t[i:], "}}"):
			lit.WriteByte('}')
			i += 2
		case t[i] == '}':
			return nil, "unmatched '}' (write '}}' for a literal brace)"
		case t[i] == '{':
			end := strings.IndexByte(t[i+1:], '}')
			if end < 0 {
				return nil, "unclosed '{' (write '{{' for a literal brace)"
			}
			name := t[i+1 : i+1+end]
			if !validVariable(name) {
				return nil, "bad variable name " + quote(name) + " (letters, digits and '_' only)"
			}
			if lit.Len() > 0 {
				segs = append(segs, segment{text: lit.String()})
				lit.Reset()
			}
			segs = append(segs, segment{text: name, variable: true})
			i += end + 2
		default:
			lit.WriteByte(t[i])
			i++
		}
	}
	if lit.Len() > 0 {
		segs = append(segs, segment{text: lit.String()})
	}
	return segs, ""
}

func validVariable(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cannedSet holds the canned replies sorted by lower-cased code.
type cannedSet struct {
	items []Canned
	keys  []string // lower-cased codes, sorted
}

func buildCanned(items []Canned) *cannedSet {
	cs := &cannedSet{items: append([]Canned(nil), items...)}
	sort.SliceStable(cs.items, func(i, j int) bool {
		return strings.ToLower(cs.items[i].Code) < strings.ToLower(cs.items[j].Code)
	})
	cs.keys = make([]string, len(cs.items))
	for i := range cs.items {
		cs.keys[i] = strings.ToLower(cs.items[i].Code)
	}
	return cs
}

// search returns the replies whose code starts with prefix ("/" optional),
// ordered by code.
func (cs *cannedSet) search(prefix string) []Canned {
	if cs == nil {
		return nil
	}
	p := strings.ToLower(strings.TrimSpace(prefix))
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	i := sort.SearchStrings(cs.keys, p)
	j := i
	for j < len(cs.keys) && strings.HasPrefix(cs.keys[j], p) {
		j++
	}
	if i == j {
		return nil
	}
	return append([]Canned(nil), cs.items[i:j]...)
}

func (cs *cannedSet) get(code string) (*Canned, bool) {
	if cs == nil {
		return nil, false
	}
	k := strings.ToLower(strings.TrimSpace(code))
	if !strings.HasPrefix(k, "/") {
		k = "/" + k
	}
	i := sort.SearchStrings(cs.keys, k)
	if i < len(cs.keys) && cs.keys[i] == k {
		return &cs.items[i], true
	}
	return nil, false
}
