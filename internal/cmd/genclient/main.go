// Command genclient writes the ergonomic layer of package client from the
// spec and the code oapi-codegen generated from it:
//
//   - client/models.gen.go: an alias in package client for every model type
//     and enum constant of package generated, so users import one package;
//   - client/operations.gen.go: one service per spec tag and one method per
//     operation, returning the typed success body and an error;
//   - client/pages.gen.go: an <Operation>Iter iterator per paginated list
//     operation (see pages.go);
//   - docs/operations.md: the operation index (see index.go), when -docs is set.
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
	docsPath := flag.String("docs", "", "where to write the operation index (Markdown); empty: not written")
	flag.Parse()

	if err := run(*specPath, *genDir, *outDir, *docsPath); err != nil {
		log.SetFlags(0)
		log.Fatalf("genclient: %v", err)
	}
}

func run(specPath, genDir, outDir, docsPath string) error {
	specDoc, err := loadSpec(specPath)
	if err != nil {
		return err
	}
	ops, err := operationsOf(specDoc)
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
	models, err := renderModels(gen, handwritten, specConstraints(specDoc, ops))
	if err != nil {
		return err
	}
	operations, err := renderOperations(ops, gen)
	if err != nil {
		return err
	}
	pages, err := findPaginated(ops)
	if err != nil {
		return err
	}
	pagesSrc, err := renderPages(pages, gen)
	if err != nil {
		return err
	}
	forms, err := renderForms(ops, gen)
	if err != nil {
		return err
	}
	files := map[string][]byte{"models.gen.go": models, "operations.gen.go": operations, "pages.gen.go": pagesSrc, "forms.gen.go": forms}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(outDir, name), src, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	if docsPath != "" {
		index, err := renderIndex(ops, pages, gen)
		if err != nil {
			return err
		}
		if err := os.WriteFile(docsPath, index, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", docsPath, err)
		}
	}
	return nil
}
