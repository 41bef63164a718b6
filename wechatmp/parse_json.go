package wechatmp

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// parseJSON walks the JSON object s, reporting its keys to sink as the XML
// scanner reports elements: an object value is a group, a scalar a leaf
// (numbers keep their literal text, booleans are "true"/"false", null is
// ""), and an array repeats its key once per element.
func parseJSON(s string, sink *parseSink) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return parseJSONErr(dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return parseErr(0, ErrMalformed, "", "body is not a JSON object")
	}
	if err := parseJSONObject(dec, sink, 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return parseErr(int(dec.InputOffset()), ErrMalformed, "", "data after the JSON object")
		}
		return parseJSONErr(dec, err)
	}
	return nil
}

// parseJSONObject reads the members of an object whose '{' has been read,
// through its '}'.
func parseJSONObject(dec *json.Decoder, sink *parseSink, depth int) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return parseJSONErr(dec, err)
		}
		key, ok := tok.(string)
		if !ok {
			return parseErr(int(dec.InputOffset()), ErrMalformed, "", "object key is not a string")
		}
		if err := parseJSONValue(dec, sink, key, depth); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return parseJSONErr(dec, err)
	}
	return nil
}

// parseJSONValue reads the value of key.
func parseJSONValue(dec *json.Decoder, sink *parseSink, key string, depth int) error {
	off := int(dec.InputOffset())
	tok, err := dec.Token()
	if err != nil {
		return parseJSONErr(dec, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth+1 > parseMaxDepth {
			return parseErr(off, ErrTooDeep, key, "")
		}
		switch t {
		case '{':
			if err := sink.open(key, off); err != nil {
				return err
			}
			if err := parseJSONObject(dec, sink, depth+1); err != nil {
				return err
			}
			sink.close()
			return nil
		case '[':
			for dec.More() {
				if err := parseJSONValue(dec, sink, key, depth+1); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // ']'
				return parseJSONErr(dec, err)
			}
			return nil
		}
		return parseErr(off, ErrMalformed, key, "unexpected delimiter")
	case string:
		return sink.leaf(key, t, off)
	case json.Number:
		return sink.leaf(key, string(t), off)
	case bool:
		if t {
			return sink.leaf(key, "true", off)
		}
		return sink.leaf(key, "false", off)
	case nil:
		return sink.leaf(key, "", off)
	}
	return parseErr(off, ErrMalformed, key, "unexpected value")
}

// parseJSONErr converts an encoding/json error into a *ParseError.
func parseJSONErr(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return parseErr(int(se.Offset), ErrMalformed, "", se.Error())
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return parseErr(int(dec.InputOffset()), ErrMalformed, "", "unexpected end of JSON")
	}
	return parseErr(int(dec.InputOffset()), ErrMalformed, "", err.Error())
}
