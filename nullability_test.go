package meibel_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	meibel "github.com/meibel-ai/meibel-go"
)

// TestNoUntypedFields checks that every model field generated as interface{}
// comes from a spec property that really has no type: nullable strings,
// integers, objects and $refs must keep their Go type.
func TestNoUntypedFields(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(meibel.Spec)
	if err != nil {
		t.Fatal(err)
	}
	// Go type name -> schema, for component schemas (Body_x -> BodyX).
	schemas := map[string]*openapi3.Schema{}
	for name, ref := range doc.Components.Schemas {
		schemas[strings.ReplaceAll(name, "_", "")] = ref.Value
	}
	f := parseGenerated(t)
	checked := 0
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return false
		}
		schema := schemas[ts.Name.Name]
		for _, field := range st.Fields.List {
			if !isEmptyInterface(field.Type) || field.Tag == nil {
				continue
			}
			tag := reflect.StructTag(strings.Trim(field.Tag.Value, "`")).Get("json")
			prop := strings.Split(tag, ",")[0]
			if prop == "-" {
				continue
			}
			checked++
			if schema == nil || schema.Properties[prop] == nil {
				t.Errorf("%s.%s is interface{} and has no component schema to justify it", ts.Name.Name, prop)
				continue
			}
			p := schema.Properties[prop].Value
			if p.Type != nil && len(p.Type.Slice()) > 0 || len(p.AnyOf)+len(p.OneOf)+len(p.AllOf) > 0 || schema.Properties[prop].Ref != "" {
				t.Errorf("%s.%s is interface{} but the spec types it", ts.Name.Name, prop)
			}
		}
		return false
	})
	t.Logf("%d interface{} fields, each untyped in the spec", checked)
}

// parseGenerated parses oapi-codegen's output.
func parseGenerated(t *testing.T) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "generated/meibel.gen.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func isEmptyInterface(e ast.Expr) bool {
	it, ok := e.(*ast.InterfaceType)
	return ok && len(it.Methods.List) == 0
}

// TestNullableFieldsOmitZero checks that every nullable.Nullable field of the
// generated models carries `omitzero` (from oapi-codegen.overlay.yaml): the
// type is a struct, which `omitempty` never leaves out, so without it an
// absent field would be sent as null.
func TestNullableFieldsOmitZero(t *testing.T) {
	f := parseGenerated(t)
	checked := 0
	ast.Inspect(f, func(n ast.Node) bool {
		field, ok := n.(*ast.Field)
		if !ok || field.Tag == nil || len(field.Names) == 0 {
			return true
		}
		idx, ok := field.Type.(*ast.IndexExpr)
		if !ok {
			return true
		}
		if sel, ok := idx.X.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Nullable" {
			return true
		}
		checked++
		tag := reflect.StructTag(strings.Trim(field.Tag.Value, "`")).Get("json")
		if !strings.Contains(tag, ",omitzero") {
			t.Errorf("field %s (json %q) is nullable.Nullable without omitzero: the overlay's nullable targets missed it", field.Names[0].Name, tag)
		}
		return true
	})
	if checked < 300 {
		t.Errorf("found %d nullable fields; the spec has over 300: the walk is broken", checked)
	}
}

// TestNoNumberUnions checks that every number-or-integer property (anyOf
// [number, integer]) is a plain float64: oapi-codegen would otherwise make
// a union type whose As... methods return numbers, which the overlay's
// float64 targets prevent.
func TestNoNumberUnions(t *testing.T) {
	f := parseGenerated(t)
	// Numeric types: the basic ones, and aliases of them (a union's variants
	// are named like AgentDetailResponseTemperature0 = float64).
	numeric := map[string]bool{"float64": true, "float32": true, "int": true}
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Assign.IsValid() {
			if id, ok := ts.Type.(*ast.Ident); ok && numeric[id.Name] {
				numeric[ts.Name.Name] = true
			}
		}
		return true
	})
	// A union whose every As... variant is numeric is a number-or-integer
	// union; others (string or integer, such as a validation error's loc)
	// stay unions.
	variants, numericVariants := map[string]int{}, map[string]int{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || !strings.HasPrefix(fn.Name.Name, "As") || fn.Type.Results == nil {
			continue
		}
		recv, ok := fn.Recv.List[0].Type.(*ast.Ident)
		if !ok {
			continue
		}
		variants[recv.Name]++
		if id, ok := fn.Type.Results.List[0].Type.(*ast.Ident); ok && numeric[id.Name] {
			numericVariants[recv.Name]++
		}
	}
	for union, n := range variants {
		if numericVariants[union] == n {
			t.Errorf("%s is a number-or-integer union; add its property to the float64 targets in oapi-codegen.overlay.yaml", union)
		}
	}
	t.Logf("%d unions, none of numbers only", len(variants))
}
