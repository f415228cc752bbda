package meibeltest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// DeepTransformDuration is how long a deep-transform job stays "running"
// before it completes.
var DeepTransformDuration = 100 * time.Millisecond

// Deep-transform artifact names.
const (
	artifactResult = "result.json" // {root_name: the extracted object}
	artifactSource = "source.md"   // the pages transformed, as markdown
)

// deepJob is one deep transform: the schema's properties extracted (as
// transforms.go does) from the document's first max_pages pages, under
// root_name. It is "running" for DeepTransformDuration, then "completed"
// with two artifacts; a document without text fails at once.
type deepJob struct {
	id            string
	created       time.Time
	pages         int
	filled, total int
	failure       string
	artifacts     map[string][]byte
}

func (j *deepJob) status() string {
	switch {
	case j.failure != "":
		return "failed"
	case time.Since(j.created) < DeepTransformDuration:
		return "running"
	}
	return "completed"
}

// response is the job as DeepTransformJob: artifacts, metrics and aeq once
// completed (aeq, whose shape the spec leaves open, is an extraction
// coverage summary); error once failed; null otherwise.
func (j *deepJob) response() generated.DeepTransformJob {
	st := j.status()
	out := generated.DeepTransformJob{JobId: j.id, Status: st, Artifacts: &[]string{},
		Metrics: nullable.NewNullNullable[generated.DeepTransformMetrics](),
		Aeq:     nullable.NewNullNullable[map[string]any](), Error: nullable.NewNullNullable[string]()}
	switch st {
	case "failed":
		out.Error = nullable.NewNullableWithValue(j.failure)
	case "completed":
		out.Artifacts = &[]string{artifactResult, artifactSource}
		rate := 1.0
		if j.total > 0 {
			rate = float64(j.filled) / float64(j.total)
		}
		wall := int(DeepTransformDuration.Milliseconds())
		n := nullable.NewNullableWithValue[int]
		out.Metrics = nullable.NewNullableWithValue(generated.DeepTransformMetrics{
			WallMs: n(wall), FloorMs: n(wall / 2), LlmConcurrencyPeak: n(min(max(j.pages, 1), 4)),
			IdentityResolutionRate: nullable.NewNullableWithValue(rate),
			OrphanCount:            n(0), DanglingEdgeCount: n(0), FragmentedCount: n(0), ScalarConflictsUnresolved: n(0),
			UncoveredEntityCount: n(j.total - j.filled), FailedUnitCount: n(0)})
		out.Aeq = nullable.NewNullableWithValue(map[string]any{"fields_total": j.total, "fields_filled": j.filled, "coverage": rate})
	}
	return out
}

// deepRequest is what both submit operations carry.
type deepRequest struct {
	filename, text string
	schema         map[string]any
	rootName       string
	maxPages       int // 0: all
}

// addDeepJob runs the (simulated) transform and stores the job (h.mu held).
func (h *handlers) addDeepJob(r deepRequest) *deepJob {
	_, id := h.next("dtx")
	j := &deepJob{id: id, created: now()}
	pages := strings.Split(r.text, "\f")
	if r.maxPages > 0 && len(pages) > r.maxPages {
		pages = pages[:r.maxPages]
	}
	text := strings.Join(pages, "\f")
	j.pages = len(pages)
	if statsOf(parseText(text)).elements == 0 {
		j.failure = "the document has no text to transform"
	} else {
		root := r.rootName
		if root == "" {
			root, _ = r.schema["title"].(string)
		}
		if root == "" {
			root = "root"
		}
		var data map[string]any
		data, j.filled, j.total = extract(r.schema, text)
		result, err := json.MarshalIndent(map[string]any{root: data}, "", "  ")
		if err != nil {
			j.failure = err.Error()
		}
		j.artifacts = map[string][]byte{artifactResult: result,
			artifactSource: []byte("# " + r.filename + "\n\n" + text)}
	}
	h.deep = append(h.deep, j)
	return j
}

func (h *handlers) deepJob(id string) (*deepJob, error) {
	for _, j := range h.deep {
		if j.id == id {
			return j, nil
		}
	}
	return nil, notFound("deep-transform job %q not found", id)
}

