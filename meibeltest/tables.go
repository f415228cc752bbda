package meibeltest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// dsTable is a table of a database datasource, with the descriptions users
// give it and its columns. getDatasource's include_tables reports the same
// tables (name, description, column count).
type dsTable struct {
	name        string
	description *string
	columns     []*dsColumn // in the order of the table's definition
}

type dsColumn struct {
	name        string
	typ         *string
	description *string
}

// describe sets a description; an empty one clears it.
func describe(dst **string, d string) {
	*dst = nil
	if d != "" {
		*dst = &d
	}
}

func (d *datasource) table(name string) (*dsTable, error) {
	for _, t := range d.tables {
		if t.name == name {
			return t, nil
		}
	}
	return nil, notFound("table %q not found in datasource %q", name, d.id)
}

func (t *dsTable) column(name string) *dsColumn {
	for _, c := range t.columns {
		if c.name == name {
			return c
		}
	}
	return nil
}

// addColumn returns the column named name, adding it when unknown.
func (t *dsTable) addColumn(name string) *dsColumn {
	if c := t.column(name); c != nil {
		return c
	}
	c := &dsColumn{name: name}
	t.columns = append(t.columns, c)
	return c
}

// addTable returns the table named name, adding it when unknown.
func (d *datasource) addTable(name string) *dsTable {
	if t, err := d.table(name); err == nil {
		return t
	}
	t := &dsTable{name: name}
	d.tables = append(d.tables, t)
	return t
}

func (t *dsTable) summary() generated.TableSummaryResponse {
	return generated.TableSummaryResponse{Name: t.name, Description: orNull(t.description), ColumnCount: len(t.columns)}
}

func (c *dsColumn) tag() generated.TagColumn {
	return generated.TagColumn{ColumnName: c.name, Type: orNull(c.typ), Description: orNull(c.description)}
}

func (t *dsTable) tagColumns() []generated.TagColumn {
	out := make([]generated.TagColumn, 0, len(t.columns))
	for _, c := range t.columns {
		out = append(out, c.tag())
	}
	return out
}

func (t *dsTable) tag(withColumns bool) generated.TagTable {
	r := generated.TagTable{TableName: t.name, Description: orNull(t.description)}
	if withColumns {
		r.Columns = nullable.NewNullableWithValue(t.tagColumns())
	}
	return r
}

func (d *datasource) tagTables(withColumns bool) []generated.TagTable {
	out := make([]generated.TagTable, 0, len(d.tables))
	for _, t := range d.tables {
		out = append(out, t.tag(withColumns))
	}
	return out
}

// describeTables applies updateDatasource's tables: descriptions by table
// and column name, adding tables and columns it does not know yet (a null
// description clears one).
func (d *datasource) describeTables(updates []generated.TableDescriptionUpdate) {
	for _, u := range updates {
		t := d.addTable(u.TableName)
		if u.Description.IsSpecified() {
			v, _ := get(u.Description)
			describe(&t.description, v)
		}
		for _, c := range u.Columns.GetOrEmpty() {
			describe(&t.addColumn(c.ColumnName).description, c.Description)
		}
	}
}

// SeedTables gives an existing datasource database tables, as if its
// connector had introspected them: tables maps a table name to its columns,
// each "name" or "name:type" (for example "id:integer"). Tables are added in
// name order and columns in the order given; a table or column that already
// exists keeps its description (and a column its type unless one is given).
// It returns an error when the datasource does not exist or a name is empty.
// The tables are then listed by listTables, listColumns and getDatasource
// with include_tables.
func (s *Server) SeedTables(datasourceID string, tables map[string][]string) error {
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	d, err := st.datasource(datasourceID)
	if err != nil {
		return fmt.Errorf("meibeltest: SeedTables: %w", err)
	}
	names := make([]string, 0, len(tables))
	for name, cols := range tables {
		if name == "" {
			return fmt.Errorf("meibeltest: SeedTables: empty table name")
		}
		for _, c := range cols {
			if n, _, _ := strings.Cut(c, ":"); n == "" {
				return fmt.Errorf("meibeltest: SeedTables: table %q: empty column name in %q", name, c)
			}
		}
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t := d.addTable(name)
		for _, c := range tables[name] {
			n, typ, typed := strings.Cut(c, ":")
			col := t.addColumn(n)
			if typed && typ != "" {
				col.typ = &typ
			}
		}
	}
	d.updatedAt = now()
	return nil
}

// ListTables lists the datasource's tables in order, with their columns
// when include_columns (otherwise columns is absent).
func (h *handlers) ListTables(_ context.Context, req generated.ListTablesRequestObject) (generated.ListTablesResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.datasource(req.DatasourceId)
	if err != nil {
		return nil, err
	}
	withColumns := req.Params.IncludeColumns != nil && *req.Params.IncludeColumns
	return generated.ListTables200JSONResponse(d.tagTables(withColumns)), nil
}

// UpdateTableDescriptions sets the description of each named table (an
// empty description clears it) and returns every table of the datasource,
// without columns. A table the datasource does not have is a 404 and
// nothing changes.
func (h *handlers) UpdateTableDescriptions(_ context.Context, req generated.UpdateTableDescriptionsRequestObject) (generated.UpdateTableDescriptionsResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.datasource(req.DatasourceId)
	if err != nil {
		return nil, err
	}
	tables := make([]*dsTable, len(req.Body.Tables))
	for i, u := range req.Body.Tables {
		if tables[i], err = d.table(u.TableName); err != nil {
			return nil, err
		}
	}
	for i, u := range req.Body.Tables {
		describe(&tables[i].description, u.Description)
	}
	d.updatedAt = now()
	return generated.UpdateTableDescriptions200JSONResponse(d.tagTables(false)), nil
}

// ListColumns lists a table's columns in order (404 for an unknown table).
func (h *handlers) ListColumns(_ context.Context, req generated.ListColumnsRequestObject) (generated.ListColumnsResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.datasource(req.DatasourceId)
	if err != nil {
		return nil, err
	}
	t, err := d.table(req.TableName)
	if err != nil {
		return nil, err
	}
	return generated.ListColumns200JSONResponse(t.tagColumns()), nil
}

// UpdateColumnDescriptions sets the description of each named column (an
// empty description clears it) and returns every column of the table. An
// unknown table or column is a 404 and nothing changes.
func (h *handlers) UpdateColumnDescriptions(_ context.Context, req generated.UpdateColumnDescriptionsRequestObject) (generated.UpdateColumnDescriptionsResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.datasource(req.DatasourceId)
	if err != nil {
		return nil, err
	}
	t, err := d.table(req.TableName)
	if err != nil {
		return nil, err
	}
	cols := make([]*dsColumn, len(req.Body.Columns))
	for i, u := range req.Body.Columns {
		if cols[i] = t.column(u.ColumnName); cols[i] == nil {
			return nil, notFound("column %q not found in table %q", u.ColumnName, t.name)
		}
	}
	for i, u := range req.Body.Columns {
		describe(&cols[i].description, u.Description)
	}
	d.updatedAt = now()
	return generated.UpdateColumnDescriptions200JSONResponse(t.tagColumns()), nil
}
