package meibeltest

import (
	"context"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

func TestMetadataModelCatalog(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()

	all, err := c.MetadataModelCatalog.ListMetadataModelCatalog(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Models) != 4 {
		t.Fatalf("catalog %+v", all)
	}
	for _, m := range all.Models {
		if m.ModelId == "" || m.Name == "" || m.Scope == "" || len(m.Fields) == 0 {
			t.Errorf("entry %+v", m)
		}
	}
	docs, err := c.MetadataModelCatalog.ListMetadataModelCatalog(ctx, &client.ListMetadataModelCatalogParams{Scope: client.Ptr("document")})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs.Models) != 3 || docs.Models[1].ModelId != "contract" {
		t.Fatalf("document scope %+v", docs)
	}
	web, _ := c.MetadataModelCatalog.ListMetadataModelCatalog(ctx, &client.ListMetadataModelCatalogParams{Scope: client.Ptr("WEB")})
	if len(web.Models) != 1 || web.Models[0].ModelId != "web-page" {
		t.Fatalf("web scope %+v", web)
	}
	r := do(t, ts, "GET", "/metadata-model-catalog?scope=video", nil)
	expect(t, r, 200)
	if string(r.raw) != "{\"models\":[]}\n" {
		t.Fatalf("unknown scope %q", r.raw)
	}

	inv, err := c.MetadataModelCatalog.GetMetadataModelCatalogEntry(ctx, "invoice")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Scope != "document" || len(inv.Fields) != 5 || inv.Fields[2].Name != "total" || inv.Fields[2].Type != client.MetadataFieldTypeFloat {
		t.Fatalf("invoice %+v", inv)
	}
	_, err = c.MetadataModelCatalog.GetMetadataModelCatalogEntry(ctx, "nope")
	wantStatus(t, err, 404)

	// A datasource that names a catalog model gets its fields.
	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "invoices",
		MetadataConfig: client.Value(client.MetadataConfigRequest{Type: "catalog", ModelId: client.Value("invoice")})})
	if err != nil {
		t.Fatal(err)
	}
	mc, _ := client.ValueOf(ds.MetadataConfig)
	if id, _ := client.ValueOf(mc.ModelId); id != "invoice" || len(mc.Fields) != 5 {
		t.Fatalf("metadata config %+v", mc)
	}
}
