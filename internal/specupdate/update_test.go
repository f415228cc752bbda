package specupdate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/internal/gencheck"
)

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
		if parent := filepath.Dir(dir); parent != dir {
			dir = parent
			continue
		}
		t.Fatal("no go.mod above the test directory")
	}
}

// copyModule copies the repository into a temporary directory: the tests
// update the copy, never the repository.
func copyModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := gencheck.CopyModule(moduleRoot(t), dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newerSpec is the vendored spec with a new version and a new optional
// CreateSessionRequest field, written to a file outside the module.
func newerSpec(t *testing.T, root string) (path string, doc []byte) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(root, "api-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct{ old, new string }{
		{`"CreateSessionRequest": {
        "properties": {`, `"CreateSessionRequest": {
        "properties": {
          "fixture_note": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Fixture Note"},`},
	} {
		if !bytes.Contains(doc, []byte(r.old)) {
			t.Fatalf("api-v2.json lacks %q", r.old)
		}
		doc = bytes.Replace(doc, []byte(r.old), []byte(r.new), 1)
	}
	doc = bytes.Replace(doc, []byte(`"version": "`), []byte(`"version": "99.`), 1)
	path = filepath.Join(t.TempDir(), "api-v2.new.json")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, doc
}

func fixedNow() time.Time { return time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC) }

// trimpath lets the copies reuse the build cache (see gencheck.Regenerate).
func trimpath(t *testing.T) {
	t.Setenv("GOFLAGS", strings.TrimSpace(os.Getenv("GOFLAGS")+" -trimpath"))
}

func TestUpdateReplacesRegeneratesAndRecords(t *testing.T) {
	trimpath(t)
	root := copyModule(t)
	newPath, newDoc := newerSpec(t, root)
	oldVersion := specVersion(t, root)
	var out bytes.Buffer
	report, err := Update(context.Background(), Config{
		Root: root, New: newPath, ReportDir: "docs", Out: &out, Now: fixedNow,
		Steps: DefaultSteps[:2], // regenerate and build; the full test run is what make test does
	})
	if err != nil {
		t.Fatalf("Update: %v\n%s", err, out.String())
	}
	got, _ := os.ReadFile(filepath.Join(root, "api-v2.json"))
	if !bytes.Equal(got, newDoc) {
		t.Error("api-v2.json is not the new spec byte for byte")
	}
	gen, _ := os.ReadFile(filepath.Join(root, "generated", "meibel.gen.go"))
	if !bytes.Contains(gen, []byte(`json:"fixture_note,omitempty,omitzero"`)) {
		t.Error("generated code lacks the new field: not regenerated")
	}
	if err := gencheck.Check(context.Background(), root); err != nil {
		t.Errorf("generated code after the update: %v", err)
	}
	if n := len(report.Breaking()); n != 0 {
		t.Errorf("%d breaking changes for an added optional field", n)
	}
	newVersion := "99." + oldVersion
	changelog, _ := os.ReadFile(filepath.Join(root, "CHANGELOG.md"))
	for _, want := range []string{"# Changelog", "## Spec " + oldVersion + " → " + newVersion + " (2030-01-02)", "### Breaking changes", "- none", "/fixture_note`", "createSessionByName"} {
		if !strings.Contains(string(changelog), want) {
			t.Errorf("CHANGELOG.md lacks %q:\n%s", want, changelog)
		}
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "spec-"+oldVersion+"-to-"+newVersion+".md"))
	if err != nil || !strings.Contains(string(doc), "fixture_note") {
		t.Errorf("report file: %v\n%s", err, doc)
	}
	for _, want := range []string{"regenerate: go generate ./...", "OTHER CHANGES (CHANGELOG) (", "spec-update: done"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestUpdateFailureLeavesTreeAndNamesStep(t *testing.T) {
	root := copyModule(t)
	newPath, newDoc := newerSpec(t, root)
	changelogBefore, _ := os.ReadFile(filepath.Join(root, "CHANGELOG.md"))
	var out bytes.Buffer
	failing := Step{"test", []string{"go", "vet", "./no/such/package"}}
	_, err := Update(context.Background(), Config{Root: root, New: newPath, Out: &out, Steps: []Step{failing}})
	var se *StepError
	if !errors.As(err, &se) || se.Step.Name != "test" {
		t.Fatalf("Update = %v, want a *StepError for step test", err)
	}
	for _, want := range []string{`step "test" (go vet ./no/such/package) failed`, "left for inspection", "git checkout -- api-v2.json"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	got, _ := os.ReadFile(filepath.Join(root, "api-v2.json"))
	if !bytes.Equal(got, newDoc) {
		t.Error("api-v2.json was reverted; the tree must be left for inspection")
	}
	if after, _ := os.ReadFile(filepath.Join(root, "CHANGELOG.md")); !bytes.Equal(after, changelogBefore) {
		t.Error("CHANGELOG.md changed although the update failed")
	}
	if !strings.Contains(out.String(), "BREAKING CHANGES (0)") {
		t.Errorf("the drift report is printed on failure too:\n%s", out.String())
	}
}

// noSteps fails the test if Update gets as far as running a step.
var noSteps = []Step{{"must not run", []string{"false"}}}

func TestUpdateRejectsBadSpecWithoutTouchingTheTree(t *testing.T) {
	root := t.TempDir()
	orig := []byte(`{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}`)
	if err := os.WriteFile(filepath.Join(root, "api-v2.json"), orig, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"html.json":    "<html>maintenance</html>",
		"invalid.json": `{"openapi": "3.1.0", "info": {"title": "t"}, "paths": {"/x": {"get": {"responses": "nope"}}}}`,
	}
	for name, content := range bad {
		path := filepath.Join(t.TempDir(), name)
		os.WriteFile(path, []byte(content), 0o644)
		_, err := Update(context.Background(), Config{Root: root, New: path, Steps: noSteps})
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: Update = %v, want an error naming the file", name, err)
		}
		if got, _ := os.ReadFile(filepath.Join(root, "api-v2.json")); !bytes.Equal(got, orig) {
			t.Fatalf("%s: api-v2.json changed", name)
		}
	}
	_, err := Update(context.Background(), Config{Root: root, New: filepath.Join(root, "missing.json"), Steps: noSteps})
	if err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing NEW: %v", err)
	}
}

func TestUpdateToSameSpecDoesNothing(t *testing.T) {
	root := t.TempDir()
	doc := []byte(`{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}`)
	os.WriteFile(filepath.Join(root, "api-v2.json"), doc, 0o644)
	var out bytes.Buffer
	report, err := Update(context.Background(), Config{Root: root, New: filepath.Join(root, "api-v2.json"), Out: &out, Steps: noSteps})
	if err != nil || report != nil || !strings.Contains(out.String(), "nothing to do") {
		t.Fatalf("Update = %v, %v; output %q", report, err, out.String())
	}
	if _, err := os.Stat(filepath.Join(root, "CHANGELOG.md")); !os.IsNotExist(err) {
		t.Error("CHANGELOG.md written for no change")
	}
}

func specVersion(t *testing.T, root string) string {
	t.Helper()
	doc, _ := os.ReadFile(filepath.Join(root, "api-v2.json"))
	i := bytes.Index(doc, []byte(`"version": "`))
	rest := doc[i+len(`"version": "`):]
	return string(rest[:bytes.IndexByte(rest, '"')])
}
