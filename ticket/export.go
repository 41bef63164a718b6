package ticket

import (
	"fmt"
	"strings"
)

// DOT returns the definition as a Graphviz digraph: one node per state
// (waiting states dashed, resolved states filled, terminal states with a
// double border), one edge per (source state, transition) labelled with the
// event, and a point marking the initial state.
func (d *Definition) DOT() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n", d.name)
	b.WriteString("  rankdir=LR;\n  node [shape=box, style=rounded];\n")
	b.WriteString("  \"__start\" [shape=point, label=\"\"];\n")
	for _, s := range d.states {
		var attrs []string
		style := "rounded"
		if s.Waiting {
			style += ",dashed"
		}
		if s.Resolved {
			style += ",filled"
			attrs = append(attrs, `fillcolor="#e8f5e9"`)
		}
		if style != "rounded" {
			attrs = append([]string{fmt.Sprintf("style=%q", style)}, attrs...)
		}
		if s.Terminal {
			attrs = append(attrs, "peripheries=2")
		}
		if len(attrs) == 0 {
			fmt.Fprintf(&b, "  %q;\n", s.Name)
		} else {
			fmt.Fprintf(&b, "  %q [%s];\n", s.Name, strings.Join(attrs, ", "))
		}
	}
	fmt.Fprintf(&b, "  \"__start\" -> %q;\n", d.Initial())
	for _, s := range d.states {
		for _, tr := range s.out {
			fmt.Fprintf(&b, "  %q -> %q [label=%q];\n", s.Name, d.states[tr.to].Name, tr.Event)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// Mermaid returns the definition as a Mermaid stateDiagram-v2. State names
// that are not plain identifiers get an alias ("on-hold" becomes on_hold with
// a label); waiting states get the class waiting, resolved states the class
// resolved, and terminal states an edge to [*].
func (d *Definition) Mermaid() string {
	ids := make([]string, len(d.states))
	used := map[string]bool{"__start": true}
	for i, s := range d.states {
		id := mermaidID(s.Name, i)
		for used[id] {
			id += "_"
		}
		used[id] = true
		ids[i] = id
	}
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	b.WriteString("    classDef waiting stroke-dasharray: 5 5\n")
	b.WriteString("    classDef resolved fill:#e8f5e9\n")
	for i, s := range d.states {
		if ids[i] != s.Name {
			fmt.Fprintf(&b, "    state %q as %s\n", s.Name, ids[i])
		}
	}
	fmt.Fprintf(&b, "    [*] --> %s\n", ids[d.initial])
	for i, s := range d.states {
		for _, tr := range s.out {
			fmt.Fprintf(&b, "    %s --> %s: %s\n", ids[i], ids[tr.to], tr.Event)
		}
	}
	for i, s := range d.states {
		if s.Terminal {
			fmt.Fprintf(&b, "    %s --> [*]\n", ids[i])
		}
	}
	for i, s := range d.states {
		if s.Waiting {
			fmt.Fprintf(&b, "    class %s waiting\n", ids[i])
		}
		if s.Resolved {
			fmt.Fprintf(&b, "    class %s resolved\n", ids[i])
		}
	}
	return b.String()
}

// mermaidID returns a Mermaid identifier for the i-th state: its name with
// other characters than ASCII letters, digits and _ replaced by _, or s<i>
// when that leaves no letter or digit (a name in Chinese, say).
func mermaidID(name string, i int) string {
	var b strings.Builder
	plain := false
	for j, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9' && j > 0:
			b.WriteRune(r)
			plain = true
		case r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if !plain {
		return fmt.Sprintf("s%d", i)
	}
	return b.String()
}
