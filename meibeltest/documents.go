package meibeltest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// documentJob is one parsed document. Parsing is simulated: the job is
// "processing" until its trace has streamed to the end or ParseDuration has
// passed, then "completed" with a markdown rendering of the text. Jobs of
// the synchronous operations (processDocument, transformDocument) are
// completed from the start. A zip archive's entries become child jobs.
type documentJob struct {
	id, filename, contentType string
	size                      int64
	text                      string
	created                   time.Time
	traced                    bool
	sync                      bool           // completed when created
	parent                    string         // the archive's job, for a child
	children                  []*documentJob // an archive's entries
	transform                 map[string]any // a transform job's extracted data (transforms.go)
}

// ParseDuration is how long a document job takes without a trace reader.
var ParseDuration = 100 * time.Millisecond

// traceStages are the progress stages the trace stream reports.
var traceStages = []string{"received", "layout", "text", "tables", "assemble"}

func (j *documentJob) done() bool {
	return j.sync || j.traced || time.Since(j.created) >= ParseDuration
}

func (j *documentJob) status() string {
	if j.done() {
		return "completed"
	}
	return "processing"
}

// counts are the pages and elements of the parse (see docmodel.go).
func (j *documentJob) counts() (pages, elements int) {
	st := statsOf(parseText(j.text))
	return st.pages, st.elements
}

// markdown is the document rendered as markdown.
func (j *documentJob) markdown() string { return "# " + j.filename + "\n\n" + j.text }

// addDocument stores a document job for an uploaded file (h.mu held). A zip
// archive gets one child job per file entry, and its own text lists them.
func (h *handlers) addDocument(prefix string, f formPart, sync bool) *documentJob {
	h.files.init()
	_, id := h.next(prefix)
	j := &documentJob{id: id, filename: f.filename, contentType: f.contentType,
		size: f.size, text: string(f.data), created: now(), sync: sync}
	h.files.documents[id] = j
	for _, e := range zipEntries(f) {
		c := h.addDocument("doc", e, sync)
		c.parent = j.id
		j.children = append(j.children, c)
	}
	if len(j.children) > 0 {
		var b strings.Builder
		for _, c := range j.children {
			b.WriteString("- " + c.filename + "\n")
		}
		j.text = b.String()
	}
	return j
}

// ParseDocument reads the uploaded file and starts a parse job.
func (h *handlers) ParseDocument(_ context.Context, req generated.ParseDocumentRequestObject) (generated.ParseDocumentResponseObject, error) {
	parts, err := readForm(req.Body)
	if err != nil {
		return nil, err
	}
	f := files(parts, "file")
	if len(f) != 1 {
		return nil, invalid("Field required", "body", "file")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	j := h.addDocument("doc", f[0], false)
	return generated.ParseDocument200JSONResponse{JobId: j.id, Status: "processing"}, nil
}

func (h *handlers) document(id string) (*documentJob, error) {
	h.files.init()
	j, ok := h.files.documents[id]
	if !ok {
		return nil, notFound("document job %q not found", id)
	}
	return j, nil
}

// GetDocumentStatus reports processing, then completed with counts.
func (h *handlers) GetDocumentStatus(_ context.Context, req generated.GetDocumentStatusRequestObject) (generated.GetDocumentStatusResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	j, err := h.document(req.JobId)
	if err != nil {
		return nil, err
	}
	resp := generated.GetDocumentStatus200JSONResponse{JobId: j.id, Status: j.status(), Format: "markdown"}
	if j.done() {
		st := statsOf(parseText(j.text))
		resp.Pages, resp.Elements = nullable.NewNullableWithValue(st.pages), nullable.NewNullableWithValue(st.elements)
		resp.Tables = nullable.NewNullableWithValue(st.tables)
		resp.Confidence = nullable.NewNullableWithValue(0.99)
		resp.ProcessingTimeMs = nullable.NewNullableWithValue(int(ParseDuration.Milliseconds()))
	}
	return resp, nil
}

// GetDocumentResult returns {"job_id","format","filename","content"}: the
// document as markdown (format=markdown, the default) or as JSON elements
// (format=json); a transform job's result also has the extracted "data".
// 409 while the job is still processing.
func (h *handlers) GetDocumentResult(_ context.Context, req generated.GetDocumentResultRequestObject) (generated.GetDocumentResultResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	j, err := h.document(req.JobId)
	if err != nil {
		return nil, err
	}
	if !j.done() {
		return nil, conflict("document job %q is still processing", j.id)
	}
	format := "markdown"
	if req.Params.Format != nil {
		format = *req.Params.Format
	}
	out := map[string]any{"job_id": j.id, "format": format, "filename": j.filename}
	if j.transform != nil {
		out["data"] = j.transform
	}
	switch format {
	case "markdown":
		out["content"] = j.markdown()
	case "json":
		var elements []map[string]any
		for i, l := range strings.Split(j.text, "\n") {
			if strings.TrimSpace(l) != "" {
				elements = append(elements, map[string]any{"index": i, "type": "paragraph", "text": l})
			}
		}
		out["elements"] = elements
	default:
		return nil, invalid(`format must be "markdown" or "json"`, "query", "format")
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return rawDocumentResult(b), nil
}

// rawDocumentResult writes its JSON as is. (The generated
// GetDocumentResult200JSONResponse is a []byte type without MarshalJSON, so
// encoding it would send a base64 string.)
type rawDocumentResult []byte

func (r rawDocumentResult) VisitGetDocumentResultResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(r)
	return err
}

// StreamDocumentTrace streams the parse: one "progress" event per stage
// ({"job_id","stage","percent"}), then "complete" with the counts; the job
// is completed once the trace has been read to the end.
func (h *handlers) StreamDocumentTrace(ctx context.Context, req generated.StreamDocumentTraceRequestObject) (generated.StreamDocumentTraceResponseObject, error) {
	h.mu.Lock()
	j, err := h.document(req.JobId)
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	body := sseStream(ctx, TokenPause, func(send func(event, data string) error) error {
		for i, stage := range traceStages {
			pct := (i + 1) * 100 / (len(traceStages) + 1)
			if err := send("progress", jsonData(map[string]any{"job_id": j.id, "stage": stage, "percent": pct})); err != nil {
				return err
			}
		}
		h.mu.Lock()
		j.traced = true
		pages, elements := j.counts()
		h.mu.Unlock()
		return send("complete", jsonData(map[string]any{"job_id": j.id, "status": "completed", "percent": 100,
			"pages": pages, "elements": elements, "bytes": j.size}))
	})
	return generated.StreamDocumentTrace200TexteventStreamResponse{Body: body}, nil
}
