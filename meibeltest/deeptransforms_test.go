package meibeltest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

func TestDeepTransform(t *testing.T) {
	slowJobs(t)
	srv, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()

	text := invoiceText + "\fCustomer: Second Page Inc\n"
	sub, err := c.Documents.SubmitDeepTransform(ctx, &client.SubmitDeepTransformForm{
		File: client.NewFile("invoice.txt", strings.NewReader(text), ""), Schema: invoiceSchema,
		RootName: client.Ptr("invoice"), MaxPages: client.Ptr(1), Guidance: client.Ptr("be careful")})
	if err != nil {
		t.Fatal(err)
	}

	// Running: no artifacts yet, nulls for the rest.
	r := do(t, ts, "GET", "/documents/deep-transform/"+sub.JobId, nil)
	expect(t, r, 200)
	want := fmt.Sprintf(`{"aeq":null,"artifacts":[],"error":null,"job_id":%q,"metrics":null,"status":"running"}`, sub.JobId)
	if strings.TrimSpace(string(r.raw)) != want {
		t.Fatalf("running job %s", r.raw)
	}
	_, err = c.Documents.DownloadDeepTransformArtifact(ctx, sub.JobId, "result.json")
	wantStatus(t, err, 409)

	finishJobs(srv)
	job, err := c.Documents.GetDeepTransformStatus(ctx, sub.JobId)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := client.ValueOf(job.Metrics)
	rate, _ := client.ValueOf(m.IdentityResolutionRate)
	uncovered, _ := client.ValueOf(m.UncoveredEntityCount)
	if job.Status != "completed" || len(*job.Artifacts) != 2 || rate != 5.0/6 || uncovered != 1 {
		t.Fatalf("job %+v metrics %+v", job, m)
	}

	// The result artifact streams as octet-stream, named; max_pages kept page 2 out.
	dl, err := c.Documents.DownloadDeepTransformArtifact(ctx, sub.JobId, "result.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(dl)
	dl.Close()
	var result map[string]map[string]any
	if err := json.Unmarshal(body, &result); err != nil {
		t.Fatal(err)
	}
	if dl.ContentType != "application/octet-stream" || dl.Filename != "result.json" || dl.ContentLength != int64(len(body)) ||
		result["invoice"]["customer"] != "Acme Corp" || result["invoice"]["total"] != float64(1250) {
		t.Fatalf("download %q %q %d: %s", dl.ContentType, dl.Filename, dl.ContentLength, body)
	}
	dl, err = c.Documents.DownloadDeepTransformArtifact(ctx, sub.JobId, "source.md")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(dl)
	dl.Close()
	if !strings.HasPrefix(string(body), "# invoice.txt\n\n# Invoice") || strings.Contains(string(body), "Second Page") {
		t.Fatalf("source %q", body)
	}

	// 404s: unknown artifact, unknown job (status and download).
	_, err = c.Documents.DownloadDeepTransformArtifact(ctx, sub.JobId, "nope.bin")
	wantStatus(t, err, 404)
	_, err = c.Documents.DownloadDeepTransformArtifact(ctx, "dtx_missing", "result.json")
	wantStatus(t, err, 404)
	_, err = c.Documents.GetDeepTransformStatus(ctx, "dtx_missing")
	wantStatus(t, err, 404)

	// 422s: schema not JSON, max_pages below 1, schema missing.
	r = postForm(t, ts, "/documents/deep-transform", map[string]string{"schema": "not json"}, "file", map[string]string{"a.txt": "x"})
	expect(t, r, 422)
	if !strings.Contains(string(r.raw), `"loc":["body","schema"]`) {
		t.Fatalf("422 %s", r.raw)
	}
	expect(t, postForm(t, ts, "/documents/deep-transform", map[string]string{"schema": "{}", "max_pages": "0"}, "file", map[string]string{"a.txt": "x"}), 422)
	expect(t, postForm(t, ts, "/documents/deep-transform", nil, "file", map[string]string{"a.txt": "x"}), 422)

	// An empty document fails at once, without artifacts.
	empty, err := c.Documents.SubmitDeepTransform(ctx, &client.SubmitDeepTransformForm{File: client.NewFile("empty.txt", strings.NewReader("\n"), ""), Schema: "{}"})
	if err != nil {
		t.Fatal(err)
	}
	failed, _ := c.Documents.GetDeepTransformStatus(ctx, empty.JobId)
	if msg, _ := client.ValueOf(failed.Error); failed.Status != "failed" || msg == "" {
		t.Fatalf("failed job %+v", failed)
	}
	_, err = c.Documents.DownloadDeepTransformArtifact(ctx, empty.JobId, "result.json")
	wantStatus(t, err, 404)
}

func TestDeepTransformFromDocument(t *testing.T) {
	srv, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	doc, err := c.Documents.ProcessDocument(ctx, nil, &client.ProcessDocumentForm{File: client.NewFile("invoice.txt", strings.NewReader(invoiceText), "")})
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	json.Unmarshal([]byte(invoiceSchema), &schema)
	schema["title"] = "Invoice"
	sub, err := c.Documents.SubmitDeepTransformFromDocument(ctx, client.SubmitDeepTransformFromDocument{DocumentJobId: doc.JobId, Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	finishJobs(srv)
	dl, err := c.Documents.DownloadDeepTransformArtifact(ctx, sub.JobId, "result.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(dl)
	dl.Close()
	if !strings.Contains(string(body), `"Invoice": {`) || !strings.Contains(string(body), `"city": "Berlin"`) {
		t.Fatalf("result (root from the schema title) %s", body)
	}

	// 404 unknown document, 409 still parsing, 422 max_pages.
	_, err = c.Documents.SubmitDeepTransformFromDocument(ctx, client.SubmitDeepTransformFromDocument{DocumentJobId: "doc_missing", Schema: schema})
	wantStatus(t, err, 404)
	parsing := postForm(t, ts, "/documents", nil, "file", map[string]string{"a.txt": "Customer: x"})
	expect(t, parsing, 200)
	expect(t, do(t, ts, "POST", "/documents/deep-transform/from-document",
		map[string]any{"document_job_id": parsing.obj(t)["job_id"], "schema": schema}), 409)
	expect(t, do(t, ts, "POST", "/documents/deep-transform/from-document",
		map[string]any{"document_job_id": doc.JobId, "schema": schema, "max_pages": 0}), 422)
	expect(t, do(t, ts, "POST", "/documents/deep-transform/from-document", map[string]any{"document_job_id": doc.JobId}), 422)
}

func TestListDeepTransforms(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()

	// Empty: exact JSON.
	r := do(t, ts, "GET", "/documents/deep-transform", nil)
	expect(t, r, 200)
	if got := strings.TrimSpace(string(r.raw)); got != `{"jobs":[],"limit":50,"next_offset":null,"offset":0}` {
		t.Fatalf("empty %s", got)
	}

	var ids []string
	for i := range 5 {
		sub, err := c.Documents.SubmitDeepTransform(ctx, &client.SubmitDeepTransformForm{
			File: client.NewFile(fmt.Sprintf("d%d.txt", i), strings.NewReader("Customer: c"), ""), Schema: invoiceSchema})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sub.JobId)
	}
	// The iterator follows next_offset: 2+2+1, oldest first.
	var seen []string
	for job, err := range c.Documents.ListDeepTransformsIter(ctx, &client.ListDeepTransformsParams{Limit: client.Ptr(2)}) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, job.JobId)
	}
	if strings.Join(seen, ",") != strings.Join(ids, ",") {
		t.Fatalf("listed %v, want %v", seen, ids)
	}
	page, err := c.Documents.ListDeepTransforms(ctx, &client.ListDeepTransformsParams{Offset: client.Ptr(2), Limit: client.Ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	if next, _ := client.ValueOf(page.NextOffset); page.Offset != 2 || page.Limit != 2 || len(*page.Jobs) != 2 || next != 4 {
		t.Fatalf("page %+v", page)
	}
	r = do(t, ts, "GET", "/documents/deep-transform?offset=4&limit=2", nil)
	expect(t, r, 200)
	if !strings.Contains(string(r.raw), `"next_offset":null`) {
		t.Fatalf("last page %s", r.raw)
	}
	expect(t, do(t, ts, "GET", "/documents/deep-transform?limit=0", nil), 422)
}
