package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// printer writes the readable transcript of the demo. Every line carries the
// fake clock's time, so the output is the same on every run.
type printer struct {
	w   io.Writer
	now func() time.Time
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}

// scene starts a numbered scenario.
func (p *printer) scene(n int, title string) {
	p.printf("\n── %d. %s %s\n", n, title, strings.Repeat("─", max(3, 64-displayWidth(title))))
}

// line writes one timestamped transcript line: who → what.
func (p *printer) line(who, what string) {
	p.printf("  [%s] %s %s\n", p.now().Format("01-02 15:04:05"), pad(who, 10), what)
}

// note writes an indented explanation under the previous line.
func (p *printer) note(format string, args ...any) {
	for _, l := range strings.Split(strings.TrimRight(fmt.Sprintf(format, args...), "\n"), "\n") {
		p.printf("                            │ %s\n", l)
	}
}

// pad right-pads s with spaces to width terminal columns, counting CJK
// characters as two columns, so that columns line up in a terminal.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-displayWidth(s)))
}

// displayWidth is the number of terminal columns s takes: two for the wide
// East Asian characters of this demo (CJK, full-width forms), one otherwise.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
			w += 2
		default:
			w++
		}
	}
	return w
}
