package meibeltest

import (
	"fmt"
	"net/url"
	"testing"
)

func TestDatasources(t *testing.T) {
	_, ts := NewHTTPTest(t)
	r := do(t, ts, "POST", "/datasources", map[string]any{"name": "docs", "description": "Manuals"})
	expect(t, r, 201)
	ds := r.obj(t)
	id := ds["id"].(string)
	if ds["name"] != "docs" || ds["connector"].(map[string]any)["type"] != "cloud_storage" {
		t.Fatalf("created %v", ds)
	}
	r = do(t, ts, "POST", "/datasources", map[string]any{"name": "bucket",
		"connector":       map[string]any{"type": "cloud_storage", "cloud_storage": map[string]any{"provider": "s3", "bucket": "b"}},
		"metadata_config": map[string]any{"type": "custom", "fields": []any{map[string]any{"name": "lang", "type": "string", "description": "Language"}}}})
	expect(t, r, 201)

	var list struct{ Datasources []struct{ ID, Name string } }
	do(t, ts, "GET", "/datasources", nil).json(t, &list)
	if len(list.Datasources) != 2 || list.Datasources[0].Name != "docs" {
		t.Fatalf("list %+v", list)
	}

	r = do(t, ts, "PUT", "/datasources/"+id, map[string]any{"name": "manuals",
		"tables": []any{map[string]any{"table_name": "t1", "description": "First", "columns": []any{map[string]any{"column_name": "c", "description": "d"}}}}})
	expect(t, r, 200)
	if r.obj(t)["name"] != "manuals" {
		t.Fatalf("update %s", r.raw)
	}
	got := do(t, ts, "GET", "/datasources/"+id+"?include_tables=true", nil).obj(t)
	tables := got["tables"].([]any)
	if got["description"] != "Manuals" || len(tables) != 1 || tables[0].(map[string]any)["column_count"] != 1.0 {
		t.Fatalf("get %v", got)
	}

	r = do(t, ts, "DELETE", "/datasources/"+id, nil)
	expect(t, r, 200)
	if r.obj(t)["id"] != id {
		t.Fatalf("delete %s", r.raw)
	}
	expect(t, do(t, ts, "GET", "/datasources/"+id, nil), 404)
	expect(t, do(t, ts, "DELETE", "/datasources/"+id, nil), 404)
}

func TestDataElements(t *testing.T) {
	s, ts := NewHTTPTest(t)
	id := do(t, ts, "POST", "/datasources", map[string]any{"name": "docs"}).obj(t)["id"].(string)
	if err := s.SeedDataElements("nope", 1); err == nil {
		t.Fatal("seeding an unknown datasource succeeded")
	}
	if err := s.SeedDataElements(id, 250); err != nil {
		t.Fatal(err)
	}

	type page struct {
		Items []struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			MediaType string `json:"media_type"`
		}
		NextCursor *string `json:"next_cursor"`
		HasNext    bool    `json:"has_next"`
	}
	var seen []string
	cursor := ""
	for range 10 {
		path := "/datasources/" + id + "/data-elements"
		if cursor != "" {
			path += "?cursor=" + url.QueryEscape(cursor)
		}
		var p page
		do(t, ts, "GET", path, nil).json(t, &p)
		for _, it := range p.Items {
			seen = append(seen, it.Name)
		}
		if !p.HasNext {
			if p.NextCursor != nil {
				t.Fatalf("last page has cursor %q", *p.NextCursor)
			}
			break
		}
		cursor = *p.NextCursor
	}
	if len(seen) != 250 || seen[0] != "doc-00001.txt" || seen[249] != "doc-00250.pdf" {
		t.Fatalf("listed %d elements: first %v", len(seen), seen[:3])
	}

	var p page
	do(t, ts, "GET", "/datasources/"+id+"/data-elements?limit=7", nil).json(t, &p)
	if len(p.Items) != 7 || !p.HasNext {
		t.Fatalf("limit 7: %+v", p)
	}
	r := do(t, ts, "GET", "/datasources/"+id+"/data-elements/"+p.Items[3].ID, nil)
	expect(t, r, 200)
	if r.obj(t)["name"] != "doc-00004.md" {
		t.Fatalf("get %s", r.raw)
	}
	expect(t, do(t, ts, "GET", "/datasources/"+id+"/data-elements/de_missing", nil), 404)

	do(t, ts, "POST", "/datasources/"+id+"/data-elements/search?limit=1000", map[string]any{"regex_filter": `\.pdf$`}).json(t, &p)
	if len(p.Items) != 63 || p.HasNext {
		t.Fatalf("pdf search: %d items", len(p.Items))
	}
	do(t, ts, "POST", "/datasources/"+id+"/data-elements/search", map[string]any{"media_type_filters": []string{"text/*"}, "regex_filter": "doc-0000[1-9]"}).json(t, &p)
	if len(p.Items) != 7 {
		t.Fatalf("text/* search: %d items %+v", len(p.Items), p.Items)
	}

	for _, tc := range []struct{ method, path string }{
		{"GET", "/datasources/" + id + "/data-elements?cursor=bogus"},
		{"GET", "/datasources/" + id + "/data-elements?limit=0"},
	} {
		expect(t, do(t, ts, tc.method, tc.path, nil), 422)
	}
	r = do(t, ts, "POST", "/datasources/"+id+"/data-elements/search", map[string]any{"regex_filter": "("})
	expect(t, r, 422)
	expect(t, do(t, ts, "GET", fmt.Sprintf("/datasources/%s/data-elements", "nope"), nil), 404)
}
