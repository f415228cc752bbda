package meibeltest

import (
	"context"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// Defaults the service fills in when a batch definition leaves them out.
const (
	defaultConcurrency = 10
	defaultRetryLimit  = 2
	batchCreatedBy     = "meibeltest"
	batchURNPrefix     = "urn:meibel:batch:"
)

// batchDef is a batch definition with its versions, oldest first; the last
// is the current one. Its catalog URN is fixed at creation from the name.
type batchDef struct {
	id, urn  string
	seq      int
	versions []*batchVersion
}

type batchVersion struct {
	version   int
	createdAt time.Time
	spec      batchSpec
}

// batchSpec is the editable part of a batch definition.
type batchSpec struct {
	name, agentID, agentURN, inputDS string
	agentSpec                        map[string]any
	filters                          nullable.Nullable[generated.BatchDefinitionFilters]
	output, userMessage, cron, desc  *string
	concurrency, retryLimit          int
	policy                           nullable.Nullable[generated.ExecutionPolicy]
	policyIDs                        nullable.Nullable[[]string]
}

func (b *batchDef) current() *batchVersion { return b.versions[len(b.versions)-1] }

func (s *store) batch(id string) (*batchDef, error) {
	b, ok := s.batches[id]
	if !ok {
		return nil, notFound("batch definition %q not found", id)
	}
	return b, nil
}

// batchByURN finds a definition version by catalog URN: the URN itself
// names the current version, URN:<n> version n.
func (s *store) batchByURN(urn string) (*batchDef, *batchVersion) {
	for _, b := range s.batches {
		if urn == b.urn {
			return b, b.current()
		}
		if v, ok := strings.CutPrefix(urn, b.urn+":"); ok {
			n, err := strconv.Atoi(v)
			if err == nil && n >= 1 && n <= len(b.versions) {
				return b, b.versions[n-1]
			}
		}
	}
	return nil, nil
}

// present keeps a nullable's value and turns null into absent (how the
// server reports a cleared optional field).
func present[T any](n nullable.Nullable[T]) nullable.Nullable[T] {
	if n.IsNull() {
		return nullable.Nullable[T]{}
	}
	return n
}

// optional returns the string of a nullable set to a value, else nil.
func optional(n nullable.Nullable[string]) *string {
	if v, ok := get(n); ok {
		return &v
	}
	return nil
}

// jsonObject turns a generated value into a decoded JSON object.
func jsonObject(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{}
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil || m == nil {
		return map[string]any{}
	}
	return m
}

func (b *batchDef) response(v *batchVersion) generated.BatchDefinitionResponse {
	s := v.spec
	r := generated.BatchDefinitionResponse{
		Id: b.id, CustomerId: customerID, ProjectId: projectID, Name: s.name, Version: strconv.Itoa(v.version),
		ParentVersion: nullable.NewNullNullable[string](), CatalogUrn: b.urn, AgentUrn: s.agentURN,
		AgentSpecJson: cloneJSON(s.agentSpec), InputDatasourceId: s.inputDS, OutputDatasourceId: orNull(s.output),
		UserMessage: orNull(s.userMessage), Concurrency: s.concurrency, RetryLimit: s.retryLimit,
		RecurrenceCron: orNull(s.cron), Description: orNull(s.desc), ExecutionPolicy: s.policy,
		ExecutionPolicyIds: s.policyIDs, CreatedAt: v.createdAt, CreatedBy: batchCreatedBy,
	}
	if v.version > 1 {
		r.ParentVersion = nullable.NewNullableWithValue(strconv.Itoa(v.version - 1))
	}
	if f, ok := get(s.filters); ok {
		r.Filters = nullable.NewNullableWithValue(jsonObject(f))
	}
	return r
}

// setAgent points the spec at an agent, snapshotting its current version.
func (h *handlers) setAgent(s *batchSpec, agentID string) error {
	a, ok := h.agents[agentID]
	if !ok {
		return notFound("agent %q not found", agentID)
	}
	s.agentID, s.agentURN, s.agentSpec = a.id, a.urn(), jsonObject(h.agentDetail(a))
	return nil
}

// checkBatchSpec validates references and values of a spec about to be stored.
func (h *handlers) checkBatchSpec(s batchSpec) error {
	if strings.TrimSpace(s.name) == "" {
		return invalid("String should have at least 1 character", "body", "name")
	}
	if _, err := h.datasource(s.inputDS); err != nil {
		return err
	}
	if s.output != nil {
		if _, err := h.datasource(*s.output); err != nil {
			return err
		}
	}
	if s.concurrency < 1 || s.concurrency > 999 {
		return invalid("Input should be between 1 and 999", "body", "concurrency")
	}
	if s.retryLimit < 0 || s.retryLimit > 999 {
		return invalid("Input should be between 0 and 999", "body", "retry_limit")
	}
	if s.cron != nil && len(strings.Fields(*s.cron)) != 5 {
		return invalid("a cron expression has five fields (minute hour day month weekday)", "body", "recurrence_cron")
	}
	if f, ok := get(s.filters); ok {
		if re, ok := get(f.Regex); ok {
			if _, err := regexp.Compile(re); err != nil {
				return invalid("invalid regular expression: "+err.Error(), "body", "filters", "regex")
			}
		}
	}
	for _, id := range s.policyIDs.GetOrEmpty() {
		if _, err := h.policy(id); err != nil {
			return err
		}
	}
	return nil
}

// CreateBatch creates version "1" of a batch definition (201). The agent,
// the datasources and the execution policies it names must exist (404); its
// catalog URN is urn:meibel:batch:<slug of the name>, unique (409).
func (h *handlers) CreateBatch(_ context.Context, req generated.CreateBatchRequestObject) (generated.CreateBatchResponseObject, error) {
	b := req.Body
	s := batchSpec{
		name: b.Name, inputDS: b.InputDatasourceId, filters: present(b.Filters),
		output: optional(b.OutputDatasourceId), userMessage: optional(b.UserMessage),
		cron: optional(b.RecurrenceCron), desc: optional(b.Description),
		concurrency: defaultConcurrency, retryLimit: defaultRetryLimit,
		policy: present(b.ExecutionPolicy), policyIDs: present(b.ExecutionPolicyIds),
	}
	if v, ok := get(b.Concurrency); ok {
		s.concurrency = v
	}
	if v, ok := get(b.RetryLimit); ok {
		s.retryLimit = v
	}
	urn := batchURNPrefix + slug(b.Name)
	if slug(b.Name) == "" {
		return nil, invalid("a batch definition needs a name with letters or digits", "body", "name")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.setAgent(&s, b.AgentId); err != nil {
		return nil, err
	}
	if err := h.checkBatchSpec(s); err != nil {
		return nil, err
	}
	if d, _ := h.batchByURN(urn); d != nil {
		return nil, conflict("a batch definition with catalog URN %q already exists", urn)
	}
	seq, id := h.next("bdef")
	d := &batchDef{id: id, urn: urn, seq: seq, versions: []*batchVersion{{version: 1, createdAt: now(), spec: s}}}
	h.batches[id] = d
	return generated.CreateBatch201JSONResponse{Id: id, CatalogUrn: urn, Name: s.name, Version: "1"}, nil
}

// GetBatchById returns the current version of a batch definition.
func (h *handlers) GetBatchById(_ context.Context, req generated.GetBatchByIdRequestObject) (generated.GetBatchByIdResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.batch(req.DefinitionId)
	if err != nil {
		return nil, err
	}
	return generated.GetBatchById200JSONResponse(d.response(d.current())), nil
}

// GetBatchByCatalogUrn returns the current version of the definition with
// this catalog URN, or version n for "<catalog URN>:<n>".
func (h *handlers) GetBatchByCatalogUrn(_ context.Context, req generated.GetBatchByCatalogUrnRequestObject) (generated.GetBatchByCatalogUrnResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, v := h.batchByURN(req.Params.CatalogUrn)
	if d == nil {
		return nil, notFound("batch definition %q not found", req.Params.CatalogUrn)
	}
	return generated.GetBatchByCatalogUrn200JSONResponse(d.response(v)), nil
}

// ListBatches lists the current version of every definition, oldest first,
// with offset/limit (limit 100 by default).
func (h *handlers) ListBatches(_ context.Context, req generated.ListBatchesRequestObject) (generated.ListBatchesResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := slices.SortedFunc(maps.Values(h.batches), func(x, y *batchDef) int { return x.seq - y.seq })
	w, err := window(len(list), req.Params.Offset, req.Params.Limit, 100)
	if err != nil {
		return nil, err
	}
	data := make([]generated.BatchDefinitionResponse, 0, w.hi-w.lo)
	for _, d := range list[w.lo:w.hi] {
		data = append(data, d.response(d.current()))
	}
	return generated.ListBatches200JSONResponse{Data: data, Pagination: generated.PaginationMeta{
		Total: len(list), Offset: w.lo, Limit: nullable.NewNullableWithValue(w.limit)}}, nil
}

// ListBatchVersions lists a definition's versions newest first with
// offset/limit (no limit means all).
func (h *handlers) ListBatchVersions(_ context.Context, req generated.ListBatchVersionsRequestObject) (generated.ListBatchVersionsResponseObject, error) {
	p := req.Params
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.batch(req.DefinitionId)
	if err != nil {
		return nil, err
	}
	w, err := window(len(d.versions), p.Offset, p.Limit, -1)
	if err != nil {
		return nil, err
	}
	data := make([]generated.BatchDefinitionResponse, 0, w.hi-w.lo)
	for i := w.lo; i < w.hi; i++ {
		data = append(data, d.response(d.versions[len(d.versions)-1-i]))
	}
	limit := nullable.NewNullNullable[int]()
	if p.Limit != nil {
		limit = nullable.NewNullableWithValue(w.limit)
	}
	return generated.ListBatchVersions200JSONResponse{Data: data,
		Pagination: generated.PaginationMeta{Total: len(d.versions), Offset: w.lo, Limit: limit}}, nil
}

// UpdateBatchById makes a new version from the current one with the fields
// present in the body. Absent fields are unchanged; null clears the
// optional ones (filters, output datasource, user message, cron,
// description, execution policies), resets concurrency and retry_limit to
// their defaults (10, 2), and is a 422 for name, agent_id and
// input_datasource_id. A new agent_id snapshots that agent; the catalog
// URN never changes.
func (h *handlers) UpdateBatchById(_ context.Context, req generated.UpdateBatchByIdRequestObject) (generated.UpdateBatchByIdResponseObject, error) {
	b := req.Body
	for field, null := range map[string]bool{"name": b.Name.IsNull(), "agent_id": b.AgentId.IsNull(), "input_datasource_id": b.InputDatasourceId.IsNull()} {
		if null {
			return nil, invalid("Input should be a valid string", "body", field)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.batch(req.DefinitionId)
	if err != nil {
		return nil, err
	}
	s := d.current().spec
	if v, ok := get(b.Name); ok {
		s.name = v
	}
	if v, ok := get(b.InputDatasourceId); ok {
		s.inputDS = v
	}
	if v, ok := get(b.AgentId); ok {
		if err := h.setAgent(&s, v); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		n   nullable.Nullable[string]
		dst **string
	}{{b.OutputDatasourceId, &s.output}, {b.UserMessage, &s.userMessage}, {b.RecurrenceCron, &s.cron}, {b.Description, &s.desc}} {
		if f.n.IsSpecified() {
			*f.dst = optional(f.n)
		}
	}
	if b.Filters.IsSpecified() {
		s.filters = present(b.Filters)
	}
	if b.ExecutionPolicy.IsSpecified() {
		s.policy = present(b.ExecutionPolicy)
	}
	if b.ExecutionPolicyIds.IsSpecified() {
		s.policyIDs = present(b.ExecutionPolicyIds)
	}
	if b.Concurrency.IsSpecified() {
		s.concurrency = defaultConcurrency
		if v, ok := get(b.Concurrency); ok {
			s.concurrency = v
		}
	}
	if b.RetryLimit.IsSpecified() {
		s.retryLimit = defaultRetryLimit
		if v, ok := get(b.RetryLimit); ok {
			s.retryLimit = v
		}
	}
	if err := h.checkBatchSpec(s); err != nil {
		return nil, err
	}
	v := &batchVersion{version: len(d.versions) + 1, createdAt: now(), spec: s}
	d.versions = append(d.versions, v)
	return generated.UpdateBatchById200JSONResponse{Id: d.id, CatalogUrn: d.urn, Version: strconv.Itoa(v.version)}, nil
}

// DeleteBatchById removes a definition and its versions (204); its
// executions stay readable.
func (h *handlers) DeleteBatchById(_ context.Context, req generated.DeleteBatchByIdRequestObject) (generated.DeleteBatchByIdResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.batch(req.DefinitionId); err != nil {
		return nil, err
	}
	delete(h.batches, req.DefinitionId)
	return generated.DeleteBatchById204Response{}, nil
}

// ExecuteBatch starts an execution of the definition's current version over
// the input datasource's data elements that pass its filters (see
// executions.go).
func (h *handlers) ExecuteBatch(_ context.Context, req generated.ExecuteBatchRequestObject) (generated.ExecuteBatchResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.batch(req.DefinitionId)
	if err != nil {
		return nil, err
	}
	v := d.current()
	s := v.spec
	spec := map[string]any{
		"name": s.name, "version": strconv.Itoa(v.version), "agent": s.agentURN,
		"input":     map[string]any{"datasource_id": s.inputDS},
		"execution": map[string]any{"concurrency": s.concurrency, "retry_limit": s.retryLimit},
	}
	if f, ok := get(s.filters); ok {
		spec["input"].(map[string]any)["filters"] = jsonObject(f)
	}
	if s.output != nil {
		spec["output"] = map[string]any{"datasource_id": *s.output}
	}
	if s.userMessage != nil {
		spec["user_message"] = *s.userMessage
	}
	e, err := h.startExecution(d.id, s.agentURN, s.agentSpec, spec, s.inputDS, s.output, s.filters.GetOrEmpty())
	if err != nil {
		return nil, err
	}
	return generated.ExecuteBatch200JSONResponse{ExecutionId: e.id, WorkflowId: e.workflowID()}, nil
}
