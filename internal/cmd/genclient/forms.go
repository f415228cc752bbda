package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/types"
	"sort"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// formSpec is a multipart request body (a FastAPI Body_<operationId> schema)
// rendered as a typed form struct, <GoName>Form.
type formSpec struct {
	TypeName string // e.g. UploadContentForm
	Schema   string // e.g. Body_uploadContent
	Fields   []formField
}

type fieldKind int

const (
	fieldString fieldKind = iota
	fieldInt
	fieldBool
	fieldNumber
	fieldFile  // one file
	fieldFiles // an array of files
)

type formField struct {
	Wire     string // the form field name, e.g. timeout_seconds
	GoName   string // TimeoutSeconds
	Kind     fieldKind
	Required bool
	Title    string
	Default  string // the schema default, JSON, for docs only
}

// eventsSpec lists the typed events of a stream (the x-stream-event extension:
// a oneOf of event schemas).
type eventsSpec struct {
	TypeName string // the event interface, e.g. ChatEvent
	Events   []streamEvent
}

type streamEvent struct {
	Schema string // the model, e.g. PartialResponseEvent
	Wire   string // the SSE event name, e.g. partial_response
}

// eventTypeNames names the event interface of a stream; by default it is
// <GoName>Event.
var eventTypeNames = map[string]string{"sendChatMessageStream": "ChatEvent"}

// describeFormAndEvents fills o.Form for multipart bodies and o.Events for
// streams that model their events.
func describeFormAndEvents(o *operation, op *openapi3.Operation) error {
	if o.Body == bodyMultipart {
		f, err := describeForm(o, op.RequestBody.Value.Content.Get("multipart/form-data").Schema)
		if err != nil {
			return fmt.Errorf("operation %s: multipart body: %w", o.ID, err)
		}
		o.Form = f
	}
	if ext, ok := op.Extensions["x-stream-event"]; ok {
		ev, err := describeEvents(o, ext)
		if err != nil {
			return fmt.Errorf("operation %s: x-stream-event: %w", o.ID, err)
		}
		o.Events = ev
	}
	return nil
}

func describeForm(o *operation, ref *openapi3.SchemaRef) (*formSpec, error) {
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("no schema")
	}
	f := &formSpec{TypeName: o.GoName + "Form", Schema: strings.TrimPrefix(ref.Ref, "#/components/schemas/")}
	required := map[string]bool{}
	for _, r := range ref.Value.Required {
		required[r] = true
	}
	var names []string
	for name := range ref.Value.Properties {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { // required fields first, then by name
		if required[names[i]] != required[names[j]] {
			return required[names[i]]
		}
		return names[i] < names[j]
	})
	for _, name := range names {
		prop := ref.Value.Properties[name].Value
		s, nullable := nonNull(prop)
		kind, err := kindOf(s)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", name, err)
		}
		fld := formField{Wire: name, GoName: goFieldName(name), Kind: kind, Required: required[name] && !nullable, Title: prop.Title}
		if prop.Default != nil {
			b, _ := json.Marshal(prop.Default)
			fld.Default = string(b)
		}
		f.Fields = append(f.Fields, fld)
	}
	return f, nil
}

// nonNull unwraps FastAPI's optional form anyOf [X, {type: null}].
func nonNull(s *openapi3.Schema) (*openapi3.Schema, bool) {
	if len(s.AnyOf) == 2 {
		for i, alt := range s.AnyOf {
			if alt.Value != nil && alt.Value.Type.Is("null") {
				return s.AnyOf[1-i].Value, true
			}
		}
	}
	return s, false
}

func kindOf(s *openapi3.Schema) (fieldKind, error) {
	switch {
	case s.Type.Is("string") && s.Format == "binary":
		return fieldFile, nil
	case s.Type.Is("array") && s.Items != nil && s.Items.Value != nil && s.Items.Value.Type.Is("string") && s.Items.Value.Format == "binary":
		return fieldFiles, nil
	case s.Type.Is("string"):
		return fieldString, nil
	case s.Type.Is("integer"):
		return fieldInt, nil
	case s.Type.Is("boolean"):
		return fieldBool, nil
	case s.Type.Is("number"):
		return fieldNumber, nil
	}
	return 0, fmt.Errorf("unsupported multipart field type %v", s.Type)
}

