package meibeltest

import (
	"context"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

func TestTableDescriptions(t *testing.T) {
	s, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "warehouse"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedTables("ds_missing", nil); err == nil {
		t.Fatal("seeding an unknown datasource succeeded")
	}
	if err := s.SeedTables(ds.Id, map[string][]string{"": {"id"}}); err == nil {
		t.Fatal("seeding an empty table name succeeded")
	}
	if err := s.SeedTables(ds.Id, map[string][]string{
		"orders":    {"id:integer", "customer_id:integer", "total:numeric", "placed_at:timestamp"},
		"customers": {"id:integer", "email:text", "note"},
	}); err != nil {
		t.Fatal(err)
	}

	tables, err := c.TableDescriptions.ListTables(ctx, ds.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 2 || tables[0].TableName != "customers" || tables[1].TableName != "orders" || tables[0].Columns.IsSpecified() {
		t.Fatalf("tables %+v", tables)
	}
	tables, err = c.TableDescriptions.ListTables(ctx, ds.Id, &client.ListTablesParams{IncludeColumns: client.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := client.ValueOf(tables[1].Columns)
	if typ, _ := client.ValueOf(cols[2].Type); len(cols) != 4 || cols[2].ColumnName != "total" || typ != "numeric" {
		t.Fatalf("orders columns %+v", cols)
	}

	// Describe a table; the others are returned unchanged.
	tables, err = c.TableDescriptions.UpdateTableDescriptions(ctx, ds.Id, client.UpdateTagTablesRequest{
		Tables: []client.TagTableUpdateItem{{TableName: "orders", Description: "One row per order"}}})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := client.ValueOf(tables[1].Description); len(tables) != 2 || d != "One row per order" || !tables[0].Description.IsNull() {
		t.Fatalf("updated tables %+v", tables)
	}
	// An unknown table is a 404 and nothing changes.
	_, err = c.TableDescriptions.UpdateTableDescriptions(ctx, ds.Id, client.UpdateTagTablesRequest{
		Tables: []client.TagTableUpdateItem{{TableName: "customers", Description: "People"}, {TableName: "nope", Description: "x"}}})
	wantStatus(t, err, 404)

	// Columns.
	colsOut, err := c.TableDescriptions.UpdateColumnDescriptions(ctx, ds.Id, "orders", client.UpdateTagColumnsRequest{
		Columns: []client.TagColumnUpdateItem{{ColumnName: "total", Description: "Order total in EUR"}}})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := client.ValueOf(colsOut[2].Description); len(colsOut) != 4 || d != "Order total in EUR" || !colsOut[0].Description.IsNull() {
		t.Fatalf("updated columns %+v", colsOut)
	}
	_, err = c.TableDescriptions.UpdateColumnDescriptions(ctx, ds.Id, "orders", client.UpdateTagColumnsRequest{
		Columns: []client.TagColumnUpdateItem{{ColumnName: "id", Description: "Key"}, {ColumnName: "nope", Description: "x"}}})
	wantStatus(t, err, 404)
	colsOut, err = c.TableDescriptions.ListColumns(ctx, ds.Id, "orders")
	if err != nil || !colsOut[0].Description.IsNull() {
		t.Fatalf("columns after failed update %+v %v", colsOut, err)
	}

	// Exact JSON: unknown descriptions and types are null, as FastAPI writes them.
	r := do(t, ts, "GET", "/datasources/"+ds.Id+"/tables/customers/columns", nil)
	expect(t, r, 200)
	if strings.TrimSpace(string(r.raw)) != `[{"column_name":"id","description":null,"type":"integer"},{"column_name":"email","description":null,"type":"text"},{"column_name":"note","description":null,"type":null}]` {
		t.Fatalf("columns %s", r.raw)
	}
	r = do(t, ts, "GET", "/datasources/"+ds.Id+"/tables", nil)
	if strings.TrimSpace(string(r.raw)) != `[{"description":null,"table_name":"customers"},{"description":"One row per order","table_name":"orders"}]` {
		t.Fatalf("tables %s", r.raw)
	}
	// An empty description clears.
	expect(t, do(t, ts, "PUT", "/datasources/"+ds.Id+"/tables", map[string]any{"tables": []any{map[string]any{"table_name": "orders", "description": ""}}}), 200)

	// getDatasource's include_tables reports the same tables; updateDatasource
	// describes them too.
	if _, err := c.Datasources.UpdateDatasource(ctx, ds.Id, client.UpdateDatasourceRequest{Tables: client.Value([]client.TableDescriptionUpdate{{
		TableName: "customers", Description: client.Value("People who order"),
		Columns: client.Value([]client.TagColumnUpdateItem{{ColumnName: "email", Description: "Login"}})}})}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Datasources.GetDatasource(ctx, ds.Id, &client.GetDatasourceParams{IncludeTables: client.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	sums, _ := client.ValueOf(got.Tables)
	if d, _ := client.ValueOf(sums[0].Description); len(sums) != 2 || d != "People who order" || sums[0].ColumnCount != 3 || sums[1].ColumnCount != 4 || !sums[1].Description.IsNull() {
		t.Fatalf("include_tables %+v", sums)
	}
	if cols, _ := c.TableDescriptions.ListColumns(ctx, ds.Id, "customers"); len(cols) != 3 || !cols[1].Description.IsSpecified() {
		t.Fatalf("customers columns %+v", cols)
	}

	// 404s; 422 for a body that breaks the spec.
	_, err = c.TableDescriptions.ListColumns(ctx, ds.Id, "nope")
	wantStatus(t, err, 404)
	_, err = c.TableDescriptions.ListTables(ctx, "ds_missing", nil)
	wantStatus(t, err, 404)
	expect(t, do(t, ts, "PUT", "/datasources/"+ds.Id+"/tables", map[string]any{"tables": []any{map[string]any{"table_name": "orders"}}}), 422)
	expect(t, do(t, ts, "PUT", "/datasources/"+ds.Id+"/tables/orders/columns", map[string]any{}), 422)

	// A datasource without tables lists none.
	other, _ := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "files"})
	if got, err := c.TableDescriptions.ListTables(ctx, other.Id, nil); err != nil || len(got) != 0 {
		t.Fatalf("no tables %+v %v", got, err)
	}
}