// SubmitDeepTransform starts a deep transform of the uploaded file. schema
// is a JSON schema object (a 422 otherwise); max_pages, when sent, is at
// least 1; guidance is accepted and does not change the simulation.
func (h *handlers) SubmitDeepTransform(_ context.Context, req generated.SubmitDeepTransformRequestObject) (generated.SubmitDeepTransformResponseObject, error) {
	parts, err := readForm(req.Body)
	if err != nil {
		return nil, err
	}
	f := files(parts, "file")
	if len(f) != 1 {
		return nil, invalid("Field required", "body", "file")
	}
	r := deepRequest{filename: f[0].filename, text: string(f[0].data)}
	raw, ok := field(parts, "schema")
	if !ok {
		return nil, invalid("Field required", "body", "schema")
	}
	if err := json.Unmarshal([]byte(raw), &r.schema); err != nil || r.schema == nil {
		return nil, invalid("schema must be a JSON object", "body", "schema")
	}
	r.rootName, _ = field(parts, "root_name")
	if s, ok := field(parts, "max_pages"); ok {
		if r.maxPages, err = strconv.Atoi(s); err != nil || r.maxPages < 1 {
			return nil, invalid("Input should be greater than or equal to 1", "body", "max_pages")
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return generated.SubmitDeepTransform200JSONResponse{JobId: h.addDeepJob(r).id}, nil
}

// SubmitDeepTransformFromDocument starts a deep transform of a parsed
// document (404 for an unknown job, 409 while it is still processing).
func (h *handlers) SubmitDeepTransformFromDocument(_ context.Context, req generated.SubmitDeepTransformFromDocumentRequestObject) (generated.SubmitDeepTransformFromDocumentResponseObject, error) {
	b := req.Body
	r := deepRequest{schema: b.Schema}
	r.rootName, _ = get(b.RootName)
	if n, ok := get(b.MaxPages); ok {
		if n < 1 {
			return nil, invalid("Input should be greater than or equal to 1", "body", "max_pages")
		}
		r.maxPages = n
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.document(b.DocumentJobId)
	if err != nil {
		return nil, err
	}
	if !d.done() {
		return nil, conflict("document job %q is still processing", d.id)
	}
	r.filename, r.text = d.filename, d.text
	return generated.SubmitDeepTransformFromDocument200JSONResponse{JobId: h.addDeepJob(r).id}, nil
}

// ListDeepTransforms lists jobs oldest first (so offsets stay stable as jobs
// are added), offset/limit paged (limit defaults to 50; below 1 is a 422).
// next_offset is the offset of the next page, null on the last one.
func (h *handlers) ListDeepTransforms(_ context.Context, req generated.ListDeepTransformsRequestObject) (generated.ListDeepTransformsResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p, err := window(len(h.deep), req.Params.Offset, req.Params.Limit, 50)
	if err != nil {
		return nil, err
	}
	jobs := make([]generated.DeepTransformJob, 0, p.hi-p.lo)
	for _, j := range h.deep[p.lo:p.hi] {
		jobs = append(jobs, j.response())
	}
	off := 0
	if req.Params.Offset != nil {
		off = max(*req.Params.Offset, 0)
	}
	out := generated.ListDeepTransforms200JSONResponse{Jobs: &jobs, Offset: off, Limit: p.limit,
		NextOffset: nullable.NewNullNullable[int]()}
	if p.hi < len(h.deep) {
		out.NextOffset = nullable.NewNullableWithValue(p.hi)
	}
	return out, nil
}

// GetDeepTransformStatus returns one job.
func (h *handlers) GetDeepTransformStatus(_ context.Context, req generated.GetDeepTransformStatusRequestObject) (generated.GetDeepTransformStatusResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	j, err := h.deepJob(req.JobId)
	if err != nil {
		return nil, err
	}
	return generated.GetDeepTransformStatus200JSONResponse(j.response()), nil
}

// DownloadDeepTransformArtifact streams a completed job's artifact, named
// in Content-Disposition. 404 for an unknown job or artifact name (a failed
// job has none), 409 while the job is running.
func (h *handlers) DownloadDeepTransformArtifact(_ context.Context, req generated.DownloadDeepTransformArtifactRequestObject) (generated.DownloadDeepTransformArtifactResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	j, err := h.deepJob(req.JobId)
	if err != nil {
		return nil, err
	}
	if j.status() == "running" {
		return nil, conflict("deep-transform job %q is still running", j.id)
	}
	data, ok := j.artifacts[req.Name]
	if !ok {
		return nil, notFound("deep-transform job %q has no artifact %q", j.id, req.Name)
	}
	return artifactDownload{name: req.Name, data: data}, nil
}

// artifactDownload is the generated octet-stream response with a
// Content-Disposition naming the artifact.
type artifactDownload struct {
	name string
	data []byte
}

func (a artifactDownload) VisitDownloadDeepTransformArtifactResponse(w http.ResponseWriter) error {
	attachment(w, a.name)
	return generated.DownloadDeepTransformArtifact200ApplicationoctetStreamResponse{
		Body: bytes.NewReader(a.data), ContentLength: int64(len(a.data))}.VisitDownloadDeepTransformArtifactResponse(w)
}
