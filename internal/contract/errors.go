package contract

import (
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Violation is one problem in FastAPI's HTTPValidationError shape: where
// (Loc, e.g. ["body","display_name"] or ["query","limit"]), what (Msg) and
// which kind (Type, e.g. "missing", "value_error").
type Violation struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// RequestError reports a request that breaks the contract.
type RequestError struct {
	Method, Path string // request method and escaped path
	Operation    string // operationId; empty when no operation matched
	// Status is the status a FastAPI server answers this request with:
	// 401 (authentication), 404 (no such path), 405 (method not allowed) or
	// 422 (invalid parameters or body).
	Status     int
	Violations []Violation
	Err        error
}

func (e *RequestError) Error() string {
	op := e.Operation
	if op == "" {
		op = "no operation"
	}
	return fmt.Sprintf("contract: request %s %s (%s) violates api-v2.json: %v", e.Method, e.Path, op, e.Err)
}

func (e *RequestError) Unwrap() error { return e.Err }

// ResponseError reports a response that breaks the contract.
type ResponseError struct {
	Method, Path string
	Operation    string
	Status       int
	Err          error
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("contract: response %d to %s %s (%s) violates api-v2.json: %v",
		e.Status, e.Method, e.Path, e.Operation, e.Err)
}

func (e *ResponseError) Unwrap() error { return e.Err }

// violations flattens an openapi3filter error into FastAPI-shaped entries and
// picks the status a FastAPI server would answer with.
func violations(err error) (int, []Violation) {
	var sec *openapi3filter.SecurityRequirementsError
	if errors.As(err, &sec) {
		return 401, []Violation{{Loc: []any{"header", "Meibel-API-Key"}, Msg: "Not authenticated", Type: "missing"}}
	}
	var route *routers.RouteError
	if errors.As(err, &route) {
		if route.Reason == routers.ErrMethodNotAllowed.Error() {
			return 405, []Violation{{Loc: []any{"path"}, Msg: "Method Not Allowed", Type: "method_not_allowed"}}
		}
		return 404, []Violation{{Loc: []any{"path"}, Msg: "Not Found", Type: "not_found"}}
	}
	var out []Violation
	collect(err, &out)
	if len(out) == 0 {
		out = []Violation{{Loc: []any{"request"}, Msg: err.Error(), Type: "value_error"}}
	}
	return 422, out
}

func collect(err error, out *[]Violation) {
	if multi, ok := err.(openapi3.MultiError); ok && len(multi) > 0 {
		for _, e := range multi {
			collect(e, out)
		}
		return
	}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		*out = append(*out, Violation{Loc: []any{"request"}, Msg: err.Error(), Type: "value_error"})
		return
	}
	var loc []any
	switch {
	case re.Parameter != nil:
		loc = []any{re.Parameter.In, re.Parameter.Name}
	case re.RequestBody != nil:
		loc = []any{"body"}
	default:
		loc = []any{"request"}
	}
	kind, msg := "value_error", re.Error()
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		kind, msg = "missing", "Field required"
	}
	var schemaErrs []*openapi3.SchemaError
	schemaErrors(re.Err, &schemaErrs)
	if len(schemaErrs) == 0 {
		*out = append(*out, Violation{Loc: loc, Msg: msg, Type: kind})
		return
	}
	for _, se := range schemaErrs {
		l := append([]any(nil), loc...)
		for _, p := range se.JSONPointer() {
			l = append(l, p)
		}
		t := "value_error"
		if se.SchemaField == "required" {
			t = "missing"
			if name, ok := missingProperty(se.Reason); ok && (len(l) == 0 || l[len(l)-1] != name) {
				l = append(l, name)
			}
		} else if se.SchemaField == "type" {
			t = "type_error"
		}
		msg := reason(se.Reason)
		if explained, ok := explainAnyOf(se); ok {
			msg = explained
		}
		*out = append(*out, Violation{Loc: l, Msg: msg, Type: t})
	}
}

// explainAnyOf gives, for kin-openapi's bare `doesn't match any schema from
// "anyOf"`, the reason of the first branch whose type the value has (e.g. a
// temperature of 5 against anyOf [number ≤ 2, integer ≤ 2, null] gives
// "number must be at most 2"), as FastAPI names the real problem.
func explainAnyOf(se *openapi3.SchemaError) (string, bool) {
	if se.SchemaField != "anyOf" || se.Schema == nil {
		return "", false
	}
	for _, branch := range se.Schema.AnyOf {
		if branch.Value == nil || branch.Value.Type.Is("null") {
			continue
		}
		var inner []*openapi3.SchemaError
		schemaErrors(branch.Value.VisitJSON(se.Value, openapi3.MultiErrors()), &inner)
		if len(inner) == 0 || inner[0].SchemaField == "type" {
			continue // the value is not of this branch's type: try the next
		}
		return reason(inner[0].Reason), true
	}
	return "", false
}

func schemaErrors(err error, out *[]*openapi3.SchemaError) {
	var multi openapi3.MultiError
	if errors.As(err, &multi) && len(multi) > 0 {
		for _, e := range multi {
			schemaErrors(e, out)
		}
		return
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		*out = append(*out, se)
	}
}

// missingProperty extracts x from kin-openapi's `property "x" is missing`.
func missingProperty(reason string) (string, bool) {
	rest, ok := strings.CutPrefix(reason, `property "`)
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, `" is missing`)
	return name, ok
}

// reason shortens the JSON Schema 2020 validator's multi-line reasons
// ("jsonschema validation failed ...\n- at ”: minimum: got -1, want 0") to
// their last line.
func reason(r string) string {
	if i := strings.LastIndexByte(r, '\n'); i >= 0 {
		r = strings.TrimSpace(r[i+1:])
		if _, rest, ok := strings.Cut(r, "': "); ok && strings.HasPrefix(r, "- at '") {
			r = rest
		}
	}
	return r
}
