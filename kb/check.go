package kb

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Expectations of the pre-launch check besides an entry or rule id.
const (
	ExpectNoAnswer = "no answer" // no automatic answer (a miss or only recommendations)
	ExpectHuman    = "human"     // handed to a person
)

// Case is one line of a pre-launch check: a typical question and what it
// should get: an entry id (answered automatically with that entry), a reply
// rule id, ExpectNoAnswer or ExpectHuman.
type Case struct {
	Question string `json:"question"`
	Expect   string `json:"expect"`
	Line     int    `json:"-"` // source line, set by ReadCases for TSV input
}

// Mismatch is a case whose decision differs from the expectation.
type Mismatch struct {
	Case     Case
	Got      string   // Decision.ID() of the actual decision
	Decision Decision // the full decision, with its reason
	Reason   string   // why it is a mismatch
	Near     []Result // the entries that came close (best first)
}

// String renders the mismatch on one line for reports.
func (m Mismatch) String() string {
	var b strings.Builder
	if m.Case.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", m.Case.Line)
	}
	fmt.Fprintf(&b, "%q: expected %q, got %q: %s", m.Case.Question, m.Case.Expect, m.Got, m.Reason)
	for _, r := range m.Near {
		fmt.Fprintf(&b, "\n    near %q score %.2f (%s)", r.Entry.ID, r.Score, r.Reason)
	}
	return b.String()
}

// Check runs every case through Answer at time now and returns the
// mismatches, in case order; an empty result means the knowledge base is
// ready. An expected id that is neither a live entry nor a reply rule is
// reported as a mismatch too.
func (ix *Index) Check(cases []Case, now time.Time) []Mismatch {
	var out []Mismatch
	for _, c := range cases {
		d := ix.Answer(c.Question, now)
		got := d.ID()
		if got == c.Expect {
			continue
		}
		m := Mismatch{Case: c, Got: got, Decision: d, Near: ix.entries.lookup(c.Question, now, 3, 0)}
		m.Reason = d.Reason
		if c.Expect != ExpectNoAnswer && c.Expect != ExpectHuman && !ix.answerable(c.Expect, now) {
			m.Reason = "expected " + strconv.Quote(c.Expect) + " is not a published, live entry or a reply rule; " + d.Reason
		}
		out = append(out, m)
	}
	return out
}

func (ix *Index) answerable(id string, now time.Time) bool {
	if ix.rules != nil {
		for i := range ix.rules.rules {
			if ix.rules.rules[i].ID == id && ix.rules.rules[i].Action == ActionReply {
				return true
			}
		}
	}
	if ix.entries == nil {
		return false
	}
	i, ok := ix.entries.byID(id)
	return ok && ix.entries.entries[i].LiveAt(now)
}

// ReadCases reads pre-launch cases as a JSON array of {"question", "expect"}
// objects, or, if the input does not start with '[', as TSV: one
// "question<TAB>expect" per line, blank lines and lines starting with '#'
// skipped. A leading UTF-8 byte-order mark is ignored. Errors wrap
// ErrInvalid and name the line.
func ReadCases(r io.Reader) ([]Case, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("kb: read cases: %w", err)
	}
	raw = bytes.TrimPrefix(raw, utf8BOM) // spreadsheet exports start with one
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var cases []Case
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cases); err != nil {
			return nil, &ValidationError{Kind: "case", Msg: describeJSONError(t, dec, err)}
		}
		for i, c := range cases {
			if strings.TrimSpace(c.Question) == "" || strings.TrimSpace(c.Expect) == "" {
				return nil, &ValidationError{Kind: "case", ID: strconv.Itoa(i), Msg: "question and expect must be non-empty"}
			}
		}
		return cases, nil
	}
	var cases []Case
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		q, expect, ok := strings.Cut(text, "\t")
		q, expect = strings.TrimSpace(q), strings.TrimSpace(expect)
		if !ok || q == "" || expect == "" || strings.Contains(expect, "\t") {
			return nil, &ValidationError{Kind: "case", ID: "line " + strconv.Itoa(line), Msg: "want \"question<TAB>expect\""}
		}
		cases = append(cases, Case{Question: q, Expect: expect, Line: line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("kb: read cases: %w", err)
	}
	return cases, nil
}
