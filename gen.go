// Package meibel is the root of the Meibel v2 Go client module. Users import
// github.com/meibel-ai/meibel-go/client; this package only holds the
// checked-in OpenAPI spec and the go:generate directives that turn it into code.
package meibel

import _ "embed"

// Spec is api-v2.json, the vendored upstream OpenAPI document the code is
// generated from.
//
//go:embed api-v2.json
var Spec []byte

//go:generate go tool oapi-codegen -config oapi-codegen.yaml api-v2.json
//go:generate go run ./internal/cmd/genclient -spec api-v2.json -generated ./generated -out client -docs docs/operations.md
