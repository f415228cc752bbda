package meibeltest

import (
	"archive/zip"
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

// postForm sends a multipart request under /v2: fields as text parts, files
// as file parts (name → content) in the field fileField.
func postForm(t *testing.T, ts *httptest.Server, path string, fields map[string]string, fileField string, files map[string]string) reply {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		fw, _ := mw.CreateFormFile(fileField, name)
		fw.Write([]byte(content))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/v2"+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(APIKeyHeader, "test-key")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	raw.ReadFrom(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, raw: raw.Bytes()}
}

const sampleDoc = "# Invoice\nCustomer: Acme Corp\nTotal: 1,250\n\n## Lines\n| item | qty |\n|---|---|\n| bolts | 12 |\n- paid by card\fPage two text\n"

func TestProcessDocument(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()

	// markdown (the default): the result is a string.
	md, err := c.Documents.ProcessDocument(ctx, nil, &client.ProcessDocumentForm{File: client.NewFile("invoice.md", strings.NewReader(sampleDoc), "text/markdown")})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := md.Result.AsProcessDocumentResponseResult1(); err != nil || md.Status != "completed" || !strings.HasPrefix(s, "# invoice.md\n\n# Invoice") {
		t.Fatalf("markdown %+v %q %v", md, s, err)
	}

	// json: a MeibelDocumentResult.
	js, err := c.Documents.ProcessDocument(ctx, &client.ProcessDocumentParams{Format: client.Ptr("json")},
		&client.ProcessDocumentForm{File: client.NewFile("invoice.md", strings.NewReader(sampleDoc), "")})
	if err != nil {
		t.Fatal(err)
	}
	res, err := js.Result.AsMeibelDocumentResult()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range res.Elements {
		kinds = append(kinds, e.Type)
	}
	if got := strings.Join(kinds, ","); res.Pages != 2 || res.Tables != 1 || got != "title,text,text,heading,table,list_item,text" {
		t.Fatalf("pages %d tables %d kinds %s", res.Pages, res.Tables, got)
	}
	table, _ := client.ValueOf(res.Elements[4].Table)
	if table.Rows != 2 || table.Cols != 2 || len(table.Cells) != 4 || table.Cells[3].Text != "12" {
		t.Fatalf("table %+v", table)
	}

	// The job is kept, completed, with the same counts.
	st, err := c.Documents.GetDocumentStatus(ctx, js.JobId)
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := client.ValueOf(st.Pages)
	elements, _ := client.ValueOf(st.Elements)
	tables, _ := client.ValueOf(st.Tables)
	if st.Status != "completed" || pages != 2 || elements != 7 || tables != 1 {
		t.Fatalf("status %+v", st)
	}

	// Errors: an unknown format is a 422 (before the body is read); no file is a 422.
	r := postForm(t, ts, "/documents/process?format=pdf", nil, "file", map[string]string{"a.txt": "x"})
	expect(t, r, 422)
	if !strings.Contains(string(r.raw), `"loc":["query","format"]`) {
		t.Fatalf("422 %s", r.raw)
	}
	expect(t, postForm(t, ts, "/documents/process", map[string]string{"other": "x"}, "file", nil), 422)
}

func TestDocumentStructuredResult(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	job, err := c.Documents.ProcessDocument(ctx, nil, &client.ProcessDocumentForm{File: client.NewFile("invoice.md", strings.NewReader(sampleDoc), "")})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := c.Documents.GetDocumentStructuredResult(ctx, job.JobId)
	if err != nil {
		t.Fatal(err)
	}
	if doc.NumPages != 2 || len(doc.Pages) != 2 || doc.Confidence.NumElements != 7 || doc.Confidence.NumTables != 1 {
		t.Fatalf("doc %+v", doc)
	}
	if f, _ := client.ValueOf(doc.Format); f != "md" {
		t.Errorf("format %q", f)
	}
	p1 := doc.Pages[0]
	if p1.PageNumber != 1 || len(p1.Elements) != 6 || p1.Elements[0].Label != "Title" || p1.Elements[3].Label != "SectionHeader" {
		t.Fatalf("page 1 %+v", p1)
	}
	tbl, ok := client.ValueOf(p1.Elements[4].Table)
	if !ok || tbl.NumRows != 2 || !tbl.Cells[0].IsHeader || tbl.Cells[2].IsHeader {
		t.Fatalf("table %+v", tbl)
	}
	// Reading order runs across pages, and boxes stack down the page.
	if e := doc.Pages[1].Elements[0]; e.ReadingOrder != 6 || e.Text != "Page two text" || p1.Elements[1].Bbox.Y0 != p1.Elements[0].Bbox.Y1 {
		t.Fatalf("page 2 element %+v", e)
	}

	// A parse still processing is a 409; an unknown job a 404.
	r := postForm(t, ts, "/documents", nil, "file", map[string]string{"a.txt": "hello"})
	expect(t, r, 200)
	expect(t, do(t, ts, "GET", "/documents/"+r.obj(t)["job_id"].(string)+"/structured", nil), 409)
	_, err = c.Documents.GetDocumentStructuredResult(ctx, "doc_missing")
	wantStatus(t, err, 404)
}

func zipOf(t *testing.T, files ...string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	zw.Close()
	return buf.String()
}

func TestListDocumentChildren(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	archive := zipOf(t, "notes/readme.md", "# Readme\nhello", "data.csv", "a,b\n1,2")
	job, err := c.Documents.ProcessDocument(ctx, nil, &client.ProcessDocumentForm{File: client.NewFile("bundle.zip", strings.NewReader(archive), "application/zip")})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := job.Result.AsProcessDocumentResponseResult1(); !strings.Contains(s, "- notes/readme.md\n- data.csv") {
		t.Fatalf("archive rendering %q", s)
	}
	kids, err := c.Documents.ListDocumentChildren(ctx, job.JobId)
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 2 || kids[0].Filename != "notes/readme.md" || kids[0].Status != "completed" ||
		!strings.HasPrefix(kids[0].MediaType, "text/markdown") || !strings.HasPrefix(kids[1].MediaType, "text/csv") {
		t.Fatalf("children %+v", kids)
	}
	// A child is a document job of its own.
	doc, err := c.Documents.GetDocumentStructuredResult(ctx, kids[0].JobId)
	if err != nil || doc.Pages[0].Elements[0].Text != "Readme" {
		t.Fatalf("child %+v %v", doc, err)
	}

	// A plain document has none: exactly [].
	plain, _ := c.Documents.ProcessDocument(ctx, nil, &client.ProcessDocumentForm{File: client.NewFile("a.txt", strings.NewReader("x"), "")})
	r := do(t, ts, "GET", "/documents/"+plain.JobId+"/children", nil)
	expect(t, r, 200)
	if strings.TrimSpace(string(r.raw)) != "[]" {
		t.Fatalf("children %s", r.raw)
	}
	_, err = c.Documents.ListDocumentChildren(ctx, "doc_missing")
	wantStatus(t, err, 404)
}

func TestMoveDocuments(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"a.md", "b.md"} {
		j, err := c.Documents.ProcessDocument(ctx, nil, &client.ProcessDocumentForm{File: client.NewFile(name, strings.NewReader("# "+name), "text/markdown")})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.JobId)
	}
	ds, _ := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "kb"})

	// Into an existing datasource (a duplicate id counts once).
	mv, err := c.Documents.MoveDocuments(ctx, client.MoveDocumentsRequest{Documents: append(ids, ids[0]), DatasourceId: client.Value(ds.Id)})
	if err != nil {
		t.Fatal(err)
	}
	if mv.DatasourceId != ds.Id || mv.DocumentsCount != 2 || mv.WorkflowId == "" {
		t.Fatalf("move %+v", mv)
	}
	content, _ := c.FileUpload.ListContent(ctx, ds.Id, nil)
	if len(content.Items) != 2 || content.Items[0].Path != "a.md" {
		t.Fatalf("content %+v", content.Items)
	}
	if st, _ := c.Ingest.GetIngestStatus(ctx, ds.Id); st.Status == client.IngestStatusNotStarted {
		t.Errorf("ingest %s", st.Status)
	}

	// Into a new datasource, with a catalog metadata model.
	mv, err = c.Documents.MoveDocuments(ctx, client.MoveDocumentsRequest{Documents: ids[1:], NewDatasourceName: client.Value("archive"),
		MetadataConfig: client.Value(client.MetadataConfigRequest{Type: "catalog", ModelId: client.Value(catalogModels[0].id)})})
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.Datasources.GetDatasource(ctx, mv.DatasourceId, nil)
	if err != nil || created.Name != "archive" {
		t.Fatalf("new datasource %+v %v", created, err)
	}
	if mc, ok := client.ValueOf(created.MetadataConfig); !ok || len(mc.Fields) == 0 {
		t.Errorf("metadata config %+v", created.MetadataConfig)
	}

	// Errors.
	expect(t, do(t, ts, "POST", "/documents/move", map[string]any{"documents": ids}), 422)
	expect(t, do(t, ts, "POST", "/documents/move", map[string]any{"documents": ids, "datasource_id": ds.Id, "new_datasource_name": "x"}), 422)
	expect(t, do(t, ts, "POST", "/documents/move", map[string]any{"documents": []string{}, "datasource_id": ds.Id}), 422)
	expect(t, do(t, ts, "POST", "/documents/move", map[string]any{"documents": ids, "new_datasource_name": "x",
		"metadata_config": map[string]any{"type": "catalog", "model_id": "nope"}}), 422)
	_, err = c.Documents.MoveDocuments(ctx, client.MoveDocumentsRequest{Documents: []string{"doc_missing"}, DatasourceId: client.Value(ds.Id)})
	wantStatus(t, err, 404)
	_, err = c.Documents.MoveDocuments(ctx, client.MoveDocumentsRequest{Documents: ids, DatasourceId: client.Value("ds_missing")})
	wantStatus(t, err, 404)
}

