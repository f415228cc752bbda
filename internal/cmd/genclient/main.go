// Command genclient writes the ergonomic layer of package client from the
// spec and the code oapi-codegen generated from it:
//
//   - client/models.gen.go: an alias in package client for every model type
//     and enum constant of package generated, so users import one package;
//   - client/operations.gen.go: one service per spec tag and one method per
//     operation, returning the typed success body and an error.
//
// Names and types are read from generated/ with go/types, so they always match
// what oapi-codegen emitted; operations, tags, docs and success responses are
// read from the spec. Run through `go generate ./...` (see gen.go).
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	specPath := flag.String("spec", "api-v2.json", "OpenAPI document")
	genDir := flag.String("generated", "./generated", "package path of the oapi-codegen output")
	outDir := flag.String("out", "client", "directory of package client")
	flag.Parse()

	if err := run(*specPath, *genDir, *outDir); err != nil {
		log.SetFlags(0)
		log.Fatalf("genclient: %v", err)
	}
}

func run(specPath, genDir, outDir string) error {
	ops, err := loadOperations(specPath)
	if err != nil {
		return err
	}
	gen, err := loadGenerated(genDir)
	if err != nil {
		return err
	}
	handwritten, err := handwrittenNames(outDir)
	if err != nil {
		return err
	}
	models, err := renderModels(gen, handwritten)
	if err != nil {
		return err
	}
	operations, err := renderOperations(ops, gen)
	if err != nil {
		return err
	}
	forms, err := renderForms(ops, gen)
	if err != nil {
		return err
	}
	for name, src := range map[string][]byte{"models.gen.go": models, "operations.gen.go": operations, "forms.gen.go": forms} {
		if err := os.WriteFile(filepath.Join(outDir, name), src, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}
