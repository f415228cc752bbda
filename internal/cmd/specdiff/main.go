// Command specdiff reports the drift between the vendored api-v2.json and
// another version of the spec (a path or an http(s) URL) with oasdiff:
// breaking changes first, then the changelog.
//
//	go run ./internal/cmd/specdiff -new ../shared/upstream/api-v2.next.json
//
// Exit status: 0 when the policy is met, 1 when it is not, 2 on errors.
// Policies (-fail-on): "breaking" (default) fails on breaking changes unless
// ALLOW_BREAKING=1; "drift" fails on any difference (the scheduled CI job);
// "never" only reports.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/meibel-ai/meibel-go/internal/specdiff"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("specdiff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	oldSpec := fs.String("old", "api-v2.json", "current spec (path or URL)")
	newSpec := fs.String("new", getenv("NEW"), "spec to compare with (path or URL; default $NEW)")
	tools := fs.String("tools", "tools", "directory of the tools module that pins oasdiff")
	format := fs.String("format", "text", "report format: text or markdown")
	failOn := fs.String("fail-on", "breaking", "exit 1 on: breaking (unless ALLOW_BREAKING=1), drift (any difference), never")
	timeout := fs.Duration("timeout", specdiff.DefaultFetchTimeout, "timeout for fetching a URL")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "specdiff: "+format+"\n", a...)
		return 2
	}
	if *newSpec == "" {
		return fail("no spec to compare with: pass -new PATH_OR_URL (make spec-diff NEW=...)")
	}
	if *format != "text" && *format != "markdown" {
		return fail("unknown -format %q (text or markdown)", *format)
	}
	if *failOn != "breaking" && *failOn != "drift" && *failOn != "never" {
		return fail("unknown -fail-on %q (breaking, drift or never)", *failOn)
	}

	client := &http.Client{Timeout: *timeout}
	oldDoc, err := specdiff.Load(ctx, *oldSpec, client)
	if err != nil {
		return fail("%v", err)
	}
	newDoc, err := specdiff.Load(ctx, *newSpec, client)
	if err != nil {
		return fail("%v", err)
	}
	diffCtx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	report, err := (&specdiff.Differ{ToolsDir: *tools}).Diff(diffCtx, *oldSpec, oldDoc, *newSpec, newDoc)
	if err != nil {
		return fail("%v", err)
	}
	if *format == "markdown" {
		err = report.WriteMarkdown(stdout, 1, "Spec drift")
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		return fail("write report: %v", err)
	}

	switch {
	case *failOn == "drift" && report.Drifted():
		fmt.Fprintf(stderr, "specdiff: upstream spec drifted from %s (%s): run `make spec-update NEW=%s`\n", *oldSpec, report.Summary(), *newSpec)
		return 1
	case *failOn == "breaking" && len(report.Breaking()) > 0:
		if getenv("ALLOW_BREAKING") == "1" {
			fmt.Fprintln(stderr, "specdiff: breaking changes accepted (ALLOW_BREAKING=1)")
			return 0
		}
		fmt.Fprintf(stderr, "specdiff: %s has breaking changes (%s); set ALLOW_BREAKING=1 to accept them\n", *newSpec, report.Summary())
		return 1
	}
	return 0
}
