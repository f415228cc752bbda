// Package specdiff reports the drift between two versions of the Meibel
// OpenAPI document with oasdiff (pinned in tools/go.mod): which changes can
// break existing callers, and the full changelog.
//
// oasdiff runs as a tool of the separate tools module (`go tool oasdiff` in
// tools/), so its many dependencies and newer toolchain preference never reach
// the client module that users import.
package specdiff

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Level is oasdiff's severity of a change.
type Level int

// oasdiff's severities.
const (
	Info    Level = 1 // compatible change
	Warning Level = 2 // may break callers, depending on how they use the API
	Error   Level = 3 // breaks callers: treated as breaking
)

func (l Level) String() string {
	switch l {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "breaking"
	}
	return fmt.Sprintf("level %d", int(l))
}

// Change is one entry of oasdiff's changelog.
type Change struct {
	ID          string `json:"id"`   // oasdiff check, e.g. "api-removed-without-deprecation"
	Text        string `json:"text"` // what changed, in words
	Level       Level  `json:"level"`
	Operation   string `json:"operation"`   // HTTP method, empty for document-level changes
	OperationID string `json:"operationId"` // empty for document-level changes
	Path        string `json:"path"`
	Section     string `json:"section"` // "paths", "info", "components", ...
}

// Spec names one side of a comparison.
type Spec struct {
	Name    string // path or URL as given
	Version string // info.version
}

// Report is the drift between two specs.
type Report struct {
	Old, New Spec
	// Identical is true when the two documents are equal byte for byte.
	Identical bool
	// Changes are all changes oasdiff reports, in its order.
	Changes []Change
}

// Breaking are the changes that break existing callers (Level Error).
func (r *Report) Breaking() []Change { return r.level(Error) }

// Warnings are the changes that may break callers (Level Warning).
func (r *Report) Warnings() []Change { return r.level(Warning) }

// Compatible are the changes that keep existing callers working (Level Info).
func (r *Report) Compatible() []Change { return r.level(Info) }

// Drifted reports whether the documents differ at all.
func (r *Report) Drifted() bool { return !r.Identical }

func (r *Report) level(l Level) []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Level == l {
			out = append(out, c)
		}
	}
	return out
}

// severityOverrides adjusts oasdiff's default severities to what breaks a
// caller of this generated Go client (oasdiff's --severity-levels format).
var severityOverrides = []string{
	// oasdiff treats removing an optional response property as compatible
	// for JSON readers, but it removes the field from the generated Go
	// struct, so every caller that reads it stops compiling.
	"response-optional-property-removed err",
	// Removing a request property removes the field callers set.
	"request-property-removed err",
	// A change of nullability changes a field's Go type (Nullable[T] on one
	// side, T or *T on the other): callers that use it stop compiling.
	"response-property-became-not-nullable err",
	"request-property-became-nullable err",
}

// Differ runs oasdiff.
type Differ struct {
	// ToolsDir is the directory of the tools module (tools/go.mod) that pins
	// oasdiff.
	ToolsDir string
}

// Diff compares the spec documents oldDoc and newDoc. oldName and newName
// only label the report.
func (d *Differ) Diff(ctx context.Context, oldName string, oldDoc []byte, newName string, newDoc []byte) (*Report, error) {
	r := &Report{
		Old:       Spec{Name: oldName, Version: version(oldDoc)},
		New:       Spec{Name: newName, Version: version(newDoc)},
		Identical: bytes.Equal(oldDoc, newDoc),
	}
	if r.Identical {
		return r, nil
	}
	dir, err := os.MkdirTemp("", "specdiff-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	files := map[string][]byte{
		"old.json":   oldDoc,
		"new.json":   newDoc,
		"levels.txt": []byte(strings.Join(severityOverrides, "\n") + "\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return nil, err
		}
	}
	tools, err := filepath.Abs(d.ToolsDir)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "tool", "oasdiff", "changelog",
		filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json"),
		"--format", "json",
		"--allow-external-refs=false",
		"--severity-levels", filepath.Join(dir, "levels.txt"))
	cmd.Dir = tools
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("oasdiff changelog %s %s (run in %s): %v\n%s", oldName, newName, tools, err, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(stdout.Bytes(), &r.Changes); err != nil {
		return nil, fmt.Errorf("oasdiff changelog: unexpected output: %v", err)
	}
	return r, nil
}

// version is the document's info.version, or "unknown".
func version(doc []byte) string {
	var v struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	if json.Unmarshal(doc, &v) != nil || v.Info.Version == "" {
		return "unknown"
	}
	return v.Info.Version
}