// goFieldName turns timeout_seconds into TimeoutSeconds and prompt_id into PromptID.
func goFieldName(wire string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(wire, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if w == "id" || w == "url" {
			b.WriteString(strings.ToUpper(w))
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func describeEvents(o *operation, ext any) (*eventsSpec, error) {
	raw, err := json.Marshal(ext)
	if err != nil {
		return nil, err
	}
	var doc struct {
		OneOf []struct {
			Ref string `json:"$ref"`
		} `json:"oneOf"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.OneOf) == 0 {
		return nil, fmt.Errorf("want {oneOf: [$ref...]}, got %s", raw)
	}
	name := eventTypeNames[o.ID]
	if name == "" {
		name = o.GoName + "Event"
	}
	ev := &eventsSpec{TypeName: name}
	for _, r := range doc.OneOf {
		schema, ok := strings.CutPrefix(r.Ref, "#/components/schemas/")
		if !ok {
			return nil, fmt.Errorf("unsupported $ref %q", r.Ref)
		}
		ev.Events = append(ev.Events, streamEvent{Schema: schema, Wire: eventWireName(schema)})
	}
	return ev, nil
}

// eventWireName is the SSE event name of an event model: the schema name
// without the Event suffix, in snake case (PartialResponseEvent →
// partial_response). The spec models only the payload, so this convention is
// the one assumption the client and the local server share.
func eventWireName(schema string) string {
	base := strings.TrimSuffix(schema, "Event")
	var b strings.Builder
	for i, r := range base {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// renderForms writes client/forms.gen.go: the form type of every multipart
// operation and the event decoder of every stream with typed events.
func renderForms(ops []operation, g *generatedPkg) ([]byte, error) {
	models := map[string]bool{}
	for _, m := range g.models {
		models[m] = true
	}
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("package client\n\n")
	for _, op := range ops {
		if op.Form == nil {
			continue
		}
		if models[op.Form.TypeName] {
			return nil, fmt.Errorf("form type %s collides with a model", op.Form.TypeName)
		}
		renderForm(&b, op)
	}
	for _, op := range ops {
		if op.Events == nil {
			continue
		}
		if err := renderEvents(&b, op, g); err != nil {
			return nil, err
		}
	}
	return formatGo("forms.gen.go", b.Bytes())
}

func renderForm(b *bytes.Buffer, op operation) {
	f := op.Form
	fmt.Fprintf(b, "// %s is the multipart/form-data body of %s\n", f.TypeName, op.GoName)
	fmt.Fprintf(b, "// (schema %s). File content is streamed; optional fields are\n// sent only when set.\n", f.Schema)
	fmt.Fprintf(b, "type %s struct {\n", f.TypeName)
	for _, fld := range f.Fields {
		doc := fmt.Sprintf("is the form field %q", fld.Wire)
		if fld.Required {
			doc += ", required"
		} else {
			if fld.Kind == fieldFiles {
				doc += ", optional (nil or empty: not sent)"
			} else {
				doc += ", optional (nil: not sent; a value set, zero included, is sent)"
			}
		}
		if fld.Default != "" {
			doc += "; the server's default is " + fld.Default
		}
		if fld.Kind == fieldFiles {
			doc += "; one part per file"
		}
		fmt.Fprintf(b, "\t// %s %s.\n\t%s %s\n", fld.GoName, doc, fld.GoName, fieldGoType(fld))
	}
	b.WriteString("\n\t// OnProgress, when set, is called as file content is sent.\n\tOnProgress ProgressFunc\n}\n\n")

	fmt.Fprintf(b, "func (f *%s) formParts() ([]formPart, ProgressFunc, error) {\n", f.TypeName)
	b.WriteString("\tif f == nil {\n\t\treturn nil, nil, errNilForm\n\t}\n\tvar parts []formPart\n")
	for _, fld := range f.Fields {
		w := fmt.Sprintf("%q", fld.Wire)
		v := "f." + fld.GoName
		switch fld.Kind {
		case fieldFile:
			if fld.Required {
				fmt.Fprintf(b, "\t{\n\t\tp, err := filePart(%s, %s)\n\t\tif err != nil {\n\t\t\treturn nil, nil, err\n\t\t}\n\t\tparts = append(parts, p)\n\t}\n", w, v)
			} else {
				fmt.Fprintf(b, "\tif %s != nil {\n\t\tp, err := filePart(%s, *%s)\n\t\tif err != nil {\n\t\t\treturn nil, nil, err\n\t\t}\n\t\tparts = append(parts, p)\n\t}\n", v, w, v)
			}
		case fieldFiles:
			if fld.Required {
				fmt.Fprintf(b, "\tif len(%s) == 0 {\n\t\treturn nil, nil, errMissingField(%s)\n\t}\n", v, w)
			}
			fmt.Fprintf(b, "\tfor _, file := range %s {\n\t\tp, err := filePart(%s, file)\n\t\tif err != nil {\n\t\t\treturn nil, nil, err\n\t\t}\n\t\tparts = append(parts, p)\n\t}\n", v, w)
		default:
			fn := map[fieldKind]string{fieldString: "textPart", fieldInt: "intPart", fieldBool: "boolPart", fieldNumber: "floatPart"}[fld.Kind]
			if fld.Required {
				fmt.Fprintf(b, "\tparts = append(parts, %s(%s, %s))\n", fn, w, v)
			} else {
				fmt.Fprintf(b, "\tif %s != nil {\n\t\tparts = append(parts, %s(%s, *%s))\n\t}\n", v, fn, w, v)
			}
		}
	}
	b.WriteString("\treturn parts, f.OnProgress, nil\n}\n\n")
}

func fieldGoType(f formField) string {
	t := map[fieldKind]string{fieldString: "string", fieldInt: "int", fieldBool: "bool", fieldNumber: "float64", fieldFile: "File", fieldFiles: "[]File"}[f.Kind]
	if !f.Required && f.Kind != fieldFiles {
		t = "*" + t
	}
	return t
}

func renderEvents(b *bytes.Buffer, op operation, g *generatedPkg) error {
	ev := op.Events
	for _, e := range ev.Events {
		if err := checkEventModel(g, e.Schema); err != nil {
			return fmt.Errorf("operation %s: %w", op.ID, err)
		}
	}
	fmt.Fprintf(b, "// %s is one event of the %s stream, chosen by the event name:\n//\n", ev.TypeName, op.ID)
	for _, e := range ev.Events {
		fmt.Fprintf(b, "//   - %q (%s%s): *%s\n", e.Wire, ev.TypeName, strings.TrimSuffix(e.Schema, "Event"), e.Schema)
	}
	b.WriteString("//\n// or the raw Event for an event name the spec does not model. Use a type switch.\n")
	fmt.Fprintf(b, "type %s interface{}\n\n", ev.TypeName)
	fmt.Fprintf(b, "// Event names of the %s stream.\nconst (\n", op.ID)
	for _, e := range ev.Events {
		fmt.Fprintf(b, "\t%s%s = %q\n", ev.TypeName, strings.TrimSuffix(e.Schema, "Event"), e.Wire)
	}
	b.WriteString(")\n\n")
	fn := "decode" + op.GoName + "Event"
	fmt.Fprintf(b, "// %s maps a raw event to its model by event name.\n", fn)
	fmt.Fprintf(b, "func %s(ev Event) (%s, error) {\n\tswitch ev.Type {\n", fn, ev.TypeName)
	for _, e := range ev.Events {
		fmt.Fprintf(b, "\tcase %s%s:\n\t\treturn &%s{Event: ev.Type, Data: ev.Data}, nil\n", ev.TypeName, strings.TrimSuffix(e.Schema, "Event"), e.Schema)
	}
	b.WriteString("\t}\n\treturn ev, nil\n}\n\n")
	return nil
}

// checkEventModel verifies that a stream event model is the {event, data}
// frame the decoder fills.
func checkEventModel(g *generatedPkg, name string) error {
	obj := g.pkg.Scope().Lookup(name)
	if obj == nil {
		return fmt.Errorf("event model %s was not generated (is skip-prune set?)", name)
	}
	st, ok := obj.Type().Underlying().(*types.Struct)
	if !ok || st.NumFields() != 2 {
		return fmt.Errorf("event model %s: want a struct with fields Event and Data", name)
	}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if (f.Name() != "Event" && f.Name() != "Data") || types.TypeString(f.Type(), nil) != "string" {
			return fmt.Errorf("event model %s: unexpected field %s %s", name, f.Name(), f.Type())
		}
	}
	return nil
}

// streamResult is the result type and call helper of a stream operation.
func streamResult(op operation) (result, helper string) {
	if op.Events != nil {
		return "(*Stream[" + op.Events.TypeName + "], error)", "callTypedStream(decode" + op.GoName + "Event)"
	}
	return "(*Stream[Event], error)", "callStream"
}
