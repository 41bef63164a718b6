package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/kefu-go/kefu/wechatmp"
)

// runParse reads a plaintext message (XML or JSON) on stdin and prints the
// parsed wechatmp.Message as indented JSON, its Extra fields included.
func runParse(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("parse", stderr)
	if err := parseFlags(fs, args, nil); err != nil {
		return err
	}
	body, err := readInput(stdin, "message")
	if err != nil {
		return err
	}
	m, err := wechatmp.ParseMessage(body)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("rendering the message: %w", err)
	}
	_, err = stdout.Write(append(out, '\n'))
	return err
}
