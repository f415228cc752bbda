package meibeltest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

// batchFixture creates an agent, an input datasource with n seeded data
// elements and an output datasource.
func batchFixture(t *testing.T, s *Server, c *client.Client, n int) (agentID, input, output string) {
	t.Helper()
	ctx := context.Background()
	a, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: "Summarizer", Instructions: "Summarize."})
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "inbox"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "summaries"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedDataElements(in.Id, n); err != nil {
		t.Fatal(err)
	}
	return a.Id, in.Id, out.Id
}

func TestBatchDefinitions(t *testing.T) {
	s, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	agentID, input, output := batchFixture(t, s, c, 8)
	pol, err := c.ExecutionPolicies.CreateExecutionPolicy(ctx, client.CreateExecutionPolicyRequest{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}

	req := client.CreateBatchDefinitionRequest{
		Name: "Nightly PDFs", AgentId: agentID, InputDatasourceId: input,
		OutputDatasourceId: client.Value(output), Description: client.Value("PDF summaries"),
		Filters:        client.Value(client.BatchDefinitionFilters{MediaTypes: client.Value([]string{"application/pdf"})}),
		RecurrenceCron: client.Value("0 2 * * *"), ExecutionPolicyIds: client.Value([]string{pol.Id}),
	}
	created, err := c.BatchDefinitions.CreateBatch(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if created.CatalogUrn != "urn:meibel:batch:nightly-pdfs" || created.Version != "1" || created.Name != "Nightly PDFs" {
		t.Fatalf("created %+v", created)
	}
	id := created.Id
	_, err = c.BatchDefinitions.CreateBatch(ctx, req)
	wantStatus(t, err, 409)
	for _, bad := range []func(r *client.CreateBatchDefinitionRequest){
		func(r *client.CreateBatchDefinitionRequest) { r.AgentId = "agt_missing" },
		func(r *client.CreateBatchDefinitionRequest) { r.InputDatasourceId = "ds_missing" },
		func(r *client.CreateBatchDefinitionRequest) { r.OutputDatasourceId = client.Value("ds_missing") },
		func(r *client.CreateBatchDefinitionRequest) {
			r.ExecutionPolicyIds = client.Value([]string{"pol_missing"})
		},
	} {
		r := req
		r.Name = "other"
		bad(&r)
		_, err = c.BatchDefinitions.CreateBatch(ctx, r)
		wantStatus(t, err, 404)
	}
	for _, body := range []map[string]any{
		{"name": "x", "agent_id": agentID},
		{"name": "x", "agent_id": agentID, "input_datasource_id": input, "concurrency": 0},
		{"name": "x", "agent_id": agentID, "input_datasource_id": input, "retry_limit": 1000},
		{"name": "x", "agent_id": agentID, "input_datasource_id": input, "filters": map[string]any{"regex": "("}},
		{"name": "x", "agent_id": agentID, "input_datasource_id": input, "recurrence_cron": "daily"},
		{"name": "!!", "agent_id": agentID, "input_datasource_id": input},
	} {
		expect(t, do(t, ts, "POST", "/batch-definitions", body), 422)
	}

	r := do(t, ts, "GET", "/batch-definitions/id/"+id, nil)
	expect(t, r, 200)
	if !strings.Contains(string(r.raw), `"parent_version":null`) {
		t.Fatalf("parent_version must be null: %s", r.raw)
	}
	got, err := c.BatchDefinitions.GetBatchById(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Concurrency != 10 || got.RetryLimit != 2 || got.AgentUrn != "urn:meibel:agent:summarizer" ||
		got.AgentSpecJson["name"] != "summarizer" || got.CreatedBy == "" || got.CustomerId == "" {
		t.Fatalf("get %+v", got)
	}
	if f, _ := client.ValueOf(got.Filters); fmt.Sprint(f["media_types"]) != "[application/pdf]" {
		t.Fatalf("filters %v", got.Filters)
	}

	// An update makes version 2; absent fields stay.
	up, err := c.BatchDefinitions.UpdateBatchById(ctx, id, client.UpdateBatchDefinitionRequest{
		Concurrency: client.Value(5), Name: client.Value("Nightly PDF run")})
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != "2" || up.CatalogUrn != created.CatalogUrn {
		t.Fatalf("update %+v", up)
	}
	got, _ = c.BatchDefinitions.GetBatchById(ctx, id)
	if pv, _ := client.ValueOf(got.ParentVersion); pv != "1" || got.Concurrency != 5 || got.Name != "Nightly PDF run" ||
		!got.Description.IsSpecified() || !got.Filters.IsSpecified() || !got.RecurrenceCron.IsSpecified() {
		t.Fatalf("after value update %+v", got)
	}
	// Null clears optional fields and resets defaulted ones: version 3.
	if _, err := c.BatchDefinitions.UpdateBatchById(ctx, id, client.UpdateBatchDefinitionRequest{
		Description: client.Null[string](), Filters: client.Null[client.BatchDefinitionFilters](),
		Concurrency: client.Null[int](), ExecutionPolicyIds: client.Null[[]string](), RecurrenceCron: client.Null[string]()}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.BatchDefinitions.GetBatchById(ctx, id)
	if got.Version != "3" || !got.Description.IsNull() || got.Filters.IsSpecified() || got.Concurrency != 10 ||
		got.ExecutionPolicyIds.IsSpecified() || !got.RecurrenceCron.IsNull() || !got.OutputDatasourceId.IsSpecified() {
		t.Fatalf("after null update %+v", got)
	}
	for _, body := range []map[string]any{{"name": nil}, {"agent_id": nil}, {"input_datasource_id": nil}, {"concurrency": 0}, {"concurrency": "ten"}} {
		expect(t, do(t, ts, "PUT", "/batch-definitions/id/"+id, body), 422)
	}
	expect(t, do(t, ts, "PUT", "/batch-definitions/id/"+id, map[string]any{"agent_id": "agt_missing"}), 404)

	// By catalog URN: the current version, or a numbered one.
	byURN, err := c.BatchDefinitions.GetBatchByCatalogUrn(ctx, &client.GetBatchByCatalogUrnParams{CatalogUrn: created.CatalogUrn})
	if err != nil || byURN.Id != id || byURN.Version != "3" {
		t.Fatalf("by urn %+v %v", byURN, err)
	}
	byURN, err = c.BatchDefinitions.GetBatchByCatalogUrn(ctx, &client.GetBatchByCatalogUrnParams{CatalogUrn: created.CatalogUrn + ":1"})
	if err != nil || byURN.Version != "1" || byURN.Name != "Nightly PDFs" {
		t.Fatalf("by urn:1 %+v %v", byURN, err)
	}
	_, err = c.BatchDefinitions.GetBatchByCatalogUrn(ctx, &client.GetBatchByCatalogUrnParams{CatalogUrn: "urn:meibel:batch:nope"})
	wantStatus(t, err, 404)
	expect(t, do(t, ts, "GET", "/batch-definitions/catalog-urn?catalog_urn="+url.QueryEscape(created.CatalogUrn+":4"), nil), 404)

	// Versions, newest first, paged.
	versions, err := c.BatchDefinitions.ListBatchVersions(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if versions.Pagination.Total != 3 || len(versions.Data) != 3 || versions.Data[0].Version != "3" || versions.Data[2].Version != "1" || !versions.Pagination.Limit.IsNull() {
		t.Fatalf("versions %+v", versions)
	}
	one := 1
	versions, err = c.BatchDefinitions.ListBatchVersions(ctx, id, &client.ListBatchVersionsParams{Offset: &one, Limit: &one})
	if err != nil || len(versions.Data) != 1 || versions.Data[0].Version != "2" || versions.Pagination.Offset != 1 {
		t.Fatalf("versions page %+v %v", versions, err)
	}

	// Listing pages over the current versions, oldest first.
	for i := range 4 {
		if _, err := c.BatchDefinitions.CreateBatch(ctx, client.CreateBatchDefinitionRequest{Name: fmt.Sprintf("batch %d", i), AgentId: agentID, InputDatasourceId: input}); err != nil {
			t.Fatal(err)
		}
	}
	two := 2
	list, err := c.BatchDefinitions.ListBatches(ctx, &client.ListBatchesParams{Offset: &one, Limit: &two})
	if err != nil {
		t.Fatal(err)
	}
	if list.Pagination.Total != 5 || len(list.Data) != 2 || list.Data[0].Name != "batch 0" || list.Data[1].Name != "batch 1" {
		t.Fatalf("list page %+v", list)
	}
	if l, ok := client.ValueOf(list.Pagination.Limit); !ok || l != 2 {
		t.Fatalf("pagination %+v", list.Pagination)
	}
	var names []string
	for b, err := range c.BatchDefinitions.ListBatchesIter(ctx, &client.ListBatchesParams{Limit: &two}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, b.Name)
	}
	if len(names) != 5 || names[0] != "Nightly PDF run" || names[4] != "batch 3" {
		t.Fatalf("iterated %v", names)
	}
	expect(t, do(t, ts, "GET", "/batch-definitions?limit=0", nil), 422)

	// Executing runs the current version over the filtered elements.
	if _, err := c.BatchDefinitions.UpdateBatchById(ctx, id, client.UpdateBatchDefinitionRequest{
		Filters: client.Value(client.BatchDefinitionFilters{Regex: client.Value(`\.pdf$`)})}); err != nil {
		t.Fatal(err)
	}
	ex, err := c.BatchDefinitions.ExecuteBatch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if ex.ExecutionId == "" || ex.WorkflowId == "" {
		t.Fatalf("execute %+v", ex)
	}
	run, err := c.BatchExecutions.GetExecutionById(ctx, ex.ExecutionId)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := client.ValueOf(run.Items)
	if run.BatchDefinitionId != id || run.Status != "running" || len(items) != 2 || items[0].Filename != "doc-00002.pdf" || items[0].Status != "pending" {
		t.Fatalf("execution %+v", run)
	}
	if spec, _ := client.ValueOf(run.BatchSpecJson); spec["version"] != "4" || spec["name"] != "Nightly PDF run" {
		t.Fatalf("batch_spec_json %v", run.BatchSpecJson)
	}

	// Delete: the definition goes, its executions stay.
	if err := c.BatchDefinitions.DeleteBatchById(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = c.BatchDefinitions.GetBatchById(ctx, id)
	wantStatus(t, err, 404)
	wantStatus(t, c.BatchDefinitions.DeleteBatchById(ctx, id), 404)
	_, err = c.BatchDefinitions.ExecuteBatch(ctx, id)
	wantStatus(t, err, 404)
	_, err = c.BatchDefinitions.ListBatchVersions(ctx, id, nil)
	wantStatus(t, err, 404)
	_, err = c.BatchDefinitions.UpdateBatchById(ctx, id, client.UpdateBatchDefinitionRequest{})
	wantStatus(t, err, 404)
	if _, err := c.BatchExecutions.GetExecutionById(ctx, ex.ExecutionId); err != nil {
		t.Fatal(err)
	}
	// The catalog URN is free again.
	if _, err := c.BatchDefinitions.CreateBatch(ctx, req); err != nil {
		t.Fatal(err)
	}
}
