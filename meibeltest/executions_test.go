package meibeltest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

func TestBatchExecutions(t *testing.T) {
	s, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	_, input, output := batchFixture(t, s, c, 8)

	spec := client.LegacyBatchSpecJson{Name: "legacy", Agent: "summarizer", Input: client.LegacyBatchInputConfig{
		DatasourceId: input, Filters: client.Value(client.LegacyBatchInputFilters{Regex: client.Value(`\.(txt|pdf)$`)})}}
	e, err := c.BatchExecutions.CreateExecution(ctx, client.CreateBatchExecutionRequest{BatchSpecJson: spec})
	if err != nil {
		t.Fatal(err)
	}
	items, _ := client.ValueOf(e.Items)
	total, _ := client.ValueOf(e.TotalItems)
	if e.Status != "running" || len(items) != 4 || total != 4 || !e.EndTime.IsNull() || e.BatchDefinitionId != "" {
		t.Fatalf("created %+v", e)
	}
	if urn, _ := client.ValueOf(e.AgentUrn); urn != "urn:meibel:agent:summarizer" {
		t.Fatalf("agent_urn %v", e.AgentUrn)
	}
	bad := spec
	bad.Agent = "nobody"
	_, err = c.BatchExecutions.CreateExecution(ctx, client.CreateBatchExecutionRequest{BatchSpecJson: bad})
	wantStatus(t, err, 404)
	bad = spec
	bad.Input.DatasourceId = "ds_missing"
	_, err = c.BatchExecutions.CreateExecution(ctx, client.CreateBatchExecutionRequest{BatchSpecJson: bad})
	wantStatus(t, err, 404)
	expect(t, do(t, ts, "POST", "/batch-executions", map[string]any{"batch_spec_json": map[string]any{"name": "x", "agent": "summarizer"}}), 422)
	expect(t, do(t, ts, "POST", "/batch-executions", map[string]any{"batch_spec_json": map[string]any{
		"name": "x", "agent": "summarizer", "input": map[string]any{"datasource_id": input, "filters": map[string]any{"regex": "["}}}}), 422)

	// A worker reports items: counts follow, a terminal status ends it.
	report := func(status string) map[string]any {
		out := map[string]any{"status": status, "items": []any{}}
		for i, it := range items {
			st := "succeeded"
			if i == 3 {
				st = "failed"
			}
			out["items"] = append(out["items"].([]any), map[string]any{"input_data_element_id": it.InputDataElementId,
				"filename": it.Filename, "status": st, "attempts": 1})
		}
		out["items"] = append(out["items"].([]any), nil)
		return out
	}
	r := do(t, ts, "PUT", "/batch-executions/id/"+e.Id, report("completed"))
	expect(t, r, 200)
	e, _ = c.BatchExecutions.GetExecutionById(ctx, e.Id)
	if ok, _ := client.ValueOf(e.Succeeded); ok != 3 {
		t.Fatalf("succeeded %v", e.Succeeded)
	}
	if failed, _ := client.ValueOf(e.Failed); failed != 1 || e.Status != "completed" || !e.EndTime.IsSpecified() {
		t.Fatalf("after report %+v", e)
	}

	var progress struct {
		ExecutionID   string         `json:"execution_id"`
		Status        string         `json:"status"`
		Total         int            `json:"total_items"`
		Completed     int            `json:"completed_items"`
		Percent       float64        `json:"percent"`
		ItemsByStatus map[string]int `json:"items_by_status"`
		EndTime       *string        `json:"end_time"`
	}
	raw, err := c.BatchExecutions.GetBatchRealtimeProgress(ctx, e.Id)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &progress); err != nil {
		t.Fatalf("progress %s: %v", raw, err)
	}
	if progress.ExecutionID != e.Id || progress.Percent != 100 || progress.Completed != 4 || progress.ItemsByStatus["failed"] != 1 || progress.EndTime == nil {
		t.Fatalf("progress %s", raw)
	}

	// Retry the failed item: running again, one more attempt.
	e, err = c.BatchExecutions.RetryFailedItems(ctx, e.Id)
	if err != nil {
		t.Fatal(err)
	}
	items, _ = client.ValueOf(e.Items)
	if n, _ := client.ValueOf(items[3].Attempts); e.Status != "running" || !e.EndTime.IsNull() || items[3].Status != "pending" || n != 2 {
		t.Fatalf("after retry %+v", e)
	}
	if failed, _ := client.ValueOf(e.Failed); failed != 0 {
		t.Fatalf("failed after retry %v", e.Failed)
	}
	_, err = c.BatchExecutions.RetryFailedItems(ctx, e.Id)
	wantStatus(t, err, 409)
	expect(t, do(t, ts, "GET", "/batch-executions/id/"+e.Id+"/realtime-progress", nil), 200)

	// Cancel: pending items are canceled, the execution ends.
	e, err = c.BatchExecutions.CancelExecution(ctx, e.Id)
	if err != nil {
		t.Fatal(err)
	}
	items, _ = client.ValueOf(e.Items)
	if e.Status != "canceled" || !!e.EndTime.IsNull() || items[3].Status != "canceled" || items[0].Status != "succeeded" {
		t.Fatalf("after cancel %+v", e)
	}
	_, err = c.BatchExecutions.CancelExecution(ctx, e.Id)
	wantStatus(t, err, 409)
	_, err = c.BatchExecutions.RetryFailedItems(ctx, e.Id)
	wantStatus(t, err, 409)

	// Update: values, null clears, absent stays.
	up, err := c.BatchExecutions.UpdateExecutionById(ctx, e.Id, client.UpdateBatchExecutionRequest{
		Error: client.Value("agent timed out"), OutputDatasourceId: client.Value(output)})
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := client.ValueOf(up.Error); msg != "agent timed out" || up.Status != "canceled" || !up.Items.IsSpecified() {
		t.Fatalf("update values %+v", up)
	}
	up, err = c.BatchExecutions.UpdateExecutionById(ctx, e.Id, client.UpdateBatchExecutionRequest{
		Error: client.Null[string](), OutputDatasourceId: client.Null[string](), Items: client.Null[[]client.Nullable[map[string]any]](),
		EndTime: client.Null[time.Time]()})
	if err != nil {
		t.Fatal(err)
	}
	if !up.Error.IsNull() || !up.OutputDatasourceId.IsNull() || up.Items.IsSpecified() || !up.EndTime.IsNull() || !up.Succeeded.IsSpecified() {
		t.Fatalf("update nulls %+v", up)
	}
	for _, body := range []map[string]any{
		{"status": nil}, {"status": "bogus"}, {"total_items": -1}, {"items": []any{map[string]any{"filename": "x"}}},
		{"end_time": "yesterday"}, {"succeeded": "3"},
	} {
		expect(t, do(t, ts, "PUT", "/batch-executions/id/"+e.Id, body), 422)
	}

	// Listing filters by input datasource, sorts and pages.
	empty, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	spec.Input = client.LegacyBatchInputConfig{DatasourceId: empty.Id}
	other, err := c.BatchExecutions.CreateExecution(ctx, client.CreateBatchExecutionRequest{BatchSpecJson: spec})
	if err != nil {
		t.Fatal(err)
	}
	if other.Status != "completed" || !other.EndTime.IsSpecified() {
		t.Fatalf("empty execution %+v", other)
	}
	spec.Input = client.LegacyBatchInputConfig{DatasourceId: input}
	third, err := c.BatchExecutions.CreateExecution(ctx, client.CreateBatchExecutionRequest{BatchSpecJson: spec})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.BatchExecutions.ListExecutions(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if list.Pagination.Total != 3 || list.Data[0].Id != third.Id || list.Data[2].Id != e.Id {
		t.Fatalf("list (newest first) %+v", list)
	}
	list, err = c.BatchExecutions.ListExecutions(ctx, &client.ListExecutionsParams{InputDatasourceId: &input})
	if err != nil || list.Pagination.Total != 2 {
		t.Fatalf("list by datasource %+v %v", list, err)
	}
	one, byStatus, asc := 1, "status", "asc"
	list, err = c.BatchExecutions.ListExecutions(ctx, &client.ListExecutionsParams{SortBy: &byStatus, SortOrder: &asc, Offset: &one, Limit: &one})
	if err != nil || len(list.Data) != 1 || list.Data[0].Status != "completed" || list.Pagination.Total != 3 {
		t.Fatalf("list by status %+v %v", list, err)
	}
	var ids []string
	for x, err := range c.BatchExecutions.ListExecutionsIter(ctx, &client.ListExecutionsParams{Limit: &one}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, x.Id)
	}
	if len(ids) != 3 {
		t.Fatalf("iterated %v", ids)
	}
	expect(t, do(t, ts, "GET", "/batch-executions?sort_by=name", nil), 422)
	expect(t, do(t, ts, "GET", "/batch-executions?limit=0", nil), 422)

	// Unknown ids.
	_, err = c.BatchExecutions.GetExecutionById(ctx, "bexe_missing")
	wantStatus(t, err, 404)
	_, err = c.BatchExecutions.UpdateExecutionById(ctx, "bexe_missing", client.UpdateBatchExecutionRequest{})
	wantStatus(t, err, 404)
	_, err = c.BatchExecutions.CancelExecution(ctx, "bexe_missing")
	wantStatus(t, err, 404)
	_, err = c.BatchExecutions.RetryFailedItems(ctx, "bexe_missing")
	wantStatus(t, err, 404)
	_, err = c.BatchExecutions.GetBatchRealtimeProgress(ctx, "bexe_missing")
	wantStatus(t, err, 404)
}
