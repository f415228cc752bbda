package meibeltest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// Defaults the service fills in when an artifact schema leaves them out.
const (
	defaultArtifactType    = generated.ArtifactTypeJson
	defaultStorageStrategy = generated.ArtifactStorageStrategyAuto
)

// artifactSchema is an agent output artifact schema. Its name, derived once
// from the display name (or given as the request's extra "name" property),
// is unique; every update makes a new version whose parent is the previous.
type artifactSchema struct {
	id, name  string
	seq       int
	createdAt time.Time
	version   int
	def       artifactDef
}

// artifactDef is the editable part of an artifact schema.
type artifactDef struct {
	displayName, typ, description, storage string
	required                               bool
	schemaDef                              map[string]any
	maxSize                                *int
}

func (s *store) artifact(id string) (*artifactSchema, error) {
	a, ok := s.artifacts[id]
	if !ok {
		return nil, notFound("artifact schema %q not found", id)
	}
	return a, nil
}

func (s *store) artifactNamed(name string) *artifactSchema {
	for _, a := range s.artifacts {
		if a.name == name {
			return a
		}
	}
	return nil
}

func (a *artifactSchema) response() generated.ArtifactSchemaResponse {
	d := a.def
	r := generated.ArtifactSchemaResponse{
		Id: a.id, Name: a.name, DisplayName: d.displayName, Version: strconv.Itoa(a.version),
		Type: d.typ, Description: d.description, Required: d.required, SchemaDef: cloneJSON(d.schemaDef),
		MaxSizeBytes: orNull(d.maxSize), StorageStrategy: d.storage,
		CreatedAt: nullable.NewNullableWithValue(a.createdAt),
	}
	if a.version > 1 {
		r.ParentVersion = nullable.NewNullableWithValue(strconv.Itoa(a.version - 1))
	}
	return r
}

func (a *artifactSchema) summary() generated.ArtifactSchemaSummary {
	return generated.ArtifactSchemaSummary{Id: a.id, Name: a.name, Description: a.def.description,
		Type: a.def.typ, FieldsSummary: fieldsSummary(a.def.schemaDef)}
}

// fieldsSummary lists the top-level properties of a JSON Schema by name,
// with their type ("a|b" for a list of types, "any" when it has none).
func fieldsSummary(schema map[string]any) []generated.FieldSummary {
	props, _ := schema["properties"].(map[string]any)
	out := make([]generated.FieldSummary, 0, len(props))
	for _, name := range slices.Sorted(maps.Keys(props)) {
		typ := "any"
		prop, _ := props[name].(map[string]any)
		switch t := prop["type"].(type) {
		case string:
			typ = t
		case []any:
			var types []string
			for _, x := range t {
				if s, ok := x.(string); ok {
					types = append(types, s)
				}
			}
			if len(types) > 0 {
				typ = strings.Join(types, "|")
			}
		}
		out = append(out, generated.FieldSummary{Name: name, Type: typ})
	}
	return out
}

// cloneJSON deep-copies a decoded JSON object so stored state never aliases
// a request or a response.
func cloneJSON(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return maps.Clone(m)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return maps.Clone(m)
	}
	return out
}

// maxSize checks max_size_bytes (null or absent means no limit).
func maxSize(n nullable.Nullable[int]) (*int, error) {
	v, ok := get(n)
	if !ok {
		return nil, nil
	}
	if v < 1 {
		return nil, invalid("Input should be greater than 0", "body", "max_size_bytes")
	}
	return &v, nil
}

