package client_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	meibel "github.com/meibel-ai/meibel-go"
	"github.com/meibel-ai/meibel-go/client"
)

// TestEveryOperationHasAMethod walks the operations of api-v2.json and fails
// for any that has no method Client.<Tag>.<OperationId>.
func TestEveryOperationHasAMethod(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(meibel.Spec)
	if err != nil {
		t.Fatal(err)
	}
	c := reflect.TypeOf(client.Client{})
	n := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			if len(op.Tags) == 0 || op.OperationID == "" {
				t.Errorf("%s %s: an operation needs a tag and an operationId to have a method (tags %v, operationId %q)", method, path, op.Tags, op.OperationID)
				continue
			}
			svc := tagField(op.Tags[0])
			field, ok := c.FieldByName(svc)
			if !ok {
				t.Errorf("%s %s (%s): Client has no field %s for tag %q", method, path, op.OperationID, svc, op.Tags[0])
				continue
			}
			name := strings.ToUpper(op.OperationID[:1]) + op.OperationID[1:]
			m, ok := field.Type.MethodByName(name)
			if !ok {
				t.Errorf("%s %s: Client.%s has no method %s for operation %s", method, path, svc, name, op.OperationID)
				continue
			}
			// Every method takes a context first and options last, and returns an error last.
			mt := m.Type
			if mt.In(1).String() != "context.Context" || !mt.IsVariadic() || mt.Out(mt.NumOut()-1).String() != "error" {
				t.Errorf("Client.%s.%s has signature %s", svc, name, mt)
			}
			// A body the spec lets be absent or null needs a pointer (nil
			// sends null): see oapi-codegen.overlay.yaml.
			if optionalNullBody(op) {
				if body := mt.In(mt.NumIn() - 2); body.Kind() != reflect.Pointer {
					t.Errorf("Client.%s.%s takes its optional, nullable body as %s: add an x-go-type pointer for %s %s to oapi-codegen.overlay.yaml", svc, name, body, method, path)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no operations in the spec")
	}
	t.Logf("%d operations, each with its method", n)
}

// optionalNullBody reports whether op's JSON body is optional and may be
// null (FastAPI's anyOf [X, {type: null}]).
func optionalNullBody(op *openapi3.Operation) bool {
	if op.RequestBody == nil || op.RequestBody.Value == nil || op.RequestBody.Value.Required {
		return false
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return false
	}
	for _, s := range mt.Schema.Value.AnyOf {
		if s.Value != nil && s.Value.Type.Is("null") {
			return true
		}
	}
	return false
}

func tagField(tag string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(tag, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}
