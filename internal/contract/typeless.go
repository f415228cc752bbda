package contract

import "github.com/getkin/kin-openapi/openapi3"

// allTypes is every JSON type; a schema listing them all constrains no type.
var allTypes = openapi3.Types{
	openapi3.TypeArray, openapi3.TypeBoolean, openapi3.TypeInteger, openapi3.TypeNull,
	openapi3.TypeNumber, openapi3.TypeObject, openapi3.TypeString,
}

// permitNullInTypelessSchemas works around a kin-openapi v0.153.0 false
// rejection. In a 3.1 document a schema without "type" (FastAPI's
// ValidationError.input is {"title": "Input"}) accepts any value, null
// included. kin-openapi falls back to its 3.0 validator for schemas with
// internal $refs (HTTPValidationError is one) and there, with JSON Schema 2020
// semantics on, a missing type does not permit null: a 422 whose
// detail[].input is null fails with "Value is not nullable".
//
// The fix rewrites the loaded document in memory, never api-v2.json: every
// schema that has no type and no other keyword that could reject null (enum,
// const, allOf/anyOf/oneOf/not) gets the list of all JSON types, which is the
// same constraint (none) spelled in a way both validators accept. It returns
// how many schemas it changed.
func permitNullInTypelessSchemas(doc *openapi3.T) int {
	changed := 0
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Type == nil && len(s.Enum) == 0 && s.Const == nil && s.Not == nil &&
			len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 {
			all := append(openapi3.Types(nil), allTypes...)
			s.Type = &all
			changed++
		}
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range list {
				walk(r)
			}
		}
		walk(s.Not)
		walk(s.Items)
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.AdditionalProperties.Schema)
	}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			walk(s)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				if p.Value != nil {
					walk(p.Value.Schema)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for _, mt := range resp.Value.Content {
					walk(mt.Schema)
				}
			}
		}
	}
	return changed
}
