package meibeltest

import (
	"context"
	"slices"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// datasource is a configured source of content.
type datasource struct {
	id, name, description string
	seq                   int
	createdAt, updatedAt  time.Time
	connector             generated.ConnectorSummary
	metadata              nullable.Nullable[generated.MetadataConfigResponse]
	tables                []*dsTable // tables.go
}

func (s *store) datasource(id string) (*datasource, error) {
	d, ok := s.datasources[id]
	if !ok {
		return nil, notFound("datasource %q not found", id)
	}
	return d, nil
}

// connectorSummary keeps what the API reports back about a connector (never
// credentials or database coordinates). Without one, a datasource is a
// managed cloud-storage bucket that content is uploaded to.
func connectorSummary(c nullable.Nullable[generated.ConnectorConfig]) generated.ConnectorSummary {
	cfg, ok := get(c)
	if !ok {
		return generated.ConnectorSummary{Type: generated.ConnectorSummaryType("cloud_storage")}
	}
	out := generated.ConnectorSummary{Type: generated.ConnectorSummaryType(cfg.Type)}
	if cs, ok := get(cfg.CloudStorage); ok {
		out.CloudStorage = nullable.NewNullableWithValue(generated.CloudStorageConnectorSummary{
			Provider: generated.CloudStorageConnectorSummaryProvider(cs.Provider)})
	}
	if wc, ok := get(cfg.WebCrawl); ok {
		out.WebCrawl = nullable.NewNullableWithValue(wc)
	}
	return out
}

func metadataConfig(m nullable.Nullable[generated.MetadataConfigRequest]) nullable.Nullable[generated.MetadataConfigResponse] {
	req, ok := get(m)
	if !ok {
		return nullable.Nullable[generated.MetadataConfigResponse]{}
	}
	fields := req.Fields.GetOrEmpty()
	if id, ok := get(req.ModelId); ok && len(fields) == 0 && req.Type == "catalog" {
		if e, ok := catalogEntry(id); ok {
			fields = e.Fields // a catalog model brings its fields (catalog.go)
		}
	}
	if fields == nil {
		fields = []generated.MetadataField{}
	}
	return nullable.NewNullableWithValue(generated.MetadataConfigResponse{
		Type: generated.MetadataConfigResponseType(req.Type), ModelId: req.ModelId, Fields: fields})
}

func (h *handlers) datasourceResponse(d *datasource, withTables bool) generated.DatasourceResponse {
	r := generated.DatasourceResponse{
		Id: d.id, Name: d.name, Description: d.description, Connector: d.connector,
		CreatedAt: timestamp(d.createdAt), UpdatedAt: timestamp(d.updatedAt), MetadataConfig: d.metadata,
		TotalIngestedFiles: nullable.NewNullableWithValue(len(h.elements[d.id])),
	}
	if withTables {
		tables := make([]generated.TableSummaryResponse, 0, len(d.tables))
		for _, t := range d.tables {
			tables = append(tables, t.summary())
		}
		r.Tables = nullable.NewNullableWithValue(tables)
	}
	return r
}

// CreateDatasource creates a datasource (201).
func (h *handlers) CreateDatasource(_ context.Context, req generated.CreateDatasourceRequestObject) (generated.CreateDatasourceResponseObject, error) {
	b := req.Body
	h.mu.Lock()
	defer h.mu.Unlock()
	seq, id := h.next("ds")
	t := now()
	d := &datasource{id: id, name: b.Name, seq: seq, createdAt: t, updatedAt: t,
		connector: connectorSummary(b.Connector), metadata: metadataConfig(b.MetadataConfig)}
	if b.Description != nil {
		d.description = *b.Description
	}
	h.datasources[id] = d
	return generated.CreateDatasource201JSONResponse(h.datasourceResponse(d, false)), nil
}

// GetDatasource returns a datasource, with its tables when include_tables.
func (h *handlers) GetDatasource(_ context.Context, req generated.GetDatasourceRequestObject) (generated.GetDatasourceResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.datasource(req.DatasourceId)
	if err != nil {
		return nil, err
	}
	withTables := req.Params.IncludeTables != nil && *req.Params.IncludeTables
	return generated.GetDatasource200JSONResponse(h.datasourceResponse(d, withTables)), nil
}

// ListDatasources lists every datasource, oldest first (the API does not page them).
func (h *handlers) ListDatasources(context.Context, generated.ListDatasourcesRequestObject) (generated.ListDatasourcesResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := make([]*datasource, 0, len(h.datasources))
	for _, d := range h.datasources {
		list = append(list, d)
	}
	slices.SortFunc(list, func(x, y *datasource) int { return x.seq - y.seq })
	out := make([]generated.DatasourceResponse, 0, len(list))
	for _, d := range list {
		out = append(out, h.datasourceResponse(d, false))
	}
	return generated.ListDatasources200JSONResponse{Datasources: out}, nil
}

// UpdateDatasource changes the fields present in the body; tables update
// table and column descriptions by name, adding unknown tables and columns
// (see describeTables).
func (h *handlers) UpdateDatasource(_ context.Context, req generated.UpdateDatasourceRequestObject) (generated.UpdateDatasourceResponseObject, error) {
	b := req.Body
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := h.datasource(req.DatasourceId)
	if err != nil {
		return nil, err
	}
	if v, ok := get(b.Name); ok {
		d.name = v
	}
	if b.Description.IsSpecified() {
		d.description = b.Description.GetOrEmpty()
	}
	if b.Connector.IsSpecified() {
		d.connector = connectorSummary(b.Connector)
	}
	if b.MetadataConfig.IsSpecified() {
		d.metadata = metadataConfig(b.MetadataConfig)
	}
	d.describeTables(b.Tables.GetOrEmpty())
	d.updatedAt = now()
	return generated.UpdateDatasource200JSONResponse(h.datasourceResponse(d, false)), nil
}

// DeleteDatasource removes a datasource and its data elements.
func (h *handlers) DeleteDatasource(_ context.Context, req generated.DeleteDatasourceRequestObject) (generated.DeleteDatasourceResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.datasource(req.DatasourceId); err != nil {
		return nil, err
	}
	delete(h.datasources, req.DatasourceId)
	delete(h.elements, req.DatasourceId)
	return generated.DeleteDatasource200JSONResponse{Id: req.DatasourceId}, nil
}
