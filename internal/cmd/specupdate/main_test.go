package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunNeedsNew(t *testing.T) {
	var out, errOut strings.Builder
	code := run(context.Background(), nil, func(string) string { return "" }, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "make spec-update NEW=") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestRunReportsFailure(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "api-v2.json"), []byte(`{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}`), 0o644)
	var out, errOut strings.Builder
	env := map[string]string{"NEW": filepath.Join(root, "missing.json")}
	code := run(context.Background(), []string{"-root", root}, func(k string) string { return env[k] }, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "spec-update: FAILED: ") || !strings.Contains(errOut.String(), "missing.json") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}
