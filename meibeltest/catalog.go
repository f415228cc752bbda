package meibeltest

import (
	"context"
	"strings"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// The metadata model catalog is fixed: a few ready-made metadata models a
// datasource's metadata_config can name ({"type":"catalog","model_id":...}).
// Scopes say what content a model describes: "document" (uploaded files)
// or "web" (crawled pages).
var catalogModels = []struct {
	id, name, scope, description string
	fields                       []generated.MetadataField
}{
	{"general-document", "General document", "document",
		"Title, authorship and language of any document.",
		[]generated.MetadataField{
			catalogField("title", generated.MetadataFieldTypeString, "Document title", true),
			catalogField("author", generated.MetadataFieldTypeString, "Author or issuing organisation", true),
			catalogField("language", generated.MetadataFieldTypeString, "ISO 639-1 language code", true),
			catalogField("published_at", generated.MetadataFieldTypeDatetime, "Publication date", true),
			catalogField("page_count", generated.MetadataFieldTypeInteger, "Number of pages", false),
		}},
	{"contract", "Contract", "document",
		"Parties, dates and value of legal agreements.",
		[]generated.MetadataField{
			catalogField("parties", generated.MetadataFieldTypeListString, "Names of the contracting parties", true),
			catalogField("effective_date", generated.MetadataFieldTypeDatetime, "Date the contract takes effect", true),
			catalogField("expiration_date", generated.MetadataFieldTypeDatetime, "Date the contract ends", true),
			catalogField("governing_law", generated.MetadataFieldTypeString, "Jurisdiction whose law applies", true),
			catalogField("total_value", generated.MetadataFieldTypeFloat, "Total contract value", false),
		}},
	{"invoice", "Invoice", "document",
		"Vendor, amounts and due date of invoices and receipts.",
		[]generated.MetadataField{
			catalogField("invoice_number", generated.MetadataFieldTypeString, "Invoice number", true),
			catalogField("vendor", generated.MetadataFieldTypeString, "Issuing vendor", true),
			catalogField("total", generated.MetadataFieldTypeFloat, "Total amount due", true),
			catalogField("currency", generated.MetadataFieldTypeString, "ISO 4217 currency code", true),
			catalogField("due_date", generated.MetadataFieldTypeDatetime, "Payment due date", true),
		}},
	{"web-page", "Web page", "web",
		"Address, title and freshness of crawled web pages.",
		[]generated.MetadataField{
			catalogField("url", generated.MetadataFieldTypeString, "Canonical URL of the page", true),
			catalogField("title", generated.MetadataFieldTypeString, "HTML title", true),
			catalogField("language", generated.MetadataFieldTypeString, "ISO 639-1 language code", true),
			catalogField("crawled_at", generated.MetadataFieldTypeDatetime, "When the page was fetched", true),
		}},
}

func catalogField(name string, typ generated.MetadataFieldType, description string, index bool) generated.MetadataField {
	return generated.MetadataField{Name: name, Type: typ, Description: description, Index: &index}
}

// catalogEntry returns a fresh copy of the catalog model with this id.
func catalogEntry(id string) (generated.MetadataModelCatalogEntry, bool) {
	for _, m := range catalogModels {
		if m.id == id {
			return generated.MetadataModelCatalogEntry{ModelId: m.id, Name: m.name, Scope: m.scope,
				Description: nullable.NewNullableWithValue(m.description),
				Fields:      append([]generated.MetadataField{}, m.fields...)}, true
		}
	}
	return generated.MetadataModelCatalogEntry{}, false
}

// ListMetadataModelCatalog lists the catalog in a fixed order; scope keeps
// the models of that scope (case-insensitive; an unknown scope lists none).
func (h *handlers) ListMetadataModelCatalog(_ context.Context, req generated.ListMetadataModelCatalogRequestObject) (generated.ListMetadataModelCatalogResponseObject, error) {
	out := []generated.MetadataModelCatalogEntry{}
	for _, m := range catalogModels {
		if s := req.Params.Scope; s != nil && !strings.EqualFold(*s, m.scope) {
			continue
		}
		e, _ := catalogEntry(m.id)
		out = append(out, e)
	}
	return generated.ListMetadataModelCatalog200JSONResponse{Models: out}, nil
}

// GetMetadataModelCatalogEntry returns one catalog model (404 when unknown).
func (h *handlers) GetMetadataModelCatalogEntry(_ context.Context, req generated.GetMetadataModelCatalogEntryRequestObject) (generated.GetMetadataModelCatalogEntryResponseObject, error) {
	e, ok := catalogEntry(req.ModelId)
	if !ok {
		return nil, notFound("metadata model %q not found in the catalog", req.ModelId)
	}
	return generated.GetMetadataModelCatalogEntry200JSONResponse(e), nil
}
