package meibeltest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// Batch execution statuses. BatchExecutionResponse.status is a plain string
// in the spec; the server uses the spec's workflow status values
// (IngestStatus), so a cancelled execution is "canceled".
const (
	execNotStarted = string(generated.IngestStatusNotStarted)
	execRunning    = string(generated.IngestStatusRunning)
	execCompleted  = string(generated.IngestStatusCompleted)
	execFailed     = string(generated.IngestStatusFailed)
	execCanceled   = string(generated.IngestStatusCanceled)
)

// Item statuses of an execution.
const (
	itemPending   = "pending"
	itemRunning   = "running"
	itemSucceeded = "succeeded"
	itemFailed    = "failed"
	itemCanceled  = "canceled"
)

// executionStatuses are the statuses an update may set.
var executionStatuses = []string{
	execNotStarted, execRunning, execCompleted, execFailed, execCanceled,
	string(generated.IngestStatusTerminated), string(generated.IngestStatusTimedOut), string(generated.IngestStatusUnknown),
}

func terminal(status string) bool {
	return status != execNotStarted && status != execRunning && status != string(generated.IngestStatusUnknown)
}

// execution is a batch execution: one item per input data element. The
// server does not run agents: a worker (or a test) reports progress with
// updateExecutionById, and cancel and retry-failed move items as the API does.
type execution struct {
	id, definitionID, status string
	seq                      int
	start                    time.Time
	end                      *time.Time
	errMsg, agentURN         *string
	inputDS, outputDS        *string
	agentSpec, batchSpec     map[string]any
	total, succeeded, failed *int
	items                    []generated.BatchItemResult // nil: none reported
}

func (s *store) execution(id string) (*execution, error) {
	e, ok := s.executions[id]
	if !ok {
		return nil, notFound("batch execution %q not found", id)
	}
	return e, nil
}

func (e *execution) workflowID() string { return "batch-execution-" + e.id }

// startExecution creates a running execution over the datasource's
// elements that pass the filters; with no such element it is completed at
// once. Call it with the store locked.
func (h *handlers) startExecution(definitionID, agentURN string, agentSpec, batchSpec map[string]any,
	inputDS string, outputDS *string, f generated.BatchDefinitionFilters) (*execution, error) {
	if _, err := h.datasource(inputDS); err != nil {
		return nil, err
	}
	var re *regexp.Regexp
	if pattern, ok := get(f.Regex); ok {
		var err error
		if re, err = regexp.Compile(pattern); err != nil {
			return nil, invalid("invalid regular expression: "+err.Error(), "body", "filters", "regex")
		}
	}
	types, ids := f.MediaTypes.GetOrEmpty(), f.ElementIds.GetOrEmpty()
	items := []generated.BatchItemResult{}
	for _, el := range h.elements[inputDS] {
		switch {
		case re != nil && !re.MatchString(el.name),
			len(types) > 0 && !slices.ContainsFunc(types, func(t string) bool { return mediaTypeMatches(t, el.mediaType) }),
			len(ids) > 0 && !slices.Contains(ids, el.id):
			continue
		}
		items = append(items, generated.BatchItemResult{InputDataElementId: el.id, Filename: el.name,
			Status: itemPending, Attempts: nullable.NewNullableWithValue(0)})
	}
	seq, id := h.next("bexe")
	e := &execution{id: id, definitionID: definitionID, status: execRunning, seq: seq, start: now(),
		agentURN: &agentURN, inputDS: &inputDS, outputDS: outputDS, agentSpec: cloneJSON(agentSpec),
		batchSpec: cloneJSON(batchSpec), items: items}
	e.recount()
	if len(items) == 0 {
		e.status, e.end = execCompleted, ptr(e.start)
	}
	h.executions[id] = e
	return e, nil
}

// recount derives total, succeeded and failed from the items.
func (e *execution) recount() {
	var ok, bad int
	for _, it := range e.items {
		switch it.Status {
		case itemSucceeded, execCompleted:
			ok++
		case itemFailed:
			bad++
		}
	}
	e.total, e.succeeded, e.failed = ptr(len(e.items)), &ok, &bad
}

