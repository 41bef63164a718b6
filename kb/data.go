package kb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Data is a whole knowledge base as plain values: its settings, entries
// (every status), auto-reply rules, canned replies and guarded phrases. It is
// the JSON import/export format and the input of Build.
type Data struct {
	Settings Settings `json:"settings"`
	Entries  []Entry  `json:"entries"`
	Rules    []Rule   `json:"rules,omitempty"`
	Canned   []Canned `json:"canned,omitempty"`
	Phrases  []Phrase `json:"phrases,omitempty"`
}

// Validate checks every item and that entry ids, rule ids and canned codes
// are unique. It returns a *ValidationError for the first problem.
func (d *Data) Validate() error {
	if err := d.Settings.Validate(); err != nil {
		return err
	}
	ids := make(map[string]bool, len(d.Entries))
	for i := range d.Entries {
		e := &d.Entries[i]
		if err := e.Validate(); err != nil {
			return err
		}
		if ids[e.ID] {
			return &ValidationError{Kind: "entry", ID: e.ID, Field: "id", Msg: "duplicate id"}
		}
		ids[e.ID] = true
	}
	ruleIDs := make(map[string]bool, len(d.Rules))
	for i := range d.Rules {
		r := &d.Rules[i]
		if err := r.Validate(); err != nil {
			return err
		}
		if ruleIDs[r.ID] {
			return &ValidationError{Kind: "rule", ID: r.ID, Field: "id", Msg: "duplicate id"}
		}
		ruleIDs[r.ID] = true
	}
	codes := make(map[string]bool, len(d.Canned))
	for i := range d.Canned {
		c := &d.Canned[i]
		if err := c.Validate(); err != nil {
			return err
		}
		k := strings.ToLower(c.Code)
		if codes[k] {
			return &ValidationError{Kind: "canned", ID: c.Code, Field: "code", Msg: "duplicate code"}
		}
		codes[k] = true
	}
	for i := range d.Phrases {
		if err := d.Phrases[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// clone deep-copies d so the caller and an Index never share slices.
func (d Data) clone() Data {
	out := Data{Settings: d.Settings}
	out.Entries = make([]Entry, len(d.Entries))
	for i := range d.Entries {
		out.Entries[i] = d.Entries[i].clone()
	}
	out.Rules = make([]Rule, len(d.Rules))
	for i, r := range d.Rules {
		r.Exact, r.Contains, r.Exclude = cloneStrings(r.Exact), cloneStrings(r.Contains), cloneStrings(r.Exclude)
		r.Media = slices.Clone(r.Media)
		out.Rules[i] = r
	}
	out.Canned = make([]Canned, len(d.Canned))
	for i, c := range d.Canned {
		c.Media = slices.Clone(c.Media)
		out.Canned[i] = c
	}
	out.Phrases = slices.Clone(d.Phrases)
	if out.Phrases == nil {
		out.Phrases = []Phrase{}
	}
	return out
}

// ReadJSON decodes and validates a knowledge base written by WriteJSON (or
// by hand). Unknown fields are rejected so that typos do not pass silently;
// a leading UTF-8 byte-order mark is ignored.
// Errors wrap ErrInvalid; syntax errors carry the line number.
func ReadJSON(r io.Reader) (Data, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return Data{}, fmt.Errorf("kb: read json: %w", err)
	}
	raw = bytes.TrimPrefix(raw, utf8BOM)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var d Data
	if err := dec.Decode(&d); err != nil {
		return Data{}, &ValidationError{Kind: "json", Msg: describeJSONError(raw, dec, err)}
	}
	if dec.More() {
		return Data{}, &ValidationError{Kind: "json", Msg: "trailing data after the knowledge base object"}
	}
	if err := d.Validate(); err != nil {
		return Data{}, err
	}
	return d, nil
}

// describeJSONError prefixes a decoding error with its line number, taken
// from the error's offset or else from the decoder's position.
func describeJSONError(raw []byte, dec *json.Decoder, err error) string {
	off := dec.InputOffset()
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		off = -1
	}
	if off < 0 || off > int64(len(raw)) {
		return err.Error()
	}
	line := 1 + bytes.Count(raw[:off], []byte("\n"))
	return "line " + strconv.Itoa(line) + ": " + err.Error()
}

// WriteJSON writes d as indented JSON with entries sorted by id, so exports
// of the same knowledge base are byte-identical and diff well.
func (d Data) WriteJSON(w io.Writer) error {
	c := d.clone()
	slices.SortFunc(c.Entries, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("kb: write json: %w", err)
	}
	return nil
}

var utf8BOM = []byte("\xef\xbb\xbf")
