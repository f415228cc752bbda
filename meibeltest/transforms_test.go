package meibeltest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

const invoiceSchema = `{"type":"object","properties":{
	"customer":{"type":"string"},
	"total":{"type":"integer","title":"Total"},
	"paid":{"type":"boolean"},
	"tags":{"type":"array","items":{"type":"string"}},
	"due":{"type":["string","null"]},
	"address":{"type":"object","properties":{"city":{"type":"string"}}}}}`

const invoiceText = "# Invoice\nCustomer: Acme Corp\nTotal: $1,250\nPaid: yes\nTags: urgent, q3\nCity: Berlin\n"

func TestTransformDocument(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()

	got, err := c.Documents.TransformDocument(ctx, &client.TransformDocumentForm{
		File: client.NewFile("invoice.txt", strings.NewReader(invoiceText), ""), ArtifactSchema: invoiceSchema,
		Model: client.Ptr("extract-large"), TimeoutSeconds: client.Ptr(30)})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"address":{"city":"Berlin"},"customer":"Acme Corp","due":null,"paid":true,"tags":["urgent","q3"],"total":1250}`
	if b, _ := json.Marshal(got.Data); string(b) != want {
		t.Fatalf("data %s\nwant %s", b, want)
	}
	if u, _ := client.ValueOf(got.TokenUsage); u["model"] != "extract-large" || u["total_tokens"].(float64) <= 0 {
		t.Errorf("token usage %v", u)
	}
	// The execution is a completed document job.
	st, err := c.Documents.GetDocumentStatus(ctx, got.ExecutionId)
	if err != nil || st.Status != "completed" {
		t.Fatalf("status %+v %v", st, err)
	}

	// An artifact schema by id or name.
	a, err := c.ArtifactSchemas.CreateArtifactSchema(ctx, client.CreateAgentArtifactRequest{DisplayName: "Invoice",
		SchemaDef: map[string]any{"properties": map[string]any{"customer": map[string]any{"type": "string"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{a.Id, a.Name} {
		got, err := c.Documents.TransformDocument(ctx, &client.TransformDocumentForm{
			File: client.NewFile("invoice.txt", strings.NewReader(invoiceText), ""), ArtifactSchema: ref})
		if err != nil || got.Data["customer"] != "Acme Corp" || len(got.Data) != 1 {
			t.Fatalf("by %s: %+v %v", ref, got, err)
		}
	}

	// Errors: an unknown artifact schema 404, invalid JSON 422, a bad timeout 422.
	_, err = c.Documents.TransformDocument(ctx, &client.TransformDocumentForm{File: client.NewFile("a.txt", strings.NewReader("x"), ""), ArtifactSchema: "nope"})
	wantStatus(t, err, 404)
	r := postForm(t, ts, "/documents/transform", map[string]string{"artifact_schema": "{not json"}, "file", map[string]string{"a.txt": "x"})
	expect(t, r, 422)
	if !strings.Contains(string(r.raw), `"loc":["body","artifact_schema"]`) {
		t.Fatalf("422 %s", r.raw)
	}
	expect(t, postForm(t, ts, "/documents/transform", map[string]string{"artifact_schema": "{}", "timeout_seconds": "0"}, "file", map[string]string{"a.txt": "x"}), 422)
	expect(t, postForm(t, ts, "/documents/transform", map[string]string{"artifact_schema": "{}"}, "file", nil), 422)
}

func TestSubmitDocumentTransform(t *testing.T) {
	slowJobs(t)
	srv, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	sub, err := c.Documents.SubmitDocumentTransform(ctx, &client.SubmitDocumentTransformForm{
		File: client.NewFile("invoice.txt", strings.NewReader(invoiceText), ""), ArtifactSchema: invoiceSchema})
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.Documents.GetDocumentStatus(ctx, sub.ExecutionId)
	if err != nil || st.Status != "processing" {
		t.Fatalf("status %+v %v", st, err)
	}
	expect(t, do(t, ts, "GET", "/documents/"+sub.ExecutionId+"/result", nil), 409)
	finishJobs(srv)
	if st, _ = c.Documents.GetDocumentStatus(ctx, sub.ExecutionId); st.Status != "completed" {
		t.Fatalf("status %s", st.Status)
	}
	raw, err := c.Documents.GetDocumentResult(ctx, sub.ExecutionId, nil)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Data map[string]any `json:"data"`
	}
	json.Unmarshal(raw, &res)
	if res.Data["total"] != float64(1250) || res.Data["customer"] != "Acme Corp" {
		t.Fatalf("result %s", raw)
	}

	_, err = c.Documents.SubmitDocumentTransform(ctx, &client.SubmitDocumentTransformForm{File: client.NewFile("a.txt", strings.NewReader("x"), ""), ArtifactSchema: "as_missing"})
	wantStatus(t, err, 404)
	expect(t, postForm(t, ts, "/documents/transform/submit", map[string]string{"model": "m"}, "file", map[string]string{"a.txt": "x"}), 422)
}