func TestUploadAndListContent(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	ds, _ := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "bucket"})
	if _, err := c.FileUpload.UploadContent(ctx, ds.Id, &client.UploadContentForm{Files: []client.File{client.NewFile("z.txt", strings.NewReader("zz"), "")}}); err != nil {
		t.Fatal(err)
	}

	got, err := c.FileUpload.UploadAndListContent(ctx, ds.Id, &client.UploadAndListContentParams{TriggerIngest: client.Ptr(true)},
		&client.UploadAndListContentForm{Files: []client.File{client.NewFile("b.txt", strings.NewReader("bb"), ""), client.NewFile("a.txt", strings.NewReader("a"), "")}})
	if err != nil {
		t.Fatal(err)
	}
	if got.DatasourceId != ds.Id || len(got.Items) != 3 || got.Items[0].Path != "a.txt" || got.Items[2].Path != "z.txt" {
		t.Fatalf("listing %+v", got)
	}
	if u, _ := client.ValueOf(got.IngestUrl); u != "/v2/datasources/"+ds.Id+"/ingest-status" {
		t.Fatalf("ingest url %q", u)
	}
	if st, _ := c.Ingest.GetIngestStatus(ctx, ds.Id); st.Status == client.IngestStatusNotStarted {
		t.Errorf("ingest %s", st.Status)
	}

	// Without trigger_ingest: exact JSON, nulls included.
	r := postForm(t, ts, "/datasources/"+ds.Id+"/content/process", nil, "files", map[string]string{"c.txt": "c"})
	expect(t, r, 200)
	for _, want := range []string{`"ingest_url":null`, `"continuation_token":null`, `"path":"c.txt"`} {
		if !strings.Contains(string(r.raw), want) {
			t.Errorf("lacks %s: %s", want, r.raw)
		}
	}
	expect(t, postForm(t, ts, "/datasources/"+ds.Id+"/content/process", map[string]string{"x": "y"}, "files", nil), 422)
	_, err = c.FileUpload.UploadAndListContent(ctx, "ds_missing", nil, &client.UploadAndListContentForm{Files: []client.File{client.NewFile("a", strings.NewReader("a"), "")}})
	wantStatus(t, err, 404)
}
