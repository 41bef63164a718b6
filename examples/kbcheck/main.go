// Command kbcheck is the pre-launch check of a knowledge base: it runs a
// table of typical customer questions, each with the answer it should get,
// through the knowledge base and prints every mismatch with the decision's
// reason and the entries that came close, so customers are not the first
// testers of a knowledge-base change.
//
// Usage:
//
//	kbcheck -kb kb.json -cases questions.tsv [-time 2026-11-25T10:00:00+08:00] [-v]
//
// The knowledge base is kb's JSON export format (see kb.Data.WriteJSON and
// kb.ReadJSON): an object with "settings", "entries", "rules", "canned"
// and "phrases". The cases file (see kb.ReadCases) is either
//
//   - TSV: one "question<TAB>expect" per line; blank lines and lines starting
//     with '#' are skipped; or
//   - JSON: an array of {"question": "…", "expect": "…"} objects.
//
// expect is the id of the entry that should answer automatically, the id of
// a reply rule, "human" (handed to a person, e.g. by a "转人工" or complaint
// rule) or "no answer" (no automatic answer: a miss, or only
// recommendations for the agent).
//
// Entries with a validity window are checked at -time (RFC 3339; default
// now), so a promotion can be tested before it starts. With -v every case is
// printed, not only the mismatches.
//
// Exit status: 0 when every case gets its expected answer, 1 on any
// mismatch, 2 on a usage, file or knowledge-base error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/kefu-go/kefu/kb"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kbcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kbPath := fs.String("kb", "", "knowledge base JSON file (required)")
	casesPath := fs.String("cases", "", "cases file, TSV or JSON (required)")
	at := fs.String("time", "", "RFC 3339 time the questions are asked at (default now)")
	verbose := fs.Bool("v", false, "print every case, not only mismatches")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *kbPath == "" || *casesPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "kbcheck: -kb and -cases are required and no other arguments are accepted")
		fs.Usage()
		return 2
	}
	now := time.Now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "kbcheck: -time: %v\n", err)
			return 2
		}
		now = t
	}
	ix, err := loadIndex(*kbPath)
	if err != nil {
		fmt.Fprintf(stderr, "kbcheck: %s: %v\n", *kbPath, err)
		return 2
	}
	cases, err := loadCases(*casesPath)
	if err != nil {
		fmt.Fprintf(stderr, "kbcheck: %s: %v\n", *casesPath, err)
		return 2
	}
	if len(cases) == 0 {
		fmt.Fprintf(stderr, "kbcheck: %s: no cases\n", *casesPath)
		return 2
	}
	if *verbose {
		for _, c := range cases {
			d := ix.Answer(c.Question, now)
			mark := "ok "
			if d.ID() != c.Expect {
				mark = "BAD"
			}
			fmt.Fprintf(stdout, "%s %-20s → %-12s (%s)\n", mark, strconv.Quote(c.Question), d.ID(), d.Reason)
		}
		fmt.Fprintln(stdout)
	}
	mismatches := ix.Check(cases, now)
	for _, m := range mismatches {
		fmt.Fprintf(stdout, "MISMATCH %s\n", m)
	}
	fmt.Fprintf(stdout, "%d case(s), %d mismatch(es)\n", len(cases), len(mismatches))
	if len(mismatches) > 0 {
		return 1
	}
	return 0
}

func loadIndex(path string) (*kb.Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := kb.ReadJSON(f)
	if err != nil {
		return nil, err
	}
	return kb.Build(d)
}

func loadCases(path string) ([]kb.Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return kb.ReadCases(f)
}
