package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var fixtures = filepath.Join("..", "..", "specdiff", "testdata")

func runSpecdiff(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	args = append([]string{"-tools", filepath.Join("..", "..", "..", "tools")}, args...)
	code = run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitStatus(t *testing.T) {
	base := filepath.Join(fixtures, "base.json")
	breaking := filepath.Join(fixtures, "field-not-nullable.json")
	compatible := filepath.Join(fixtures, "new-operation.json")
	cases := []struct {
		name       string
		env        map[string]string
		args       []string
		want       int
		wantStderr string
	}{
		{"breaking fails", nil, []string{"-old", base, "-new", breaking}, 1, "set ALLOW_BREAKING=1"},
		{"breaking accepted", map[string]string{"ALLOW_BREAKING": "1"}, []string{"-old", base, "-new", breaking}, 0, "accepted (ALLOW_BREAKING=1)"},
		{"NEW from the environment", map[string]string{"NEW": breaking}, []string{"-old", base}, 1, "breaking"},
		{"compatible passes", nil, []string{"-old", base, "-new", compatible}, 0, ""},
		{"drift policy fails on compatible drift", nil, []string{"-old", base, "-new", compatible, "-fail-on", "drift"}, 1, "make spec-update NEW="},
		{"drift policy fails on breaking even when accepted", map[string]string{"ALLOW_BREAKING": "1"}, []string{"-old", base, "-new", breaking, "-fail-on", "drift"}, 1, "drifted"},
		{"drift policy passes on identical", nil, []string{"-old", base, "-new", base, "-fail-on", "drift"}, 0, ""},
		{"never only reports", nil, []string{"-old", base, "-new", breaking, "-fail-on", "never"}, 0, ""},
		{"no NEW", nil, []string{"-old", base}, 2, "pass -new"},
		{"bad policy", nil, []string{"-old", base, "-new", base, "-fail-on", "sometimes"}, 2, "unknown -fail-on"},
		{"missing file", nil, []string{"-old", base, "-new", "nope.json"}, 2, "nope.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runSpecdiff(t, tc.env, tc.args...)
			if code != tc.want || !strings.Contains(stderr, tc.wantStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr containing %q", code, stderr, tc.want, tc.wantStderr)
			}
		})
	}
}

func TestReportFromURL(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join(fixtures, "narrowed-enum.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(spec) }))
	defer srv.Close()
	code, stdout, stderr := runSpecdiff(t, nil, "-old", filepath.Join(fixtures, "base.json"), "-new", srv.URL+"/openapi.json", "-format", "markdown")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (breaking); stderr %s", code, stderr)
	}
	for _, want := range []string{"# Spec drift", "(1.0.0) → " + srv.URL + "/openapi.json (1.1.0)", "## Breaking changes", "removed the enum value `blue`"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
}