// CreateArtifactSchema creates version "1" of an artifact schema (201).
// Its name is the request's extra "name" property when given, else a slug
// of the display name; names are unique (409).
func (h *handlers) CreateArtifactSchema(_ context.Context, req generated.CreateArtifactSchemaRequestObject) (generated.CreateArtifactSchemaResponseObject, error) {
	b := req.Body
	name := slug(b.DisplayName)
	if n, ok := b.AdditionalProperties["name"].(string); ok {
		name = n
	}
	if strings.TrimSpace(name) == "" {
		return nil, invalid("an artifact schema needs a name or a display name with letters or digits", "body", "display_name")
	}
	size, err := maxSize(b.MaxSizeBytes)
	if err != nil {
		return nil, err
	}
	def := artifactDef{displayName: b.DisplayName, typ: string(defaultArtifactType), storage: string(defaultStorageStrategy),
		schemaDef: cloneJSON(b.SchemaDef), maxSize: size}
	if b.Type != nil {
		def.typ = string(*b.Type)
	}
	if v, ok := get(b.Description); ok {
		def.description = v
	}
	if v, ok := get(b.Required); ok {
		def.required = v
	}
	if v, ok := get(b.StorageStrategy); ok {
		def.storage = string(v)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.artifactNamed(name) != nil {
		return nil, conflict("an artifact schema named %q already exists", name)
	}
	seq, id := h.next("art")
	a := &artifactSchema{id: id, name: name, seq: seq, createdAt: now(), version: 1, def: def}
	h.artifacts[id] = a
	return generated.CreateArtifactSchema201JSONResponse{Id: id, Name: name, DisplayName: def.displayName, Version: "1"}, nil
}

// GetArtifactSchema returns the current version of an artifact schema.
func (h *handlers) GetArtifactSchema(_ context.Context, req generated.GetArtifactSchemaRequestObject) (generated.GetArtifactSchemaResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, err := h.artifact(req.ArtifactId)
	if err != nil {
		return nil, err
	}
	return generated.GetArtifactSchema200JSONResponse(a.response()), nil
}

// ListArtifactSchemas lists artifact schemas with offset/limit (no limit
// means all), sorted by created_at (default), name, display_name or type,
// newest first unless sort_order is asc.
func (h *handlers) ListArtifactSchemas(_ context.Context, req generated.ListArtifactSchemasRequestObject) (generated.ListArtifactSchemasResponseObject, error) {
	p := req.Params
	desc, err := descending(p.SortOrder)
	if err != nil {
		return nil, err
	}
	key := func(a *artifactSchema) string { return fmt.Sprintf("%020d", a.seq) }
	if p.SortBy != nil {
		switch *p.SortBy {
		case "created_at":
		case "name":
			key = func(a *artifactSchema) string { return a.name }
		case "display_name":
			key = func(a *artifactSchema) string { return a.def.displayName }
		case "type":
			key = func(a *artifactSchema) string { return a.def.typ }
		default:
			return nil, invalid(fmt.Sprintf("cannot sort artifact schemas by %q (use created_at, name, display_name or type)", *p.SortBy), "query", "sort_by")
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	list := slices.Collect(maps.Values(h.artifacts))
	slices.SortFunc(list, func(x, y *artifactSchema) int {
		c := strings.Compare(key(x), key(y))
		if c == 0 {
			c = x.seq - y.seq
		}
		if desc {
			c = -c
		}
		return c
	})
	w, err := window(len(list), p.Offset, p.Limit, -1)
	if err != nil {
		return nil, err
	}
	data := make([]generated.ArtifactSchemaSummary, 0, w.hi-w.lo)
	for _, a := range list[w.lo:w.hi] {
		data = append(data, a.summary())
	}
	return generated.ListArtifactSchemas200JSONResponse{Data: data, Total: len(list)}, nil
}

// UpdateArtifactSchema changes the fields present in the body and makes a
// new version. Absent fields are unchanged; null clears max_size_bytes,
// resets type, description, required and storage_strategy to their
// defaults (json, "", false, auto), and is a 422 for display_name and
// schema_def, which a schema always has.
func (h *handlers) UpdateArtifactSchema(_ context.Context, req generated.UpdateArtifactSchemaRequestObject) (generated.UpdateArtifactSchemaResponseObject, error) {
	b := req.Body
	if b.DisplayName.IsNull() {
		return nil, invalid("Input should be a valid string", "body", "display_name")
	}
	if b.SchemaDef.IsNull() {
		return nil, invalid("Input should be a valid dictionary", "body", "schema_def")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	a, err := h.artifact(req.ArtifactId)
	if err != nil {
		return nil, err
	}
	d := a.def
	if v, ok := get(b.DisplayName); ok {
		d.displayName = v
	}
	if v, ok := get(b.SchemaDef); ok {
		d.schemaDef = cloneJSON(v)
	}
	if b.Type.IsSpecified() {
		d.typ = string(b.Type.GetOrEmpty())
		if b.Type.IsNull() {
			d.typ = string(defaultArtifactType)
		}
	}
	if b.Description.IsSpecified() {
		d.description = b.Description.GetOrEmpty()
	}
	if b.Required.IsSpecified() {
		d.required = b.Required.GetOrEmpty()
	}
	if b.StorageStrategy.IsSpecified() {
		d.storage = string(b.StorageStrategy.GetOrEmpty())
		if b.StorageStrategy.IsNull() {
			d.storage = string(defaultStorageStrategy)
		}
	}
	if b.MaxSizeBytes.IsSpecified() {
		if d.maxSize, err = maxSize(b.MaxSizeBytes); err != nil {
			return nil, err
		}
	}
	a.def = d
	a.version++
	return generated.UpdateArtifactSchema200JSONResponse{Id: a.id, Version: strconv.Itoa(a.version)}, nil
}

// DeleteArtifactSchema removes an artifact schema (204).
func (h *handlers) DeleteArtifactSchema(_ context.Context, req generated.DeleteArtifactSchemaRequestObject) (generated.DeleteArtifactSchemaResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.artifact(req.ArtifactId); err != nil {
		return nil, err
	}
	delete(h.artifacts, req.ArtifactId)
	return generated.DeleteArtifactSchema204Response{}, nil
}
