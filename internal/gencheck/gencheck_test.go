package gencheck

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// moduleRoot is the directory of the go.mod enclosing the test's package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

func checkCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestGeneratedCodeIsCurrent is the check itself: the checked-in generated
// code must be what `go generate ./...` produces from the checked-in spec.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	t.Parallel()
	start := time.Now()
	if err := Check(checkCtx(t), moduleRoot(t)); err != nil {
		t.Fatal(err)
	}
	t.Logf("regenerated and compared in %v", time.Since(start).Round(time.Millisecond))
}

// stale runs Check on a copy of the module after edit changed it, and returns
// the paths Check reports.
func stale(t *testing.T, edit func(dir string)) (paths []string, msg string) {
	t.Helper()
	dir := t.TempDir()
	if err := CopyModule(moduleRoot(t), dir); err != nil {
		t.Fatal(err)
	}
	edit(dir)
	err := Check(checkCtx(t), dir)
	var se *StaleError
	if !errors.As(err, &se) {
		t.Fatalf("Check after the edit = %v, want a *StaleError", err)
	}
	for _, d := range se.Diffs {
		paths = append(paths, d.Path)
	}
	return paths, err.Error()
}

func replaceOnce(t *testing.T, path, old, new string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte(old)) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, bytes.Replace(src, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckFailsOnHandEditedGeneratedFiles(t *testing.T) {
	t.Parallel()
	paths, msg := stale(t, func(dir string) {
		replaceOnce(t, filepath.Join(dir, "generated", "meibel.gen.go"), "\ntype ", "\n// hand edit\ntype ")
		replaceOnce(t, filepath.Join(dir, "client", "operations.gen.go"), "\nfunc ", "\n// hand edit\nfunc ")
		replaceOnce(t, filepath.Join(dir, "docs", "operations.md"), "\n# Operation index", "\n# Operation index (hand edit)")
		if err := os.WriteFile(filepath.Join(dir, "generated", "extra.gen.go"), []byte("package generated\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	want := []string{"client/operations.gen.go", "docs/operations.md", "generated/extra.gen.go", "generated/meibel.gen.go"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("stale files = %v, want %v", paths, want)
	}
	for _, s := range []string{"client/operations.gen.go: differs from line", "generated/extra.gen.go: not produced", "make generate"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message lacks %q:\n%s", s, msg)
		}
	}
}

// pingOperation is a new operation added to a copy of the spec: both the
// oapi-codegen output and the ergonomic client must change.
const pingOperation = `"paths": {
    "/agents/{agent_id}/ping": {
      "get": {
        "tags": ["Agents"],
        "summary": "Ping Agent",
        "operationId": "pingAgent",
        "parameters": [{"name": "agent_id", "in": "path", "required": true, "schema": {"type": "string", "title": "Agent Id"}}],
        "responses": {"200": {"description": "Successful Response", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AgentDetailResponse"}}}}},
        "security": [{"APIKeyHeader": []}]
      }
    },`

func TestCheckFailsOnSpecChangeNotRegenerated(t *testing.T) {
	t.Parallel()
	paths, msg := stale(t, func(dir string) {
		replaceOnce(t, filepath.Join(dir, "api-v2.json"), `"paths": {`, pingOperation)
	})
	want := []string{"client/operations.gen.go", "docs/operations.md", "generated/meibel.gen.go"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("stale files = %v, want %v\n%s", paths, want, msg)
	}
}

func TestCompareReportsMissingAndStaleFiles(t *testing.T) {
	have, want := t.TempDir(), t.TempDir()
	write := func(root, rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(have, "generated/a.gen.go", "same\n")
	write(want, "generated/a.gen.go", "same\n")
	write(have, "client/b.gen.go", "one\ntwo\n")
	write(want, "client/b.gen.go", "one\nTWO\n")
	write(want, "generated/new.go", "x")
	write(have, "pkg/old.gen.go", "x")
	write(have, "client/handwritten.go", "mine")
	write(want, "client/handwritten.go", "theirs") // not generated: ignored
	write(have, "testdata/x.gen.go", "fixture")    // testdata: ignored
	write(have, "tools/go.mod", "module tools\n")  // nested module: ignored
	write(have, "tools/t.gen.go", "nested module") // ignored
	diffs, err := Compare(have, want)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range diffs {
		got = append(got, d.Path+": "+d.Problem)
	}
	wantDiffs := []string{
		"client/b.gen.go: differs from line 2",
		"generated/new.go: missing: the generators produce it",
		"pkg/old.gen.go: not produced by the generators (stale?)",
	}
	if strings.Join(got, "\n") != strings.Join(wantDiffs, "\n") {
		t.Errorf("Compare =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantDiffs, "\n"))
	}
}

func TestCopyModuleSkipsGit(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	for _, p := range []string{".git/HEAD", "sub/.git", "sub/keep.go", "go.mod"} {
		full := filepath.Join(src, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := CopyModule(src, dst); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{".git": false, "sub/.git": false, "sub/keep.go": true, "go.mod": true} {
		_, err := os.Stat(filepath.Join(dst, filepath.FromSlash(p)))
		if got := err == nil; got != want {
			t.Errorf("%s copied = %v, want %v", p, got, want)
		}
	}
}
