package ticket

import (
	"fmt"
	"slices"
	"strings"
)

// placeholders are the names a message template may use besides
// {field:NAME}.
var placeholders = []string{"id", "subject", "from", "to", "event", "note"}

// checkTemplate verifies that every {placeholder} in msg is known.
func checkTemplate(msg string) error {
	rest := msg
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Errorf("unclosed placeholder in %q", msg)
		}
		name := rest[i+1 : i+j]
		if !slices.Contains(placeholders, name) && !(strings.HasPrefix(name, "field:") && len(name) > len("field:")) {
			return fmt.Errorf("unknown placeholder {%s} in %q", name, msg)
		}
		rest = rest[i+j+1:]
	}
}

// render fills the placeholders of msg.
func render(msg string, t *Ticket, r *Record) string {
	if !strings.Contains(msg, "{") {
		return msg
	}
	var b strings.Builder
	rest := msg
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		switch name := rest[i+1 : i+j]; name {
		case "id":
			b.WriteString(t.ID)
		case "subject":
			b.WriteString(t.Subject)
		case "from":
			b.WriteString(r.From)
		case "to":
			b.WriteString(r.To)
		case "event":
			b.WriteString(r.Event)
		case "note":
			b.WriteString(r.Note)
		default:
			b.WriteString(t.Fields[strings.TrimPrefix(name, "field:")])
		}
		rest = rest[i+j+1:]
	}
}