func (e *execution) response() generated.BatchExecutionResponse {
	r := generated.BatchExecutionResponse{
		Id: e.id, BatchDefinitionId: e.definitionID, CustomerId: customerID, ProjectId: projectID,
		AgentUrn: orNull(e.agentURN), InputDatasourceId: orNull(e.inputDS), OutputDatasourceId: orNull(e.outputDS),
		TotalItems: orNull(e.total), Succeeded: orNull(e.succeeded), Failed: orNull(e.failed),
		StartTime: e.start, EndTime: orNull(e.end), Status: e.status, Error: orNull(e.errMsg),
	}
	if e.agentSpec != nil {
		r.AgentSpecJson = nullable.NewNullableWithValue(cloneJSON(e.agentSpec))
	}
	if e.batchSpec != nil {
		r.BatchSpecJson = nullable.NewNullableWithValue(cloneJSON(e.batchSpec))
	}
	if e.items != nil {
		r.Items = nullable.NewNullableWithValue(slices.Clone(e.items))
	}
	return r
}

// agentByRef finds an agent by id, name or catalog URN.
func (s *store) agentByRef(ref string) *agent {
	if a, ok := s.agents[ref]; ok {
		return a
	}
	for _, a := range s.agents {
		if a.name == ref || a.urn() == ref {
			return a
		}
	}
	return nil
}

