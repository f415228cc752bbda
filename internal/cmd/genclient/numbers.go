package main

import (
	"bytes"
	"fmt"
	"go/types"
	"strings"
)

// numberUnions returns the model types that oapi-codegen made of a
// number-or-integer anyOf (e.g. temperature: number | integer): a struct
// holding the raw JSON, with As<Variant> methods that all return numbers.
func numberUnions(g *generatedPkg) []string {
	var out []string
	for _, name := range g.models {
		obj, ok := g.pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok || obj.IsAlias() {
			continue
		}
		st, ok := obj.Type().Underlying().(*types.Struct)
		if !ok || st.NumFields() != 1 || st.Field(0).Name() != "union" {
			continue
		}
		ms := types.NewMethodSet(obj.Type())
		variants, numeric := 0, true
		for i := 0; i < ms.Len(); i++ {
			fn := ms.At(i).Obj().(*types.Func)
			if !strings.HasPrefix(fn.Name(), "As") {
				continue
			}
			variants++
			res := fn.Type().(*types.Signature).Results()
			b, ok := res.At(0).Type().Underlying().(*types.Basic)
			if !ok || b.Info()&types.IsNumeric == 0 {
				numeric = false
			}
		}
		if variants > 0 && numeric {
			out = append(out, name)
		}
	}
	return out
}

// renderNumbers writes numbers.gen.go: the NumberUnion constraint used by the
// hand-written NumberValue and NumberOf (client/numbers.go).
func renderNumbers(g *generatedPkg) ([]byte, error) {
	unions := numberUnions(g)
	if len(unions) == 0 {
		return nil, fmt.Errorf("no number-or-integer union types found: client/numbers.go needs at least one")
	}
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("package client\n\n")
	b.WriteString("// NumberUnion is every type the spec declares as a number that may also be\n")
	b.WriteString("// sent or received as an integer (anyOf number, integer), such as\n")
	b.WriteString("// UpdateAgentDefinitionRequest_Temperature. Read one with NumberValue and build one\n")
	b.WriteString("// with NumberOf.\ntype NumberUnion interface {\n\t")
	b.WriteString(strings.Join(unions, " |\n\t\t"))
	b.WriteString("\n}\n")
	return formatGo("numbers.gen.go", b.Bytes())
}
