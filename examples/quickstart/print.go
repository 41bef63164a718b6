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
	p.printf("\n── %d. %s %s\n", n, title, strings.Repeat("─", max(0, 60-len([]rune(title)))))
}

// line writes one timestamped transcript line: who → what.
func (p *printer) line(who, what string) {
	p.printf("  [%s] %-10s %s\n", p.now().Format("01-02 15:04:05"), who, what)
}

// note writes an indented explanation under the previous line.
func (p *printer) note(format string, args ...any) {
	for _, l := range strings.Split(strings.TrimRight(fmt.Sprintf(format, args...), "\n"), "\n") {
		p.printf("                            │ %s\n", l)
	}
}