// CreateExecution starts an execution from a legacy batch spec (201). The
// spec's agent is an agent id, name or catalog URN, and it and the input
// datasource must exist (404). Such an execution belongs to no batch
// definition: its batch_definition_id is "".
func (h *handlers) CreateExecution(_ context.Context, req generated.CreateExecutionRequestObject) (generated.CreateExecutionResponseObject, error) {
	spec := req.Body.BatchSpecJson
	var f generated.BatchDefinitionFilters
	if lf, ok := get(spec.Input.Filters); ok {
		f = generated.BatchDefinitionFilters{Regex: lf.Regex, MediaTypes: lf.MediaTypes, ElementIds: lf.ElementIds}
		if re, ok := get(lf.Regex); ok {
			if _, err := regexp.Compile(re); err != nil {
				return nil, invalid("invalid regular expression: "+err.Error(), "body", "batch_spec_json", "input", "filters", "regex")
			}
		}
	}
	var output *string
	if o, ok := get(spec.Output); ok {
		output = optional(o.DatasourceId)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.agentByRef(spec.Agent)
	if a == nil {
		return nil, notFound("agent %q not found", spec.Agent)
	}
	if output != nil {
		if _, err := h.datasource(*output); err != nil {
			return nil, err
		}
	}
	e, err := h.startExecution("", a.urn(), jsonObject(h.agentDetail(a)), jsonObject(spec), spec.Input.DatasourceId, output, f)
	if err != nil {
		return nil, err
	}
	return generated.CreateExecution201JSONResponse(e.response()), nil
}

// GetExecutionById returns one execution with its items.
func (h *handlers) GetExecutionById(_ context.Context, req generated.GetExecutionByIdRequestObject) (generated.GetExecutionByIdResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, err := h.execution(req.ExecutionId)
	if err != nil {
		return nil, err
	}
	return generated.GetExecutionById200JSONResponse(e.response()), nil
}

// ListExecutions lists executions, optionally of one input datasource,
// sorted by start_time (default) or status, newest first unless sort_order
// is asc, with offset/limit (no limit means all).
func (h *handlers) ListExecutions(_ context.Context, req generated.ListExecutionsRequestObject) (generated.ListExecutionsResponseObject, error) {
	p := req.Params
	desc, err := descending(p.SortOrder)
	if err != nil {
		return nil, err
	}
	byStatus := false
	if p.SortBy != nil {
		switch *p.SortBy {
		case "start_time":
		case "status":
			byStatus = true
		default:
			return nil, invalid(fmt.Sprintf("cannot sort executions by %q (use start_time or status)", *p.SortBy), "query", "sort_by")
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var list []*execution
	for _, e := range h.executions {
		if p.InputDatasourceId == nil || (e.inputDS != nil && *e.inputDS == *p.InputDatasourceId) {
			list = append(list, e)
		}
	}
	slices.SortFunc(list, func(x, y *execution) int {
		c := 0
		if byStatus {
			c = strings.Compare(x.status, y.status)
		}
		if c == 0 {
			c = cmp.Or(x.start.Compare(y.start), x.seq-y.seq)
		}
		if desc {
			c = -c
		}
		return c
	})
	w, err := window(len(list), p.Offset, p.Limit, -1)
	if err != nil {
		return nil, err
	}
	data := make([]generated.BatchExecutionResponse, 0, w.hi-w.lo)
	for _, e := range list[w.lo:w.hi] {
		data = append(data, e.response())
	}
	limit := nullable.NewNullNullable[int]()
	if p.Limit != nil {
		limit = nullable.NewNullableWithValue(w.limit)
	}
	return generated.ListExecutions200JSONResponse{Data: data,
		Pagination: generated.PaginationMeta{Total: len(list), Offset: w.lo, Limit: limit}}, nil
}

// UpdateExecutionById applies a worker's progress report. Absent fields are
// unchanged; null clears a field, except status (422). status must be one of
// the workflow statuses (not_started, running, completed, failed, canceled,
// terminated, timed_out, unknown); a terminal status without an end_time
// ends the execution now. Items replace the reported items (null entries
// are skipped) and, unless the body gives them, recompute total_items,
// succeeded and failed. Counts are non-negative.
func (h *handlers) UpdateExecutionById(_ context.Context, req generated.UpdateExecutionByIdRequestObject) (generated.UpdateExecutionByIdResponseObject, error) {
	b := req.Body
	if b.Status.IsNull() {
		return nil, invalid("Input should be a valid string", "body", "status")
	}
	status, setStatus := get(b.Status)
	if setStatus && !slices.Contains(executionStatuses, status) {
		return nil, invalid(fmt.Sprintf("Input should be one of %s", strings.Join(executionStatuses, ", ")), "body", "status")
	}
	for field, n := range map[string]nullable.Nullable[int]{"total_items": b.TotalItems, "succeeded": b.Succeeded, "failed": b.Failed} {
		if v, ok := get(n); ok && v < 0 {
			return nil, invalid("Input should be greater than or equal to 0", "body", field)
		}
	}
	var items []generated.BatchItemResult
	if raw, ok := get(b.Items); ok {
		items = []generated.BatchItemResult{}
		for i, m := range raw {
			v, ok := get(m)
			if !ok {
				continue
			}
			it, err := batchItem(v)
			if err != nil {
				return nil, invalid(err.Error(), "body", "items", i)
			}
			items = append(items, it)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	e, err := h.execution(req.ExecutionId)
	if err != nil {
		return nil, err
	}
	if b.Items.IsSpecified() {
		e.items = items
		if items != nil {
			e.recount()
		}
	}
	for _, f := range []struct {
		n   nullable.Nullable[int]
		dst **int
	}{{b.TotalItems, &e.total}, {b.Succeeded, &e.succeeded}, {b.Failed, &e.failed}} {
		if f.n.IsSpecified() {
			*f.dst = nil
			if v, ok := get(f.n); ok {
				*f.dst = &v
			}
		}
	}
	if b.OutputDatasourceId.IsSpecified() {
		e.outputDS = optional(b.OutputDatasourceId)
	}
	if b.Error.IsSpecified() {
		e.errMsg = optional(b.Error)
	}
	if b.EndTime.IsSpecified() {
		e.end = nil
		if v, ok := get(b.EndTime); ok {
			v = v.UTC()
			e.end = &v
		}
	}
	if setStatus {
		e.status = status
		if terminal(status) && e.end == nil && !b.EndTime.IsSpecified() {
			e.end = ptr(now())
		}
	}
	return generated.UpdateExecutionById200JSONResponse(e.response()), nil
}

// batchItem reads one reported item; it needs input_data_element_id,
// filename and status.
func batchItem(m map[string]any) (generated.BatchItemResult, error) {
	var it generated.BatchItemResult
	b, err := json.Marshal(m)
	if err == nil {
		err = json.Unmarshal(b, &it)
	}
	if err != nil {
		return it, fmt.Errorf("not a batch item: %v", err)
	}
	for _, k := range []string{"input_data_element_id", "filename", "status"} {
		if _, ok := m[k].(string); !ok {
			return it, fmt.Errorf("a batch item needs a string %s", k)
		}
	}
	return it, nil
}

// CancelExecution cancels a running execution: its status becomes
// "canceled", it ends now and its pending or running items are canceled. A
// finished execution is a 409.
func (h *handlers) CancelExecution(_ context.Context, req generated.CancelExecutionRequestObject) (generated.CancelExecutionResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, err := h.execution(req.ExecutionId)
	if err != nil {
		return nil, err
	}
	if terminal(e.status) {
		return nil, conflict("batch execution %q is already %s", e.id, e.status)
	}
	for i := range e.items {
		if s := e.items[i].Status; s == itemPending || s == itemRunning {
			e.items[i].Status = itemCanceled
		}
	}
	e.status, e.end = execCanceled, ptr(now())
	return generated.CancelExecution200JSONResponse(e.response()), nil
}

// RetryFailedItems runs a finished execution's failed items again: they
// become pending with one more attempt and no error, and the execution is
// running again. A running execution, or one without failed items, is a 409.
func (h *handlers) RetryFailedItems(_ context.Context, req generated.RetryFailedItemsRequestObject) (generated.RetryFailedItemsResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, err := h.execution(req.ExecutionId)
	if err != nil {
		return nil, err
	}
	if !terminal(e.status) {
		return nil, conflict("batch execution %q is still %s", e.id, e.status)
	}
	retried := 0
	for i := range e.items {
		it := &e.items[i]
		if it.Status != itemFailed {
			continue
		}
		attempts, ok := get(it.Attempts)
		if !ok {
			attempts = 1
		}
		it.Status, it.Error, it.Attempts = itemPending, nullable.Nullable[string]{}, nullable.NewNullableWithValue(attempts+1)
		retried++
	}
	if retried == 0 {
		return nil, conflict("batch execution %q has no failed items", e.id)
	}
	if e.failed != nil {
		e.failed = ptr(max(*e.failed-retried, 0))
	}
	e.status, e.end, e.errMsg = execRunning, nil, nil
	return generated.RetryFailedItems200JSONResponse(e.response()), nil
}

// GetBatchRealtimeProgress reports an execution's progress as JSON:
// {"execution_id", "status", "total_items", "completed_items", "percent",
// "items_by_status": {status: count}, "start_time", "end_time"}.
func (h *handlers) GetBatchRealtimeProgress(_ context.Context, req generated.GetBatchRealtimeProgressRequestObject) (generated.GetBatchRealtimeProgressResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, err := h.execution(req.ExecutionId)
	if err != nil {
		return nil, err
	}
	byStatus := map[string]int{}
	for _, it := range e.items {
		byStatus[it.Status]++
	}
	total := len(e.items)
	if e.total != nil {
		total = *e.total
	}
	done := 0
	for _, v := range []*int{e.succeeded, e.failed} {
		if v != nil {
			done += *v
		}
	}
	percent := 100.0
	if total > 0 {
		percent = min(100, float64(done)*100/float64(total))
	}
	out := map[string]any{"execution_id": e.id, "status": e.status, "total_items": total,
		"completed_items": done, "percent": percent, "items_by_status": byStatus,
		"start_time": e.start, "end_time": e.end}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return rawProgress(b), nil
}

// rawProgress writes its JSON as is (see rawDocumentResult).
type rawProgress []byte

func (r rawProgress) VisitGetBatchRealtimeProgressResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(r)
	return err
}
