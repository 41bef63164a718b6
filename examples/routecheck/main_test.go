package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestRunAllMatch(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"-rules", "testdata/rules.json", "-cases", "testdata/cases.csv", "-v"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "8 case(s), 0 mismatch(es)") {
		t.Fatalf("unexpected report:\n%s", out.String())
	}
	if !strings.Contains(out.String(), `diamond                  → vip`) {
		t.Fatalf("verbose listing missing:\n%s", out.String())
	}
}

func TestRunMismatch(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"-rules", "testdata/rules.json", "-cases", "testdata/cases_mismatch.csv", "-time", "2026-11-25T10:00:00+08:00"}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		"3 case(s), 2 mismatch(es)",
		`MISMATCH refund at lunch: queue "leave_message", want "after-sales"; rule "after-hours", want "refund"`,
		`shadowed: rule "refund"`,
		`MISMATCH suggestion: queue "complaints", want "feedback"`,
		`matched rule "complaint"`,
		`found "投诉"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	// The whole report, explanation included, is stable.
	golden := "testdata/cases_mismatch.golden"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("report differs from %s (run with -update to accept):\n got:\n%s\nwant:\n%s", golden, out.String(), want)
	}
}

func TestRunJSONCases(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cases.json")
	if err := os.WriteFile(p, []byte(`[{"input":{"text":"我要退款","time":"2026-11-25T10:00:00+08:00"},"want_queue":"after-sales"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"-rules", "testdata/rules.json", "-cases", p}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"rules":[{"name":"vip","when":{"predicate":"is_vip"},"then":{"queue":"vip"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	badCSV := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(badCSV, []byte("text,queue\n退款,x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{nil, "-rules and -cases are required"},
		{[]string{"-rules", bad, "-cases", "testdata/cases.csv"}, `rule "vip": field when.predicate: routing: unknown predicate "is_vip"`},
		{[]string{"-rules", "testdata/rules.json", "-cases", badCSV}, `unknown column "queue"`},
		{[]string{"-rules", "testdata/rules.json", "-cases", "missing.csv"}, "no such file"},
		{[]string{"-rules", "testdata/rules.json", "-cases", "testdata/cases.csv", "-time", "soon"}, "-time"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 {
			t.Errorf("run(%q) exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("run(%q) stderr lacks %q:\n%s", tc.args, tc.want, errb.String())
		}
	}
	// A stubbed predicate makes the same rule set valid.
	var out, errb bytes.Buffer
	stub := filepath.Join(dir, "c.csv")
	if err := os.WriteFile(stub, []byte("text,want_queue\nhi,vip\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"-rules", bad, "-cases", stub, "-predicate", "is_vip=true"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
}
