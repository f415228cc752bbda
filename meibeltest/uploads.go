package meibeltest

import (
	"context"
	"fmt"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// uploadJob is one uploadContent call, replayed by its progress stream.
type uploadJob struct {
	id, datasourceID string
	files            []*storedFile
	bytes            int64
}

// UploadContent reads the multipart stream part by part (any size: file
// bytes are counted, and at most MaxStoredFileBytes of each file kept) and
// stores the files as the datasource's content.
func (h *handlers) UploadContent(_ context.Context, req generated.UploadContentRequestObject) (generated.UploadContentResponseObject, error) {
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
	job := &uploadJob{datasourceID: req.DatasourceId}
	t := now()
	for _, p := range uploaded {
		job.files = append(job.files, &storedFile{name: p.filename, contentType: p.contentType, size: p.size, data: p.data, uploaded: t})
		job.bytes += p.size
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	h.files.init()
	_, job.id = h.next("upl")
	h.files.uploads[job.id] = job
	h.files.content[req.DatasourceId] = append(h.files.content[req.DatasourceId], job.files...)
	n, size := len(job.files), int(job.bytes)
	return generated.UploadContent200JSONResponse{
		Success: true, DatasourceId: req.DatasourceId, UploadId: job.id,
		Message:        fmt.Sprintf("received %d file(s), %d bytes", n, job.bytes),
		SseUrl:         "/v2/datasources/uploads/" + job.id + "/progress",
		EstimatedFiles: nullable.NewNullableWithValue(n), EstimatedSize: nullable.NewNullableWithValue(size),
	}, nil
}

// StreamUploadProgress streams one "progress" event per stored file
// ({"upload_id","file","files_done","files_total","bytes_done","bytes_total"})
// and then "complete".
func (h *handlers) StreamUploadProgress(ctx context.Context, req generated.StreamUploadProgressRequestObject) (generated.StreamUploadProgressResponseObject, error) {
	h.mu.Lock()
	h.files.init()
	job, ok := h.files.uploads[req.UploadId]
	h.mu.Unlock()
	if !ok {
		return nil, notFound("upload %q not found", req.UploadId)
	}
	body := sseStream(ctx, TokenPause, func(send func(event, data string) error) error {
		var done int64
		for i, f := range job.files {
			done += f.size
			if err := send("progress", jsonData(map[string]any{"upload_id": job.id, "file": f.name,
				"files_done": i + 1, "files_total": len(job.files), "bytes_done": done, "bytes_total": job.bytes})); err != nil {
				return err
			}
		}
		return send("complete", jsonData(map[string]any{"upload_id": job.id, "status": "completed",
			"files": len(job.files), "bytes": job.bytes}))
	})
	return generated.StreamUploadProgress200TexteventStreamResponse{Body: body}, nil
}
