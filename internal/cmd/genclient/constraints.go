package main

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// constraints maps a Go type name and a JSON field name to the spec's limits
// on that field ("≥ 1", "≤ 2", "one of: asc, desc", "default 20"), for the
// field lists of the model docs: go doc shows no schema otherwise.
type constraints map[string]map[string]string

func (c constraints) of(typeName, field string) string { return c[typeName][field] }

// specConstraints collects the limits of component schema properties and of
// each operation's query parameters (the <Op>Params structs).
func specConstraints(doc *openapi3.T, ops []operation) constraints {
	c := constraints{}
	add := func(typeName, field string, s *openapi3.SchemaRef) {
		if text := describeLimits(s); text != "" {
			if c[typeName] == nil {
				c[typeName] = map[string]string{}
			}
			c[typeName][field] = text
		}
	}
	for name, ref := range doc.Components.Schemas {
		if ref.Value == nil {
			continue
		}
		for prop, ps := range ref.Value.Properties {
			add(name, prop, ps)
		}
	}
	for _, op := range ops {
		if op.Spec == nil {
			continue
		}
		for _, p := range op.Spec.Parameters {
			if p.Value != nil && p.Value.In == "query" {
				add(op.GoName+"Params", p.Value.Name, p.Value.Schema)
			}
		}
	}
	return c
}

// describeLimits describes minimum, maximum, enum and default of a schema,
// looking through anyOf [X, null].
func describeLimits(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return ""
	}
	s := ref.Value
	var parts []string
	if len(s.AnyOf) > 0 {
		for _, branch := range s.AnyOf {
			if branch.Value != nil && !branch.Value.Type.Is("null") {
				if text := describeLimits(branch); text != "" {
					parts = append(parts, text)
					break
				}
			}
		}
	}
	if s.Min != nil {
		op := "≥"
		if s.ExclusiveMin.IsTrue() {
			op = ">"
		}
		parts = append(parts, fmt.Sprintf("%s %v", op, *s.Min))
	}
	if v := s.ExclusiveMin.Value; v != nil {
		parts = append(parts, fmt.Sprintf("> %v", *v))
	}
	if v := s.ExclusiveMax.Value; v != nil {
		parts = append(parts, fmt.Sprintf("< %v", *v))
	}
	if s.Max != nil {
		op := "≤"
		if s.ExclusiveMax.IsTrue() {
			op = "<"
		}
		parts = append(parts, fmt.Sprintf("%s %v", op, *s.Max))
	}
	if len(s.Enum) > 0 {
		values := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			values[i] = fmt.Sprint(v)
		}
		parts = append(parts, "one of: "+strings.Join(values, ", "))
	}
	if s.Default != nil {
		parts = append(parts, fmt.Sprintf("default %v", s.Default))
	}
	return strings.Join(parts, "; ")
}
