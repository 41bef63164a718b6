// Command routecheck is the pre-launch check of a routing rule set: it runs
// a table of sample messages with their expected queues through the rule set
// and prints each mismatch with the decision's full explanation, so that
// customers are not the first testers of a rule change.
//
// Usage:
//
//	routecheck -rules rules.json -cases cases.csv [-time 2026-11-25T10:00:00+08:00] [-predicate name=true] [-v]
//
// The rule set is routing's JSON format (see routing.ParseJSON). The cases
// file is either JSON (an array of routing.Case) or CSV with a header row
// naming any of these columns, in any order:
//
//	name, text, want_queue, want_rule, kind, event, menu_key, tags,
//	member_level, first_contact, channel, customer_id, time
//
// tags are separated by "|"; first_contact is true/false; time is RFC 3339
// (empty: the -time flag, else now). want_queue is a queue name,
// "leave_message", or empty for none. Host predicates the rule set names can
// be stubbed with -predicate name=true|false (repeatable).
//
// Exit status: 0 when every case routes as expected, 1 on any mismatch, 2 on
// a usage, file or rule-set error.
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kefu-go/kefu/routing"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type predicateFlags map[string]bool

func (p predicateFlags) String() string { return fmt.Sprint(map[string]bool(p)) }

func (p predicateFlags) Set(v string) error {
	name, val, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return errors.New("want name=true or name=false")
	}
	b, err := strconv.ParseBool(val)
	if err != nil {
		return fmt.Errorf("predicate %s: %w", name, err)
	}
	p[name] = b
	return nil
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("routecheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rulesPath := fs.String("rules", "", "rule set JSON file (required)")
	casesPath := fs.String("cases", "", "cases file, .json or .csv (required)")
	at := fs.String("time", "", "RFC 3339 time for cases without one (default now)")
	verbose := fs.Bool("v", false, "print every case, not only mismatches")
	preds := predicateFlags{}
	fs.Var(preds, "predicate", "stub a host predicate: name=true|false (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *rulesPath == "" || *casesPath == "" {
		fmt.Fprintln(stderr, "routecheck: -rules and -cases are required")
		fs.Usage()
		return 2
	}
	defTime := time.Now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "routecheck: -time: %v\n", err)
			return 2
		}
		defTime = t
	}
	env := routing.Env{Predicates: map[string]routing.PredicateFunc{}}
	for name, v := range preds {
		v := v
		env.Predicates[name] = func(routing.Input) bool { return v }
	}
	data, err := os.ReadFile(*rulesPath)
	if err != nil {
		fmt.Fprintf(stderr, "routecheck: %v\n", err)
		return 2
	}
	rs, err := routing.ParseJSON(data, env)
	if err != nil {
		fmt.Fprintf(stderr, "routecheck: %s:\n", *rulesPath)
		for _, e := range flatten(err) {
			fmt.Fprintf(stderr, "  %v\n", e)
		}
		return 2
	}
	cases, err := readCases(*casesPath)
	if err != nil {
		fmt.Fprintf(stderr, "routecheck: %s: %v\n", *casesPath, err)
		return 2
	}
	for i := range cases {
		if cases[i].Input.Time.IsZero() {
			cases[i].Input.Time = defTime
		}
	}
	report := routing.Verify(rs, cases)
	if *verbose {
		for _, c := range cases {
			d := rs.Decide(c.Input)
			name := c.Name
			if name == "" {
				name = strconv.Quote(c.Input.Text)
			}
			fmt.Fprintf(stdout, "%-24s → %-16s (%s)\n", name, d.Target(), d.String())
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprint(stdout, report)
	if !report.OK() {
		return 1
	}
	return 0
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func readCases(path string) ([]routing.Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.EqualFold(filepath.Ext(path), ".json") {
		var cases []routing.Case
		dec := json.NewDecoder(f)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cases); err != nil {
			return nil, err
		}
		return cases, nil
	}
	return readCSV(f)
}

var csvColumns = map[string]bool{
	"name": true, "text": true, "want_queue": true, "want_rule": true, "kind": true, "event": true,
	"menu_key": true, "tags": true, "member_level": true, "first_contact": true, "channel": true,
	"customer_id": true, "time": true,
}

func readCSV(r io.Reader) ([]routing.Case, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.ToLower(h))
		if !csvColumns[h] {
			return nil, fmt.Errorf("header: unknown column %q", h)
		}
		col[h] = i
	}
	if _, ok := col["want_queue"]; !ok {
		return nil, errors.New("header: missing want_queue column")
	}
	var cases []routing.Case
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return cases, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		c := routing.Case{Name: get("name"), WantQueue: get("want_queue"), WantRule: get("want_rule")}
		c.Input = routing.Input{Text: get("text"), Kind: get("kind"), Event: get("event"), MenuKey: get("menu_key"),
			Channel: get("channel"), CustomerID: get("customer_id")}
		if c.Input.Kind == "" && c.Input.Text != "" {
			c.Input.Kind = routing.KindText
		}
		if v := get("tags"); v != "" {
			c.Input.Tags = strings.Split(v, "|")
		}
		if v := get("member_level"); v != "" {
			if c.Input.MemberLevel, err = strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("line %d: member_level: %w", line, err)
			}
		}
		if v := get("first_contact"); v != "" {
			if c.Input.FirstContact, err = strconv.ParseBool(v); err != nil {
				return nil, fmt.Errorf("line %d: first_contact: %w", line, err)
			}
		}
		if v := get("time"); v != "" {
			if c.Input.Time, err = time.Parse(time.RFC3339, v); err != nil {
				return nil, fmt.Errorf("line %d: time: %w", line, err)
			}
		}
		cases = append(cases, c)
	}
}
