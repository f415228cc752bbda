package meibeltest

import (
	"context"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

func TestExecutionPolicies(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()

	hidden := client.ExecutionPolicy{Datasources: client.Value(map[string]client.DatasourceView{
		"ds_1": {Disabled: client.Value(true)}})}
	p, err := c.ExecutionPolicies.CreateExecutionPolicy(ctx, client.CreateExecutionPolicyRequest{
		Name: "no-ds1", Description: client.Value("Hides ds_1"), ExecutionPolicy: hidden})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "no-ds1" || p.CustomerId == "" || p.ProjectId == "" || !p.CreatedAt.Equal(p.UpdatedAt) {
		t.Fatalf("created %+v", p)
	}
	if d, _ := client.ValueOf(p.Description); d != "Hides ds_1" {
		t.Fatalf("description %v", p.Description)
	}
	_, err = c.ExecutionPolicies.CreateExecutionPolicy(ctx, client.CreateExecutionPolicyRequest{Name: "no-ds1"})
	wantStatus(t, err, 409)
	if _, err := c.ExecutionPolicies.CreateExecutionPolicy(ctx, client.CreateExecutionPolicyRequest{Name: "open"}); err != nil {
		t.Fatal(err)
	}

	got, err := c.ExecutionPolicies.GetExecutionPolicy(ctx, p.Id)
	if err != nil {
		t.Fatal(err)
	}
	if views, _ := client.ValueOf(got.ExecutionPolicy.Datasources); len(views) != 1 {
		t.Fatalf("get %+v", got)
	}

	list, err := c.ExecutionPolicies.ListExecutionPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Data) != 2 || list.Pagination.Total != 2 || list.Data[0].Id != p.Id || list.Data[1].Name != "open" {
		t.Fatalf("list %+v", list)
	}

	// Absent fields stay; a value changes.
	up, err := c.ExecutionPolicies.UpdateExecutionPolicy(ctx, p.Id, client.UpdateExecutionPolicyRequest{Name: client.Value("no-ds1-v2")})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := client.ValueOf(up.Description); up.Name != "no-ds1-v2" || d != "Hides ds_1" || !up.ExecutionPolicy.Datasources.IsSpecified() || up.UpdatedAt.Before(up.CreatedAt) {
		t.Fatalf("update name %+v", up)
	}
	// Null clears the description and resets the policy.
	up, err = c.ExecutionPolicies.UpdateExecutionPolicy(ctx, p.Id, client.UpdateExecutionPolicyRequest{
		Description: client.Null[string](), ExecutionPolicy: client.Null[client.ExecutionPolicy]()})
	if err != nil {
		t.Fatal(err)
	}
	if !up.Description.IsNull() || up.ExecutionPolicy.Datasources.IsSpecified() || up.Name != "no-ds1-v2" {
		t.Fatalf("update null %+v", up)
	}
	_, err = c.ExecutionPolicies.UpdateExecutionPolicy(ctx, p.Id, client.UpdateExecutionPolicyRequest{Name: client.Value("open")})
	wantStatus(t, err, 409)

	// 422s: a null or blank name, a wrongly typed body.
	expect(t, do(t, ts, "PUT", "/execution-policies/"+p.Id, map[string]any{"name": nil}), 422)
	expect(t, do(t, ts, "POST", "/execution-policies", map[string]any{"name": " ", "execution_policy": map[string]any{}}), 422)
	expect(t, do(t, ts, "POST", "/execution-policies", map[string]any{"name": "x"}), 422)
	expect(t, do(t, ts, "POST", "/execution-policies", map[string]any{"name": "x", "execution_policy": map[string]any{"tools": "all"}}), 422)

	if err := c.ExecutionPolicies.DeleteExecutionPolicy(ctx, p.Id); err != nil {
		t.Fatal(err)
	}
	_, err = c.ExecutionPolicies.GetExecutionPolicy(ctx, p.Id)
	wantStatus(t, err, 404)
	wantStatus(t, c.ExecutionPolicies.DeleteExecutionPolicy(ctx, p.Id), 404)
	_, err = c.ExecutionPolicies.UpdateExecutionPolicy(ctx, "pol_missing", client.UpdateExecutionPolicyRequest{})
	wantStatus(t, err, 404)
	if list, err = c.ExecutionPolicies.ListExecutionPolicies(ctx); err != nil || list.Pagination.Total != 1 {
		t.Fatalf("list after delete %+v %v", list, err)
	}
}
