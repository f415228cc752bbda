package meibeltest

import (
	"context"
	"fmt"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

func TestArtifactSchemas(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()

	invoice := map[string]any{"type": "object", "properties": map[string]any{
		"total": map[string]any{"type": "number"}, "vendor": map[string]any{"type": []any{"string", "null"}}, "lines": map[string]any{}}}
	created, err := c.ArtifactSchemas.CreateArtifactSchema(ctx, client.CreateAgentArtifactRequest{
		DisplayName: "Invoice Summary", SchemaDef: invoice, Description: client.Value("Totals"),
		MaxSizeBytes: client.Value(4096), Required: client.Value(true)})
	if err != nil {
		t.Fatal(err)
	}
	if created.Name != "invoice-summary" || created.Version != "1" {
		t.Fatalf("created %+v", created)
	}
	_, err = c.ArtifactSchemas.CreateArtifactSchema(ctx, client.CreateAgentArtifactRequest{DisplayName: "invoice summary!", SchemaDef: map[string]any{}})
	wantStatus(t, err, 409)

	got, err := c.ArtifactSchemas.GetArtifactSchema(ctx, created.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != "json" || got.StorageStrategy != "auto" || !got.Required || got.Description != "Totals" ||
		got.ParentVersion.IsSpecified() || got.SchemaDef["type"] != "object" {
		t.Fatalf("get %+v", got)
	}
	if n, _ := client.ValueOf(got.MaxSizeBytes); n != 4096 {
		t.Fatalf("max_size_bytes %v", got.MaxSizeBytes)
	}

	// Paging and sorting over 12 schemas.
	for i := range 11 {
		typ := client.ArtifactTypeMarkdown
		r := do(t, ts, "POST", "/artifact-schemas", map[string]any{"display_name": fmt.Sprintf("Note %02d", i),
			"type": typ, "schema_def": map[string]any{}, "name": fmt.Sprintf("note-%02d", i)})
		expect(t, r, 201)
	}
	list, err := c.ArtifactSchemas.ListArtifactSchemas(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 12 || len(list.Data) != 12 || list.Data[0].Name != "note-10" || list.Data[11].Id != created.Id {
		t.Fatalf("default list (newest first) %+v", list)
	}
	want := []client.FieldSummary{{Name: "lines", Type: "any"}, {Name: "total", Type: "number"}, {Name: "vendor", Type: "string|null"}}
	if fmt.Sprint(list.Data[11].FieldsSummary) != fmt.Sprint(want) {
		t.Fatalf("fields summary %+v", list.Data[11].FieldsSummary)
	}
	five, asc, byName := 5, "asc", "name"
	page, err := c.ArtifactSchemas.ListArtifactSchemas(ctx, &client.ListArtifactSchemasParams{Offset: &five, Limit: &five, SortBy: &byName, SortOrder: &asc})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 12 || len(page.Data) != 5 || page.Data[0].Name != "note-04" || page.Data[4].Name != "note-08" {
		t.Fatalf("page %+v", page)
	}
	var names []string
	for s, err := range c.ArtifactSchemas.ListArtifactSchemasIter(ctx, &client.ListArtifactSchemasParams{Limit: &five, SortBy: &byName, SortOrder: &asc}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, s.Name)
	}
	if len(names) != 12 || names[0] != "invoice-summary" || names[11] != "note-10" {
		t.Fatalf("iterated %v", names)
	}
	expect(t, do(t, ts, "GET", "/artifact-schemas?sort_by=size", nil), 422)
	expect(t, do(t, ts, "GET", "/artifact-schemas?sort_order=up", nil), 422)
	expect(t, do(t, ts, "GET", "/artifact-schemas?limit=0", nil), 422)
	expect(t, do(t, ts, "GET", "/artifact-schemas?offset=-1", nil), 422)

	// A value changes, absent fields stay, and the version moves on.
	up, err := c.ArtifactSchemas.UpdateArtifactSchema(ctx, created.Id, client.UpdateAgentArtifactRequest{
		DisplayName: client.Value("Invoice"), StorageStrategy: client.Value(client.ArtifactStorageStrategyInline)})
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != "2" {
		t.Fatalf("update %+v", up)
	}
	got, _ = c.ArtifactSchemas.GetArtifactSchema(ctx, created.Id)
	if pv, _ := client.ValueOf(got.ParentVersion); pv != "1" || got.DisplayName != "Invoice" || got.StorageStrategy != "inline" ||
		got.Description != "Totals" || !got.Required || !got.MaxSizeBytes.IsSpecified() || got.Name != "invoice-summary" {
		t.Fatalf("after value update %+v", got)
	}
	// Null clears max_size_bytes and resets defaulted fields.
	if _, err := c.ArtifactSchemas.UpdateArtifactSchema(ctx, created.Id, client.UpdateAgentArtifactRequest{
		MaxSizeBytes: client.Null[int](), Description: client.Null[string](), Required: client.Null[bool](),
		StorageStrategy: client.Null[client.ArtifactStorageStrategy](), Type: client.Null[client.ArtifactType]()}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.ArtifactSchemas.GetArtifactSchema(ctx, created.Id)
	if got.Version != "3" || !got.MaxSizeBytes.IsNull() || got.Description != "" || got.Required ||
		got.StorageStrategy != "auto" || got.Type != "json" || got.DisplayName != "Invoice" {
		t.Fatalf("after null update %+v", got)
	}

	// 422s: nulls for required fields, bad values, bad types.
	for _, body := range []map[string]any{
		{"display_name": nil}, {"schema_def": nil}, {"max_size_bytes": 0}, {"type": "docx"}, {"required": "yes"},
	} {
		expect(t, do(t, ts, "PUT", "/artifact-schemas/"+created.Id, body), 422)
	}
	for _, body := range []map[string]any{
		{"display_name": "x"}, {"schema_def": map[string]any{}}, {"display_name": "!!", "schema_def": map[string]any{}},
		{"display_name": "x", "schema_def": "{}"}, {"display_name": "x", "schema_def": map[string]any{}, "storage_strategy": "s3"},
	} {
		expect(t, do(t, ts, "POST", "/artifact-schemas", body), 422)
	}

	if err := c.ArtifactSchemas.DeleteArtifactSchema(ctx, created.Id); err != nil {
		t.Fatal(err)
	}
	_, err = c.ArtifactSchemas.GetArtifactSchema(ctx, created.Id)
	wantStatus(t, err, 404)
	wantStatus(t, c.ArtifactSchemas.DeleteArtifactSchema(ctx, created.Id), 404)
	_, err = c.ArtifactSchemas.UpdateArtifactSchema(ctx, "art_missing", client.UpdateAgentArtifactRequest{})
	wantStatus(t, err, 404)
	if list, err = c.ArtifactSchemas.ListArtifactSchemas(ctx, nil); err != nil || list.Total != 11 {
		t.Fatalf("list after delete %+v %v", list, err)
	}
}
