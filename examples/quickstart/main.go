// Command quickstart plays, in one process and on a fake clock, the scenarios a
// real WeChat Official Account meets, through every kefu package: the mptest
// fake platform sends signed, encrypted callbacks to the wechatmp Handler; the
// host code resolves the user (identity), routes the message (routing), lets
// the bot answer what it knows (kb), hands the rest to agents with the whole
// context, and runs refund tickets (ticket) whose steps are pushed to the user
// within the 48-hour window, or by template outside it. It needs no services
// and prints a transcript and a summary.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run plays every scene and prints the summary. It is deterministic: the same
// output on every run.
func run(w io.Writer) error {
	out := &printer{w: w}
	d, err := newDeployment(out)
	if err != nil {
		return err
	}
	defer d.Close()
	ctx := context.Background()
	out.printf("kefu quickstart — a WeChat Official Account's customer service, in process (fake clock, mptest platform)\n")
	for _, scene := range []func(context.Context, *deployment) error{
		sceneOpeningHours, sceneRefund, sceneVIP, sceneComplaint, sceneMedia,
		sceneHandoff, sceneGuard, sceneWindow, sceneDuplicate,
	} {
		if err := scene(ctx, d); err != nil {
			return err
		}
	}
	if err := d.summary(ctx); err != nil {
		return err
	}
	return out.err
}
