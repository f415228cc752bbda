// Command specupdate moves the project to a new upstream spec in one step:
//
//	go run ./internal/cmd/specupdate -new PATH_OR_URL   # or: make spec-update NEW=...
//
// It replaces api-v2.json (byte for byte), regenerates, builds, vets and tests
// the module, prints the drift report (breaking changes first), adds an entry
// to CHANGELOG.md and writes the report to docs/spec-<old>-to-<new>.md. If a
// step fails the working tree is left for inspection and the message names the
// failed step. Breaking changes do not stop an update: they are reported and
// recorded.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"

	"github.com/meibel-ai/meibel-go/internal/specdiff"
	"github.com/meibel-ai/meibel-go/internal/specupdate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("specupdate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := specupdate.Config{Out: stdout}
	fs.StringVar(&cfg.New, "new", getenv("NEW"), "new spec: path or http(s) URL (default $NEW)")
	fs.StringVar(&cfg.Root, "root", ".", "module root")
	fs.StringVar(&cfg.ReportDir, "report-dir", "docs", "directory for spec-<old>-to-<new>.md (empty: none)")
	timeout := fs.Duration("timeout", specdiff.DefaultFetchTimeout, "timeout for fetching a URL")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.New == "" {
		fmt.Fprintln(stderr, "spec-update: no new spec: pass -new PATH_OR_URL (make spec-update NEW=...)")
		return 2
	}
	cfg.HTTPClient = &http.Client{Timeout: *timeout}
	if _, err := specupdate.Update(ctx, cfg); err != nil {
		fmt.Fprintf(stderr, "spec-update: FAILED: %v\n", err)
		return 1
	}
	return 0
}
