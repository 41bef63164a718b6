package routing

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

var targetType = reflect.TypeFor[Target]()

// jsonFault finds the first fault in the JSON value data for a Go value of
// type t and returns its path with array indices, such as
// "then.targets[1].timeout" or "when.all[0].keywordz": an unknown field, a
// value of the wrong JSON kind, or a malformed target timeout. It returns
// "" when it finds none (the decoder's own message then has to do). It is
// used only to name the field of a decoding error.
func jsonFault(data []byte, t reflect.Type) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return ""
	}
	return faultIn(v, t, "")
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func faultIn(v any, t reflect.Type, path string) string {
	if v == nil {
		return "" // null leaves any value at its zero
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == targetType {
		return faultInTarget(v, path)
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return "" // decoded by its own rules (calendars)
	}
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); !ok {
			return path
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return path
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return path
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			return path
		}
	case reflect.Slice:
		a, ok := v.([]any)
		if !ok {
			return path
		}
		for i, e := range a {
			if p := faultIn(e, t.Elem(), path+"["+strconv.Itoa(i)+"]"); p != "" {
				return p
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return path
		}
		for _, k := range sortedKeys(m) {
			if p := faultIn(m[k], t.Elem(), joinPath(path, k)); p != "" {
				return p
			}
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return path
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(m) {
			ft, known := fields[strings.ToLower(k)] // encoding/json ignores case
			if !known {
				return joinPath(path, k)
			}
			if p := faultIn(m[k], ft, joinPath(path, k)); p != "" {
				return p
			}
		}
	}
	return ""
}

// faultInTarget checks a target, whose timeout is a duration string.
func faultInTarget(v any, path string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return path
	}
	for _, k := range sortedKeys(m) {
		switch strings.ToLower(k) {
		case "timeout":
			s, ok := m[k].(string)
			if m[k] == nil {
				continue
			}
			if !ok {
				return joinPath(path, k)
			}
			if _, err := time.ParseDuration(s); err != nil && s != "" {
				return joinPath(path, k)
			}
		case "queue":
			if p := faultIn(m[k], reflect.TypeFor[string](), joinPath(path, k)); p != "" {
				return p
			}
		case "skills":
			if p := faultIn(m[k], reflect.TypeFor[[]string](), joinPath(path, k)); p != "" {
				return p
			}
		case "leave_message":
			if p := faultIn(m[k], reflect.TypeFor[bool](), joinPath(path, k)); p != "" {
				return p
			}
		default:
			return joinPath(path, k)
		}
	}
	return ""
}

// jsonFields maps the lower-cased JSON names of t's exported fields to
// their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := make(map[string]reflect.Type, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out[strings.ToLower(name)] = f.Type
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
