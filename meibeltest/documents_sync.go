package meibeltest

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// zipEntries returns the file entries of an uploaded zip archive (each
// capped at MaxStoredFileBytes), or nil when the file is not a readable zip
// (or was stored truncated).
func zipEntries(f formPart) []formPart {
	if !bytes.HasPrefix(f.data, []byte("PK\x03\x04")) || int64(len(f.data)) != f.size {
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(f.data), int64(len(f.data)))
	if err != nil {
		return nil
	}
	var out []formPart
	for _, e := range zr.File {
		if e.FileInfo().IsDir() {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(rc, MaxStoredFileBytes))
		rc.Close()
		if err != nil {
			continue
		}
		out = append(out, formPart{field: f.field, filename: e.Name, contentType: mediaTypeOf(e.Name),
			size: int64(e.UncompressedSize64), data: data})
	}
	return out
}

// mediaTypeOf guesses a media type from a file name.
func mediaTypeOf(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// documentFormat reads a format query parameter: markdown (the default) or
// json.
func documentFormat(format *string) (string, error) {
	if format == nil {
		return "markdown", nil
	}
	switch *format {
	case "markdown", "json":
		return *format, nil
	}
	return "", invalid(`format must be "markdown" or "json"`, "query", "format")
}

// ProcessDocument parses the uploaded file synchronously: the answer carries
// the result, as a markdown string (format=markdown, the default) or as a
// MeibelDocumentResult (format=json). The job is kept, completed, so its
// status, result, structured result and children can be read later.
func (h *handlers) ProcessDocument(_ context.Context, req generated.ProcessDocumentRequestObject) (generated.ProcessDocumentResponseObject, error) {
	format, err := documentFormat(req.Params.Format)
	if err != nil {
		return nil, err
	}
	parts, err := readForm(req.Body)
	if err != nil {
		return nil, err
	}
	f := files(parts, "file")
	if len(f) != 1 {
		return nil, invalid("Field required", "body", "file")
	}
	h.mu.Lock()
	j := h.addDocument("doc", f[0], true)
	h.mu.Unlock()
	resp := generated.ProcessDocument200JSONResponse{JobId: j.id, Status: j.status()}
	if format == "json" {
		err = resp.Result.FromMeibelDocumentResult(meibelResult(j.filename, parseText(j.text)))
	} else {
		err = resp.Result.FromProcessDocumentResponseResult1(j.markdown())
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// ListDocumentChildren lists the child documents of a job: the file entries
// of an uploaded zip archive, in archive order. Other documents have none.
func (h *handlers) ListDocumentChildren(_ context.Context, req generated.ListDocumentChildrenRequestObject) (generated.ListDocumentChildrenResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	j, err := h.document(req.JobId)
	if err != nil {
		return nil, err
	}
	out := generated.ListDocumentChildren200JSONResponse{}
	for _, c := range j.children {
		out = append(out, generated.DocumentChild{JobId: c.id, Filename: c.filename, Status: c.status(), MediaType: c.contentType})
	}
	return out, nil
}

// GetDocumentStructuredResult returns the parse as pages of laid-out
// elements (see docmodel.go). 409 while the job is still processing.
func (h *handlers) GetDocumentStructuredResult(_ context.Context, req generated.GetDocumentStructuredResultRequestObject) (generated.GetDocumentStructuredResultResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	j, err := h.document(req.JobId)
	if err != nil {
		return nil, err
	}
	if !j.done() {
		return nil, conflict("document job %q is still processing", j.id)
	}
	return generated.GetDocumentStructuredResult200JSONResponse(structuredResult(j.filename, parseText(j.text))), nil
}

// MoveDocuments copies parsed documents (by job id) into a datasource's
// content, named by their file names, and starts an ingest run of that
// datasource (the returned workflow). The target is datasource_id or a new
// datasource named new_datasource_name (exactly one of them; a 422
// otherwise); metadata_config, when set, becomes the target's metadata
// configuration. 404 for an unknown datasource or job, 409 for a job still
// processing.
func (h *handlers) MoveDocuments(_ context.Context, req generated.MoveDocumentsRequestObject) (generated.MoveDocumentsResponseObject, error) {
	b := req.Body
	if len(b.Documents) == 0 {
		return nil, invalid("List should have at least 1 item after validation, not 0", "body", "documents")
	}
	dsID, byID := get(b.DatasourceId)
	newName, byName := get(b.NewDatasourceName)
	if byID == byName {
		return nil, invalid("Value error, give exactly one of datasource_id and new_datasource_name", "body")
	}
	if byName && strings.TrimSpace(newName) == "" {
		return nil, invalid("String should have at least 1 character", "body", "new_datasource_name")
	}
	if mc, ok := get(b.MetadataConfig); ok && mc.Type == "catalog" {
		id, _ := get(mc.ModelId)
		if _, known := catalogEntry(id); !known {
			return nil, invalid("unknown catalog model "+id, "body", "metadata_config", "model_id")
		}
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	var ds *datasource
	if byID {
		d, err := h.datasource(dsID)
		if err != nil {
			return nil, err
		}
		ds = d
	}
	var jobs []*documentJob
	seen := map[string]bool{}
	for _, id := range b.Documents {
		j, err := h.document(id)
		if err != nil {
			return nil, err
		}
		if !j.done() {
			return nil, conflict("document job %q is still processing", id)
		}
		if !seen[id] {
			seen[id] = true
			jobs = append(jobs, j)
		}
	}
	t := now()
	if ds == nil {
		seq, id := h.next("ds")
		ds = &datasource{id: id, name: newName, seq: seq, createdAt: t, updatedAt: t, connector: connectorSummary(nullable.Nullable[generated.ConnectorConfig]{})}
		h.datasources[id] = ds
	}
	if _, ok := get(b.MetadataConfig); ok {
		ds.metadata, ds.updatedAt = metadataConfig(b.MetadataConfig), t
	}
	for _, j := range jobs {
		h.files.content[ds.id] = append(h.files.content[ds.id], &storedFile{name: j.filename,
			contentType: j.contentType, size: int64(len(j.text)), data: []byte(j.text), uploaded: t})
	}
	h.startIngest(ds.id)
	_, wf := h.next("wf")
	return generated.MoveDocuments200JSONResponse{DatasourceId: ds.id, WorkflowId: wf, DocumentsCount: len(jobs)}, nil
}

// UploadAndListContent stores the uploaded files like uploadContent,
// starts an ingest run when trigger_ingest is true (ingest_url then names
// its status; null otherwise), and answers with the datasource's content
// listing as listContent's first page would (continuation_token is null
// unless more than 1000 objects remain).
func (h *handlers) UploadAndListContent(_ context.Context, req generated.UploadAndListContentRequestObject) (generated.UploadAndListContentResponseObject, error) {
	h.mu.Lock()
	_, err := h.datasource(req.DatasourceId)
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	parts, err := readForm(req.Body) // outside the lock: it streams the upload
	if err != nil {
		return nil, err
	}
	uploaded := files(parts, "files")
	if len(uploaded) == 0 {
		return nil, invalid("Field required", "body", "files")
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.datasource(req.DatasourceId); err != nil { // deleted meanwhile
		return nil, err
	}
	h.files.init()
	t := now()
	for _, p := range uploaded {
		h.files.content[req.DatasourceId] = append(h.files.content[req.DatasourceId],
			&storedFile{name: p.filename, contentType: p.contentType, size: p.size, data: p.data, uploaded: t})
	}
	out := generated.UploadAndListContent200JSONResponse{DatasourceId: req.DatasourceId, Items: []generated.ContentItem{},
		ContinuationToken: nullable.NewNullNullable[string](), IngestUrl: nullable.NewNullNullable[string]()}
	objects := contentObjects(h.files.content[req.DatasourceId])
	for _, f := range objects[:min(len(objects), maxContentPage)] {
		out.Items = append(out.Items, f.contentItem())
	}
	if len(objects) > maxContentPage {
		out.ContinuationToken = nullable.NewNullableWithValue(encodeContentToken(objects[maxContentPage-1].name))
	}
	if req.Params.TriggerIngest != nil && *req.Params.TriggerIngest {
		h.startIngest(req.DatasourceId)
		out.IngestUrl = nullable.NewNullableWithValue("/v2/datasources/" + req.DatasourceId + "/ingest-status")
	}
	return out, nil
}
