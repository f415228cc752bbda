package meibeltest

import (
	"fmt"
	"testing"
)

func TestAgentLifecycle(t *testing.T) {
	_, ts := NewHTTPTest(t)

	r := do(t, ts, "POST", "/agents", map[string]any{"display_name": "Support Bot", "instructions": "Help.", "tags": []string{"x"}})
	expect(t, r, 201)
	created := r.obj(t)
	id := created["id"].(string)
	if created["name"] != "support-bot" || created["version"] != "1" {
		t.Fatalf("created %v", created)
	}
	expect(t, do(t, ts, "POST", "/agents", map[string]any{"display_name": "Support  bot!", "instructions": "x"}), 409)

	r = do(t, ts, "GET", "/agents/"+id, nil)
	expect(t, r, 200)
	got := r.obj(t)
	if got["display_name"] != "Support Bot" || got["temperature"] != defaultTemperature || got["llm_model"] != defaultLLMModel {
		t.Fatalf("get %v", got)
	}

	// Updating a draft keeps its version.
	r = do(t, ts, "PUT", "/agents/"+id, map[string]any{"description": "Answers questions", "temperature": 1})
	expect(t, r, 200)
	if v := r.obj(t)["version"]; v != "1" {
		t.Fatalf("draft update version %v", v)
	}

	r = do(t, ts, "POST", "/agents/"+id+"/publish", map[string]any{"commit_message": "first"})
	expect(t, r, 200)
	pub := r.obj(t)
	if pub["version"] != "1" || pub["agent_name"] != "support-bot" || pub["commit_message"] != "first" {
		t.Fatalf("publish %v", pub)
	}
	expect(t, do(t, ts, "POST", "/agents/"+id+"/publish", map[string]any{"commit_message": "again"}), 409)

	// Updating a published version starts a new draft.
	r = do(t, ts, "PUT", "/agents/"+id, map[string]any{"instructions": "Help more."})
	expect(t, r, 200)
	if v := r.obj(t)["version"]; v != "2" {
		t.Fatalf("update after publish version %v", v)
	}
	got = do(t, ts, "GET", "/agents/"+id, nil).obj(t)
	if got["parent_version"] != "1" || got["instructions"] != "Help more." || got["description"] != "Answers questions" || got["temperature"] != 1.0 {
		t.Fatalf("after update %v", got)
	}

	var versions struct {
		Data []struct {
			Version     string `json:"version"`
			IsPublished bool   `json:"is_published"`
		}
		Total int
	}
	do(t, ts, "GET", "/agents/"+id+"/versions", nil).json(t, &versions)
	if versions.Total != 2 || versions.Data[0].Version != "2" || versions.Data[0].IsPublished || !versions.Data[1].IsPublished {
		t.Fatalf("versions %+v", versions)
	}
	do(t, ts, "GET", "/agents/"+id+"/versions?published=true", nil).json(t, &versions)
	if versions.Total != 1 || versions.Data[0].Version != "1" {
		t.Fatalf("published versions %+v", versions)
	}

	expect(t, do(t, ts, "DELETE", "/agents/"+id, nil), 204)
	r = do(t, ts, "GET", "/agents/"+id, nil)
	expect(t, r, 404)
	if d := detail(t, r); d != fmt.Sprintf("agent %q not found", id) {
		t.Fatalf("detail %q", d)
	}
}

func TestListAgentsPaging(t *testing.T) {
	_, ts := NewHTTPTest(t)
	for i := range 5 {
		body := map[string]any{"display_name": fmt.Sprintf("Agent %d", i), "instructions": "x"}
		if i%2 == 0 {
			body["datasources"] = []string{"ds_1"}
		}
		createAgent(t, ts, body)
	}
	var page struct {
		Data   []struct{ Name string }
		Total  int
		Offset int
		Limit  int
	}
	do(t, ts, "GET", "/agents?offset=1&limit=2", nil).json(t, &page)
	if page.Total != 5 || page.Offset != 1 || page.Limit != 2 || len(page.Data) != 2 || page.Data[0].Name != "agent-3" {
		t.Fatalf("page %+v", page)
	}
	do(t, ts, "GET", "/agents?sort_by=name&sort_order=asc", nil).json(t, &page)
	if page.Limit != 20 || len(page.Data) != 5 || page.Data[0].Name != "agent-0" {
		t.Fatalf("sorted %+v", page)
	}
	do(t, ts, "GET", "/agents?datasource_id=ds_1", nil).json(t, &page)
	if page.Total != 3 {
		t.Fatalf("filtered %+v", page)
	}
	do(t, ts, "GET", "/agents?published_only=true", nil).json(t, &page)
	if page.Total != 0 {
		t.Fatalf("published_only %+v", page)
	}
	do(t, ts, "GET", "/agents?offset=10", nil).json(t, &page)
	if page.Total != 5 || len(page.Data) != 0 {
		t.Fatalf("past the end %+v", page)
	}
	expect(t, do(t, ts, "GET", "/agents?limit=0", nil), 422)
	expect(t, do(t, ts, "GET", "/agents?sort_order=up", nil), 422)
}
