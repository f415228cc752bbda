package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// bodyKind is how an operation takes its request body.
type bodyKind int

const (
	bodyNone bodyKind = iota
	bodyJSON
	bodyMultipart
)

// resultKind is what an operation's success response carries.
type resultKind int

const (
	resultNone   resultKind = iota // no body (e.g. 204)
	resultJSON                     // application/json, decoded into a model
	resultStream                   // text/event-stream
	resultBinary                   // a file: application/zip, application/octet-stream
)

// operation is what the generator needs to know of one spec operation.
type operation struct {
	ID          string // operationId, e.g. createSessionByName
	GoName      string // CreateSessionByName
	Tag         string // first tag, e.g. "Agents"
	Summary     string
	Description string
	Method      string
	Path        string
	Deprecated  bool
	Body        bodyKind
	Status      int // first 2xx status the spec declares
	Result      resultKind
	ContentType string // success content type, "" for none
	// Spec is the operation as loaded from the spec, for renderers that need
	// more than the above (pagination, the operation index).
	Spec   *openapi3.Operation
	Form   *formSpec   // the multipart body's fields (see forms.go)
	Events *eventsSpec // typed stream events from x-stream-event (see forms.go)
}

// service groups the operations of one tag.
func serviceName(tag string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(tag, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// loadSpec loads and validates the OpenAPI document.
func loadSpec(specPath string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", specPath, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate %s: %w", specPath, err)
	}
	return doc, nil
}

// loadOperations loads the spec and describes its operations, sorted by
// operationId.
func loadOperations(specPath string) ([]operation, error) {
	doc, err := loadSpec(specPath)
	if err != nil {
		return nil, err
	}
	return operationsOf(doc)
}

// operationsOf describes the operations of doc, sorted by operationId.
func operationsOf(doc *openapi3.T) ([]operation, error) {
	var ops []operation
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			o, err := describe(method, path, op)
			if err != nil {
				return nil, err
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	for i := 1; i < len(ops); i++ {
		if ops[i].ID == ops[i-1].ID {
			return nil, fmt.Errorf("operationId %q is used twice", ops[i].ID)
		}
	}
	return ops, nil
}

func describe(method, path string, op *openapi3.Operation) (operation, error) {
	o := operation{
		ID:          op.OperationID,
		Method:      method,
		Path:        path,
		Summary:     op.Summary,
		Description: op.Description,
		Deprecated:  op.Deprecated,
		Spec:        op,
	}
	if o.ID == "" {
		return o, fmt.Errorf("%s %s has no operationId", method, path)
	}
	o.GoName = strings.ToUpper(o.ID[:1]) + o.ID[1:]
	if len(op.Tags) == 0 {
		return o, fmt.Errorf("operation %s has no tag", o.ID)
	}
	o.Tag = op.Tags[0]

	if op.RequestBody != nil && op.RequestBody.Value != nil {
		content := op.RequestBody.Value.Content
		switch {
		case content.Get("application/json") != nil:
			o.Body = bodyJSON
		case content.Get("multipart/form-data") != nil:
			o.Body = bodyMultipart
		default:
			return o, fmt.Errorf("operation %s: unsupported request content %v", o.ID, keys(content))
		}
	}

	codes := op.Responses.Map()
	var statuses []int
	for code := range codes {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n < 300 {
			statuses = append(statuses, n)
		}
	}
	if len(statuses) == 0 {
		return o, fmt.Errorf("operation %s declares no 2xx response", o.ID)
	}
	sort.Ints(statuses)
	o.Status = statuses[0]
	resp := codes[strconv.Itoa(o.Status)].Value
	cts := keys(resp.Content)
	switch {
	case len(cts) == 0:
		o.Result = resultNone
	case resp.Content.Get("application/json") != nil:
		o.Result, o.ContentType = resultJSON, "application/json"
	case resp.Content.Get("text/event-stream") != nil:
		o.Result, o.ContentType = resultStream, "text/event-stream"
	case len(cts) == 1:
		o.Result, o.ContentType = resultBinary, cts[0]
	default:
		return o, fmt.Errorf("operation %s: unsupported success content %v", o.ID, cts)
	}
	if err := describeFormAndEvents(&o, op); err != nil {
		return o, err
	}
	return o, nil
}

func keys(c openapi3.Content) []string {
	var out []string
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
