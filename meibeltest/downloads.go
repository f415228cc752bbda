package meibeltest

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/meibel-ai/meibel-go/generated"
)

// downloadJob is an export of a datasource's content.
type downloadJob struct {
	id, datasourceID string
	files            []*storedFile
}

// exportFiles picks the datasource's stored files for an export; the
// request's content, when set, keeps only the files whose name contains it.
func (h *handlers) exportFiles(datasourceID string, body *generated.DownloadJobRequest) ([]*storedFile, error) {
	if _, err := h.datasource(datasourceID); err != nil {
		return nil, err
	}
	h.files.init()
	var filter string
	if body != nil {
		filter, _ = get(body.Content)
	}
	var out []*storedFile
	for _, f := range h.files.content[datasourceID] {
		if strings.Contains(f.name, filter) {
			out = append(out, f)
		}
	}
	return out, nil
}

// CreateDownloadJob snapshots the files to export and returns the job (201).
func (h *handlers) CreateDownloadJob(_ context.Context, req generated.CreateDownloadJobRequestObject) (generated.CreateDownloadJobResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	files, err := h.exportFiles(req.DatasourceId, optionalBody(req.Body))
	if err != nil {
		return nil, err
	}
	_, id := h.next("dl")
	h.files.downloads[id] = &downloadJob{id: id, datasourceID: req.DatasourceId, files: files}
	return generated.CreateDownloadJob201JSONResponse{JobId: id, Status: "ready",
		StatusUrl: "/v2/datasources/" + req.DatasourceId + "/downloads/" + id + "/progress"}, nil
}

func (h *handlers) downloadJob(datasourceID, id string) (*downloadJob, error) {
	h.files.init()
	j, ok := h.files.downloads[id]
	if !ok || j.datasourceID != datasourceID {
		return nil, notFound("download job %q not found for datasource %q", id, datasourceID)
	}
	return j, nil
}

// StreamDownloadProgress streams one "progress" event per file packed
// ({"job_id","file","files_done","files_total"}), then "complete" with the
// file URL.
func (h *handlers) StreamDownloadProgress(ctx context.Context, req generated.StreamDownloadProgressRequestObject) (generated.StreamDownloadProgressResponseObject, error) {
	h.mu.Lock()
	j, err := h.downloadJob(req.DatasourceId, req.JobId)
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	body := sseStream(ctx, TokenPause, func(send func(event, data string) error) error {
		for i, f := range j.files {
			if err := send("progress", jsonData(map[string]any{"job_id": j.id, "file": f.name,
				"files_done": i + 1, "files_total": len(j.files)})); err != nil {
				return err
			}
		}
		return send("complete", jsonData(map[string]any{"job_id": j.id, "status": "completed", "files": len(j.files),
			"file_url": "/v2/datasources/" + j.datasourceID + "/downloads/" + j.id + "/file"}))
	})
	return generated.StreamDownloadProgress200TexteventStreamResponse{Body: body}, nil
}

// DownloadFile streams the job's zip: one entry per file, written as the
// client reads (never built whole in memory).
func (h *handlers) DownloadFile(ctx context.Context, req generated.DownloadFileRequestObject) (generated.DownloadFileResponseObject, error) {
	h.mu.Lock()
	j, err := h.downloadJob(req.DatasourceId, req.JobId)
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return zipDownload{name: "export-" + j.id + ".zip", body: zipStream(j.files)}, nil
}

// ProcessDownload exports the datasource's content as a zip in one call.
func (h *handlers) ProcessDownload(ctx context.Context, req generated.ProcessDownloadRequestObject) (generated.ProcessDownloadResponseObject, error) {
	h.mu.Lock()
	files, err := h.exportFiles(req.DatasourceId, optionalBody(req.Body))
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return zipDownload{name: "export-" + req.DatasourceId + ".zip", body: zipStream(files)}, nil
}

// zipDownload is the generated zip response of downloadFile or
// processDownload with a Content-Disposition naming the file, as a real
// export has.
type zipDownload struct {
	name string
	body io.Reader
}

func (z zipDownload) VisitDownloadFileResponse(w http.ResponseWriter) error {
	attachment(w, z.name)
	return generated.DownloadFile200ApplicationzipResponse{Body: z.body}.VisitDownloadFileResponse(w)
}

func (z zipDownload) VisitProcessDownloadResponse(w http.ResponseWriter) error {
	attachment(w, z.name)
	return generated.ProcessDownload200ApplicationzipResponse{Body: z.body}.VisitProcessDownloadResponse(w)
}

// zipStream writes a zip of files into a pipe as it is read. Entry names
// are made unique (a second "a.txt" becomes "a (2).txt").
func zipStream(files []*storedFile) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		zw := zip.NewWriter(pw)
		seen := map[string]int{}
		for _, f := range files {
			name := f.name
			seen[f.name]++
			if n := seen[f.name]; n > 1 {
				ext := path.Ext(name)
				name = strings.TrimSuffix(name, ext) + " (" + strconv.Itoa(n) + ")" + ext
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now()})
			if err == nil {
				_, err = io.Copy(w, bytes.NewReader(f.data))
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(zw.Close())
	}()
	return pr
}

// attachment names the file of a download response (Content-Disposition).
func attachment(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
}
