package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const at = "2026-11-05T10:00:00+08:00" // inside the 双十一 promotion window

func TestRunAllPass(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"-kb", "testdata/kb.json", "-cases", "testdata/questions.tsv", "-time", at, "-v"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		"12 case(s), 0 mismatch(es)",
		`ok  "你们是骗子吧"`,
		`rule "angry" (priority 100): message contains "骗子"; hand to a human`,
		`→ double11`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if errb.Len() != 0 {
		t.Fatalf("stderr: %s", errb.String())
	}
}

func TestRunJSONCases(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"-kb", "testdata/kb.json", "-cases", "testdata/questions.json", "-time", at}, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "2 case(s), 0 mismatch(es)") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestRunPromotionOutsideItsWindow(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"-kb", "testdata/kb.json", "-cases", "testdata/questions.tsv", "-time", "2026-11-20T10:00:00+08:00"}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), `"双11有什么活动": expected "double11", got "no answer": expected "double11" is not a published, live entry`) ||
		!strings.Contains(out.String(), "12 case(s), 1 mismatch(es)") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestRunMismatches(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"-kb", "testdata/kb.json", "-cases", "testdata/questions_mismatch.tsv", "-time", at}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		"4 case(s), 3 mismatch(es)",
		`MISMATCH line 3: "退款的快递怎么寄": expected "refund", got "no answer": entry "refund" scored 0.55`,
		"below the auto-reply score 0.60",
		`    near "refund" score 0.55 (keywords 退款`,
		`    near "shipping" score 0.55 (keywords 快递`,
		`MISMATCH line 4: "快递多久到": expected "no answer", got "shipping"`,
		`MISMATCH line 5: "X1 手机保修": expected "old-phone", got "no answer": expected "old-phone" is not a published, live entry`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "line 2:") {
		t.Errorf("a passing case was reported:\n%s", out.String())
	}
}

func TestRunUsageAndFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badKB := write("bad.json", "{\n\"entries\": [{\"id\": \"a\", \"colour\": 1}]}")
	invalidKB := write("invalid.json", `{"entries":[{"id":"a","question":"q","answer":"x","status":"live"}]}`)
	badCases := write("bad.tsv", "营业时间 hours\n")
	empty := write("empty.tsv", "# nothing\n")
	tests := []struct {
		args []string
		want string
	}{
		{nil, "-kb and -cases are required"},
		{[]string{"-kb", "testdata/kb.json"}, "-kb and -cases are required"},
		{[]string{"-kb", "testdata/kb.json", "-cases", "testdata/questions.tsv", "extra"}, "no other arguments"},
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"-kb", "missing.json", "-cases", "testdata/questions.tsv"}, "no such file"},
		{[]string{"-kb", badKB, "-cases", "testdata/questions.tsv"}, `line 2: json: unknown field "colour"`},
		{[]string{"-kb", invalidKB, "-cases", "testdata/questions.tsv"}, `kb: invalid entry "a": status: unknown status live`},
		{[]string{"-kb", "testdata/kb.json", "-cases", "missing.tsv"}, "no such file"},
		{[]string{"-kb", "testdata/kb.json", "-cases", badCases}, `line 1`},
		{[]string{"-kb", "testdata/kb.json", "-cases", empty}, "no cases"},
		{[]string{"-kb", "testdata/kb.json", "-cases", "testdata/questions.tsv", "-time", "soon"}, "-time"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := run(tc.args, &out, &errb); code != 2 {
			t.Errorf("run(%q) exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("run(%q) stderr %q lacks %q", tc.args, errb.String(), tc.want)
		}
	}
}
