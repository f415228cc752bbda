// Package specupdate moves the project to a new version of the upstream
// spec: replace api-v2.json, regenerate, build, vet, test, report the drift
// and record it in CHANGELOG.md.
package specupdate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meibel-ai/meibel-go/internal/specdiff"
)

// Step is one command run in the module root after the spec is replaced.
type Step struct {
	Name string   // what the step does, for messages
	Args []string // command and arguments
}

// DefaultSteps regenerate everything, then build, vet and test the module.
var DefaultSteps = []Step{
	{"regenerate", []string{"go", "generate", "./..."}},
	{"build", []string{"go", "build", "./..."}},
	{"vet", []string{"go", "vet", "./..."}},
	{"test", []string{"go", "test", "-count=1", "./..."}},
}

// Config says what to update and how.
type Config struct {
	Root      string // module root
	New       string // new spec: a path or an http(s) URL
	Spec      string // vendored spec, relative to Root (default "api-v2.json")
	ToolsDir  string // tools module with oasdiff, relative to Root (default "tools")
	Changelog string // relative to Root (default "CHANGELOG.md")
	// ReportDir, relative to Root, receives the drift report as
	// spec-<old>-to-<new>.md; empty: no report file.
	ReportDir  string
	Steps      []Step       // default DefaultSteps
	Out        io.Writer    // progress, step output and the report
	HTTPClient *http.Client // for a URL; nil: specdiff's default timeout
	Now        func() time.Time
}

func (c *Config) defaults() {
	if c.Spec == "" {
		c.Spec = "api-v2.json"
	}
	if c.ToolsDir == "" {
		c.ToolsDir = "tools"
	}
	if c.Changelog == "" {
		c.Changelog = "CHANGELOG.md"
	}
	if c.Steps == nil {
		c.Steps = DefaultSteps
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// StepError says which step failed after the spec was replaced. The working
// tree is left as the step found it.
type StepError struct {
	Step     Step
	Err      error
	From, To string // spec versions
	Spec     string
}

func (e *StepError) Error() string {
	return fmt.Sprintf("step %q (%s) failed: %v\n"+
		"The working tree is left for inspection: %s is now %s (was %s) and the steps before this one ran.\n"+
		"Fix the cause and run `make spec-update NEW=...` again, or go back (the spec and generated files only; "+
		"hand-written code is kept) with: git checkout -- %s generated docs/operations.md 'client/*.gen.go'",
		e.Step.Name, strings.Join(e.Step.Args, " "), e.Err, e.Spec, e.To, e.From, e.Spec)
}

func (e *StepError) Unwrap() error { return e.Err }

// Update runs the update. It returns the drift report (nil when the new spec
// could not be read or is already vendored) and the first error.
func Update(ctx context.Context, cfg Config) (*specdiff.Report, error) {
	cfg.defaults()
	specPath := filepath.Join(cfg.Root, cfg.Spec)
	oldDoc, err := os.ReadFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("read the vendored spec: %w", err)
	}
	newDoc, err := specdiff.Load(ctx, cfg.New, cfg.HTTPClient)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(oldDoc, newDoc) {
		fmt.Fprintf(cfg.Out, "spec-update: %s is already %s byte for byte: nothing to do\n", cfg.Spec, cfg.New)
		return nil, nil
	}
	if err := validate(ctx, newDoc); err != nil {
		return nil, fmt.Errorf("%s is not a valid OpenAPI document, %s left unchanged: %w", cfg.New, cfg.Spec, err)
	}
	differ := &specdiff.Differ{ToolsDir: filepath.Join(cfg.Root, cfg.ToolsDir)}
	report, err := differ.Diff(ctx, cfg.Spec, oldDoc, cfg.New, newDoc)
	if err != nil {
		return nil, fmt.Errorf("drift report failed, %s left unchanged: %w", cfg.Spec, err)
	}
	from, to := report.Old.Version, report.New.Version
	fmt.Fprintf(cfg.Out, "spec-update: %s %s → %s (%s)\n", cfg.Spec, from, to, report.Summary())

	if err := os.WriteFile(specPath, newDoc, 0o644); err != nil {
		return report, fmt.Errorf("replace %s: %w", cfg.Spec, err)
	}
	for _, step := range cfg.Steps {
		fmt.Fprintf(cfg.Out, "spec-update: %s: %s\n", step.Name, strings.Join(step.Args, " "))
		if err := runStep(ctx, cfg.Root, step, cfg.Out); err != nil {
			fmt.Fprintln(cfg.Out)
			report.WriteText(cfg.Out)
			return report, &StepError{Step: step, Err: err, From: from, To: to, Spec: cfg.Spec}
		}
	}

	fmt.Fprintln(cfg.Out)
	if err := report.WriteText(cfg.Out); err != nil {
		return report, err
	}
	title := fmt.Sprintf("Spec %s → %s (%s)", from, to, cfg.Now().UTC().Format("2006-01-02"))
	if err := AddToChangelog(filepath.Join(cfg.Root, cfg.Changelog), report, title); err != nil {
		return report, fmt.Errorf("update %s: %w", cfg.Changelog, err)
	}
	written := []string{cfg.Changelog}
	if cfg.ReportDir != "" {
		name := filepath.Join(cfg.ReportDir, fmt.Sprintf("spec-%s-to-%s.md", from, to))
		if err := writeReport(filepath.Join(cfg.Root, name), report, from, to); err != nil {
			return report, fmt.Errorf("write %s: %w", name, err)
		}
		written = append(written, name)
	}
	fmt.Fprintf(cfg.Out, "\nspec-update: done: %s is %s; regenerated, built, vetted and tested; wrote %s\n",
		cfg.Spec, to, strings.Join(written, ", "))
	return report, nil
}

func validate(ctx context.Context, doc []byte) error {
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(doc)
	if err != nil {
		return err
	}
	return spec.Validate(ctx)
}

func runStep(ctx context.Context, dir string, step Step, out io.Writer) error {
	if len(step.Args) == 0 {
		return fmt.Errorf("empty command")
	}
	cmd := exec.CommandContext(ctx, step.Args[0], step.Args[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	return cmd.Run()
}

func writeReport(path string, r *specdiff.Report, from, to string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := r.WriteMarkdown(&b, 1, fmt.Sprintf("Spec drift %s → %s", from, to)); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
