package meibeltest

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// Transforms are simulated extraction: a schema's properties are filled from
// the document's "Key: value" lines (keys match property names or titles,
// ignoring case, spaces and punctuation), converted to the property's type;
// a property the document does not give is null. Object properties are
// filled the same way from their own properties.

// transformRequest is the form of transformDocument and submitDocumentTransform.
type transformRequest struct {
	file   formPart
	schema string // artifact_schema: a JSON schema, or an artifact schema's id or name
	model  string
}

func readTransformForm(parts []formPart) (transformRequest, error) {
	f := files(parts, "file")
	if len(f) != 1 {
		return transformRequest{}, invalid("Field required", "body", "file")
	}
	schema, ok := field(parts, "artifact_schema")
	if !ok || strings.TrimSpace(schema) == "" {
		return transformRequest{}, invalid("Field required", "body", "artifact_schema")
	}
	if s, ok := field(parts, "timeout_seconds"); ok {
		if n, err := strconv.Atoi(s); err != nil || n < 1 {
			return transformRequest{}, invalid("Input should be a positive integer", "body", "timeout_seconds")
		}
	}
	model, _ := field(parts, "model")
	if model == "" {
		model = "meibel-extract-1"
	}
	return transformRequest{file: f[0], schema: schema, model: model}, nil
}

// resolveSchema reads a schema given as JSON, or names an artifact schema
// (by id, then by name; 404 when there is none). h.mu held.
func (h *handlers) resolveSchema(spec string, loc ...any) (map[string]any, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "{") {
		var m map[string]any
		if err := json.Unmarshal([]byte(spec), &m); err != nil {
			return nil, invalid("Invalid JSON: "+err.Error(), loc...)
		}
		return m, nil
	}
	if a, ok := h.artifacts[spec]; ok {
		return cloneJSON(a.def.schemaDef), nil
	}
	if a := h.artifactNamed(spec); a != nil {
		return cloneJSON(a.def.schemaDef), nil
	}
	return nil, notFound("artifact schema %q not found", spec)
}

// extract fills schema's properties from text; filled and total count the
// leaf properties.
func extract(schema map[string]any, text string) (data map[string]any, filled, total int) {
	values := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimLeft(strings.TrimSpace(line), "-*# ")
		k, v, ok := strings.Cut(line, ":")
		if nk := normKey(k); ok && nk != "" && strings.TrimSpace(v) != "" {
			if _, dup := values[nk]; !dup {
				values[nk] = strings.TrimSpace(v)
			}
		}
	}
	return fill(schema, values)
}

func fill(schema map[string]any, values map[string]string) (map[string]any, int, int) {
	out := map[string]any{}
	props, _ := schema["properties"].(map[string]any)
	filled, total := 0, 0
	for _, name := range slices.Sorted(maps.Keys(props)) {
		ps, _ := props[name].(map[string]any)
		typ := schemaType(ps)
		if typ == "object" {
			if _, nested := ps["properties"]; nested {
				v, f, t := fill(ps, values)
				out[name], filled, total = v, filled+f, total+t
				continue
			}
		}
		total++
		raw, ok := values[normKey(name)]
		if title, _ := ps["title"].(string); !ok && title != "" {
			raw, ok = values[normKey(title)]
		}
		var v any
		if ok {
			v = convert(raw, typ, ps)
		}
		if v != nil {
			filled++
		}
		out[name] = v
	}
	return out, filled, total
}

// schemaType is a property's JSON type ("string" when unknown); of a type
// list, the first that is not "null".
func schemaType(ps map[string]any) string {
	switch t := ps["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && s != "null" {
				return s
			}
		}
	}
	return "string"
}

// convert reads raw as typ; nil when it does not fit.
func convert(raw, typ string, ps map[string]any) any {
	num := strings.NewReplacer(",", "", "$", "", "€", "", "£", "", "%", "").Replace(raw)
	switch typ {
	case "integer":
		if n, err := strconv.Atoi(strings.TrimSpace(num)); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(num), 64); err == nil && f == float64(int(f)) {
			return int(f)
		}
		return nil
	case "number":
		if f, err := strconv.ParseFloat(strings.TrimSpace(num), 64); err == nil {
			return f
		}
		return nil
	case "boolean":
		switch strings.ToLower(raw) {
		case "true", "yes", "y":
			return true
		case "false", "no", "n":
			return false
		}
		return nil
	case "array":
		items, _ := ps["items"].(map[string]any)
		out := []any{}
		for _, part := range strings.Split(raw, ",") {
			if v := convert(strings.TrimSpace(part), schemaType(items), items); v != nil {
				out = append(out, v)
			}
		}
		return out
	}
	if enum, ok := ps["enum"].([]any); ok {
		for _, e := range enum {
			if s, ok := e.(string); ok && strings.EqualFold(s, raw) {
				return s
			}
		}
		return nil
	}
	return raw
}

func normKey(k string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, k)
}

// tokenUsage estimates tokens as words in and characters out / 4.
func tokenUsage(model, text string, data map[string]any) map[string]any {
	in := len(strings.Fields(text))
	out := len(jsonData(data)) / 4
	return map[string]any{"model": model, "input_tokens": in, "output_tokens": out, "total_tokens": in + out}
}

// startTransform reads the form, resolves the schema, extracts, and stores
// the execution as a document job (sync: completed at once).
func (h *handlers) startTransform(parts []formPart, sync bool) (*documentJob, transformRequest, error) {
	tr, err := readTransformForm(parts)
	if err != nil {
		return nil, tr, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	schema, err := h.resolveSchema(tr.schema, "body", "artifact_schema")
	if err != nil {
		return nil, tr, err
	}
	j := h.addDocument("xfm", tr.file, sync)
	j.transform, _, _ = extract(schema, j.text)
	return j, tr, nil
}

// TransformDocument extracts the artifact schema's fields from the uploaded
// document synchronously. artifact_schema is a JSON schema or the id or name
// of an artifact schema (404 when unknown; invalid JSON is a 422). The
// execution is kept as a completed document job: its id works with the
// document status and result operations.
func (h *handlers) TransformDocument(_ context.Context, req generated.TransformDocumentRequestObject) (generated.TransformDocumentResponseObject, error) {
	parts, err := readForm(req.Body)
	if err != nil {
		return nil, err
	}
	j, tr, err := h.startTransform(parts, true)
	if err != nil {
		return nil, err
	}
	return generated.TransformDocument200JSONResponse{ExecutionId: j.id, Data: j.transform,
		TokenUsage: nullable.NewNullableWithValue(tokenUsage(tr.model, j.text, j.transform))}, nil
}

// SubmitDocumentTransform starts the transform TransformDocument does
// synchronously. Its execution_id is a document job id: getDocumentStatus
// reports it processing, then completed (like a parse), and
// getDocumentResult then carries the extracted "data".
func (h *handlers) SubmitDocumentTransform(_ context.Context, req generated.SubmitDocumentTransformRequestObject) (generated.SubmitDocumentTransformResponseObject, error) {
	parts, err := readForm(req.Body)
	if err != nil {
		return nil, err
	}
	j, _, err := h.startTransform(parts, false)
	if err != nil {
		return nil, err
	}
	return generated.SubmitDocumentTransform200JSONResponse{ExecutionId: j.id}, nil
}
