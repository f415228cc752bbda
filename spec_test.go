package meibel_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	meibel "github.com/meibel-ai/meibel-go"
)

// TestSpecIsValid loads the vendored api-v2.json with kin-openapi and validates it.
func TestSpecIsValid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(meibel.Spec)
	if err != nil {
		t.Fatalf("load api-v2.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("api-v2.json does not validate: %v", err)
	}
	ops := 0
	for _, item := range doc.Paths.Map() {
		ops += len(item.Operations())
	}
	if ops == 0 || doc.Info.Version == "" {
		t.Fatalf("spec %q has %d operations", doc.Info.Version, ops)
	}
	t.Logf("api-v2.json %s: %d operations, %d schemas", doc.Info.Version, ops, len(doc.Components.Schemas))
}
