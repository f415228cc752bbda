package meibeltest

import (
	"context"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

func TestUpdateDataElement(t *testing.T) {
	s, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "docs"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDataElements(ds.Id, 2); err != nil {
		t.Fatal(err)
	}
	list, err := c.DataElements.ListDataElements(ctx, ds.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	el, other := list.Items[0], list.Items[1]

	// Values change; absent fields stay.
	up, err := c.DataElements.UpdateDataElement(ctx, ds.Id, el.Id, client.UpdateDataElementRequest{
		Name: client.Value("handbook.txt"), Description: client.Value("Employee handbook")})
	if err != nil {
		t.Fatal(err)
	}
	md, _ := client.ValueOf(up.Metadata)
	if d, _ := client.ValueOf(up.Description); up.Name != "handbook.txt" || d != "Employee handbook" || md["index"] != 1.0 {
		t.Fatalf("update %+v", up)
	}
	created, _ := client.ValueOf(up.CreatedAt)
	updated, _ := client.ValueOf(up.UpdatedAt)
	if updated < created || updated == "" {
		t.Fatalf("created %q updated %q", created, updated)
	}
	// Metadata is replaced, not merged; the description stays.
	up, err = c.DataElements.UpdateDataElement(ctx, ds.Id, el.Id, client.UpdateDataElementRequest{
		Metadata: client.Value(map[string]any{"lang": "en"})})
	if err != nil {
		t.Fatal(err)
	}
	md, _ = client.ValueOf(up.Metadata)
	if d, _ := client.ValueOf(up.Description); len(md) != 1 || md["lang"] != "en" || d != "Employee handbook" || up.Name != "handbook.txt" {
		t.Fatalf("metadata update %+v", up)
	}

	// Exact JSON: null clears description and metadata; both come back null.
	path := "/datasources/" + ds.Id + "/data-elements/" + el.Id
	r := do(t, ts, "PUT", path, map[string]any{"description": nil, "metadata": nil})
	expect(t, r, 200)
	got := r.obj(t)
	if d, has := got["description"]; !has || d != nil || got["metadata"] != nil || got["name"] != "handbook.txt" {
		t.Fatalf("null update %s", r.raw)
	}
	if !strings.Contains(string(r.raw), `"metadata":null`) {
		t.Fatalf("metadata not null: %s", r.raw)
	}
	// An empty body changes nothing but updated_at; get agrees.
	expect(t, do(t, ts, "PUT", path, map[string]any{}), 200)
	g, err := c.DataElements.GetDataElement(ctx, ds.Id, el.Id)
	if err != nil || g.Name != "handbook.txt" || !g.Description.IsNull() || !g.Metadata.IsNull() {
		t.Fatalf("get %+v %v", g, err)
	}
	// The other element is untouched.
	if g, _ := c.DataElements.GetDataElement(ctx, ds.Id, other.Id); g.Name != other.Name {
		t.Fatalf("other %+v", g)
	}

	// 422: null, blank or mistyped name, mistyped metadata. 404: unknown ids.
	expect(t, do(t, ts, "PUT", path, map[string]any{"name": nil}), 422)
	expect(t, do(t, ts, "PUT", path, map[string]any{"name": "  "}), 422)
	expect(t, do(t, ts, "PUT", path, map[string]any{"name": 7}), 422)
	expect(t, do(t, ts, "PUT", path, map[string]any{"metadata": []any{1}}), 422)
	_, err = c.DataElements.UpdateDataElement(ctx, ds.Id, "de_missing", client.UpdateDataElementRequest{})
	wantStatus(t, err, 404)
	_, err = c.DataElements.UpdateDataElement(ctx, "ds_missing", el.Id, client.UpdateDataElementRequest{})
	wantStatus(t, err, 404)
}
