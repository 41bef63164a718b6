package routing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"

	"github.com/kefu-go/kefu/businesshours"
)

// ruleSetJSON is Config with rules kept raw, so that a decoding error can
// name the rule at fault.
type ruleSetJSON struct {
	Name      string                     `json:"name,omitempty"`
	Mode      Mode                       `json:"mode,omitempty"`
	Rules     []json.RawMessage          `json:"rules"`
	Default   json.RawMessage            `json:"default,omitempty"`
	Calendars map[string]json.RawMessage `json:"calendars,omitempty"`
}

// ParseJSON decodes a rule set from JSON (the shape of Config, with target
// timeouts as duration strings such as "60s") and compiles it with env.
// Unknown fields are rejected. Every error names the rule and the path of
// the field at fault, with list indices (such as "then.targets[1].timeout"
// or "when.all[0].keywords.mach"), and matches ErrInvalidRule.
func ParseJSON(data []byte, env Env) (*RuleSet, error) {
	cfg, err := DecodeConfig(data)
	if err != nil {
		return nil, err
	}
	return Compile(cfg, env)
}

// DecodeConfig decodes a rule set configuration from JSON without compiling
// it. Errors are *RuleError values naming the rule (by name, or by position
// when the name cannot be read) and match ErrInvalidRule.
func DecodeConfig(data []byte) (Config, error) {
	var raw ruleSetJSON
	if err := strictUnmarshal(data, &raw); err != nil {
		return Config{}, &RuleError{Field: faultField(data, reflect.TypeFor[ruleSetJSON](), err, ""), Err: err}
	}
	cfg := Config{Name: raw.Name, Mode: raw.Mode, Rules: make([]Rule, 0, len(raw.Rules))}
	var errs []error
	for i, rr := range raw.Rules {
		var r Rule
		if err := strictUnmarshal(rr, &r); err != nil {
			var named struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(rr, &named)
			id := named.Name
			if id == "" {
				id = "#" + strconv.Itoa(i+1)
			}
			errs = append(errs, &RuleError{Rule: id, Field: faultField(rr, reflect.TypeFor[Rule](), err, ""), Err: err})
			continue
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	if len(raw.Default) > 0 && string(raw.Default) != "null" {
		var a Action
		if err := strictUnmarshal(raw.Default, &a); err != nil {
			errs = append(errs, &RuleError{Field: faultField(raw.Default, reflect.TypeFor[Action](), err, "default"), Err: err})
		} else {
			cfg.Default = &a
		}
	}
	for name, rc := range raw.Calendars {
		cal := new(businesshours.Calendar)
		if err := cal.UnmarshalJSON(rc); err != nil {
			errs = append(errs, &RuleError{Field: "calendars." + name, Err: err})
			continue
		}
		if cfg.Calendars == nil {
			cfg.Calendars = make(map[string]*businesshours.Calendar, len(raw.Calendars))
		}
		cfg.Calendars[name] = cal
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return cfg, nil
}

// strictUnmarshal decodes exactly one JSON value, rejecting unknown fields.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// faultField names the field of the decoding error err of data (a value of
// type t): the exact path found by jsonFault, else what err tells.
func faultField(data []byte, t reflect.Type, err error, prefix string) string {
	if p := jsonFault(data, t); p != "" {
		return joinPath(prefix, p)
	}
	return jsonField(err, prefix)
}

// jsonField extracts the field path of a decoding error where it can.
func jsonField(err error, prefix string) string {
	var te *json.UnmarshalTypeError
	field := ""
	if errors.As(err, &te) {
		field = te.Field
	}
	if field == "" {
		// DisallowUnknownFields reports `json: unknown field "x"`.
		var name string
		if _, e := fmt.Sscanf(err.Error(), "json: unknown field %q", &name); e == nil {
			field = name
		}
	}
	switch {
	case prefix == "" && field == "":
		return "(json)"
	case prefix == "":
		return field
	case field == "":
		return prefix
	}
	return prefix + "." + field
}
