// Package gencheck proves that the checked-in generated code is exactly what
// the generators produce from the checked-in spec and configuration.
//
// It copies the module into a temporary directory, deletes every generated
// file there, runs `go generate ./...` and compares the result byte for byte
// with the original tree. The repository itself is never written.
package gencheck

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// GeneratedDir is the directory of oapi-codegen's output; every file in it is
// generated. Elsewhere, files named *.gen.go are generated, and so are
// GeneratedDocs.
const GeneratedDir = "generated"

// GeneratedDocs are the generated files that are not Go code (gen.go's
// genclient -docs).
var GeneratedDocs = []string{"docs/operations.md"}

// Diff is one generated file whose checked-in content is not what the
// generators produce.
type Diff struct {
	// Path is slash-separated and relative to the module root.
	Path string
	// Problem says how the file differs, e.g. "differs from line 12".
	Problem string
}

// StaleError is returned by Check when generated files differ.
type StaleError struct {
	Diffs []Diff
}

func (e *StaleError) Error() string {
	var b strings.Builder
	b.WriteString("generated code is not what the generators produce from api-v2.json and the generator config:\n")
	for _, d := range e.Diffs {
		fmt.Fprintf(&b, "  %s: %s\n", d.Path, d.Problem)
	}
	b.WriteString("run `make generate` (go generate ./...) and commit the result")
	return b.String()
}

// Check regenerates the module at root in a temporary directory and compares
// the generated files. It returns a *StaleError listing the files that differ,
// or another error when regeneration itself failed.
func Check(ctx context.Context, root string) error {
	tmp, err := os.MkdirTemp("", "gencheck-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := Regenerate(ctx, root, tmp); err != nil {
		return err
	}
	diffs, err := Compare(root, tmp)
	if err != nil {
		return err
	}
	if len(diffs) > 0 {
		return &StaleError{Diffs: diffs}
	}
	return nil
}

// Regenerate copies the module at root into dst, removes the generated files
// of the copy and runs `go generate ./...` there.
func Regenerate(ctx context.Context, root, dst string) error {
	if err := CopyModule(root, dst); err != nil {
		return fmt.Errorf("copy module: %w", err)
	}
	files, err := generatedFiles(dst)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.Remove(filepath.Join(dst, filepath.FromSlash(f))); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, "go", "generate", "./...")
	cmd.Dir = dst
	// -trimpath keeps the temporary directory out of the build cache keys, so
	// genclient and the type-checked generated package are cache hits after
	// the first run instead of being recompiled for every new directory.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -trimpath"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go generate ./... in a copy of the module failed: %v\n%s", err, out)
	}
	return nil
}

// Compare lists the generated files that differ between the module tree
// have and the regenerated tree want, in both directions: changed, missing
// from have, and present in have but no longer generated.
func Compare(have, want string) ([]Diff, error) {
	haveFiles, err := generatedFiles(have)
	if err != nil {
		return nil, err
	}
	wantFiles, err := generatedFiles(want)
	if err != nil {
		return nil, err
	}
	var diffs []Diff
	inWant := map[string]bool{}
	for _, f := range wantFiles {
		inWant[f] = true
		w, err := os.ReadFile(filepath.Join(want, filepath.FromSlash(f)))
		if err != nil {
			return nil, err
		}
		h, err := os.ReadFile(filepath.Join(have, filepath.FromSlash(f)))
		switch {
		case os.IsNotExist(err):
			diffs = append(diffs, Diff{f, "missing: the generators produce it"})
		case err != nil:
			return nil, err
		case !bytes.Equal(h, w):
			diffs = append(diffs, Diff{f, fmt.Sprintf("differs from line %d", firstDiffLine(h, w))})
		}
	}
	for _, f := range haveFiles {
		if !inWant[f] {
			diffs = append(diffs, Diff{f, "not produced by the generators (stale?)"})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].Path < diffs[j].Path })
	return diffs, nil
}

// generatedFiles lists, slash-separated and relative to root, every file under
// generated/, every *.gen.go file of the module and GeneratedDocs (nested modules, testdata
// and hidden directories excluded).
func generatedFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			name := d.Name()
			if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // nested module
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if strings.HasPrefix(rel, GeneratedDir+"/") || strings.HasSuffix(rel, ".gen.go") || slices.Contains(GeneratedDocs, rel) {
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}

// firstDiffLine is the 1-based number of the first line where a and b differ.
func firstDiffLine(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return bytes.Count(a[:i], []byte("\n")) + 1
}
