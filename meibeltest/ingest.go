package meibeltest

import (
	"context"
	"fmt"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// IngestDuration is how long an ingest run stays "running" before it
// completes.
var IngestDuration = 50 * time.Millisecond

// ingestRun is the last ingest of a datasource.
type ingestRun struct {
	status    generated.IngestStatus
	files     int
	started   time.Time
	completed time.Time
}

// TriggerIngest starts ingesting the datasource's uploaded content; the run
// completes after IngestDuration.
func (h *handlers) TriggerIngest(_ context.Context, req generated.TriggerIngestRequestObject) (generated.TriggerIngestResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.datasource(req.DatasourceId); err != nil {
		return nil, err
	}
	n := h.startIngest(req.DatasourceId)
	return generated.TriggerIngest200JSONResponse{DatasourceId: req.DatasourceId,
		Message: fmt.Sprintf("ingest started for %d file(s)", n)}, nil
}

// startIngest starts an ingest run of the datasource's content (h.mu held)
// and returns the number of files it ingests.
func (h *handlers) startIngest(datasourceID string) int {
	h.files.init()
	n := len(h.files.content[datasourceID])
	h.files.ingests[datasourceID] = &ingestRun{status: generated.IngestStatusRunning, files: n, started: now()}
	return n
}

// GetIngestStatus reports not_started, running or completed (with the
// number of files added).
func (h *handlers) GetIngestStatus(_ context.Context, req generated.GetIngestStatusRequestObject) (generated.GetIngestStatusResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.datasource(req.DatasourceId); err != nil {
		return nil, err
	}
	h.files.init()
	run, ok := h.files.ingests[req.DatasourceId]
	if !ok {
		return generated.GetIngestStatus200JSONResponse{DatasourceId: req.DatasourceId, Status: generated.IngestStatusNotStarted}, nil
	}
	if run.status == generated.IngestStatusRunning && time.Since(run.started) >= IngestDuration {
		run.status, run.completed = generated.IngestStatusCompleted, now()
	}
	resp := generated.GetIngestStatus200JSONResponse{DatasourceId: req.DatasourceId, Status: run.status,
		StartedAt: nullable.NewNullableWithValue(timestamp(run.started))}
	if run.status == generated.IngestStatusCompleted {
		resp.CompletedAt = nullable.NewNullableWithValue(timestamp(run.completed))
		resp.Methods = &[]generated.IngestMethodSummary{{Method: "upload", Adds: ptr(run.files), Errors: ptr(0)}}
	}
	return resp, nil
}
