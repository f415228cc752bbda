package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestDemoFileSteps checks the streaming, upload, parse and download steps'
// output against the in-process local server.
func TestDemoFileSteps(t *testing.T) {
	t.Setenv("MEIBEL_API_KEY", "")
	t.Setenv("MEIBEL_BASE_URL", "")
	var out bytes.Buffer
	if code := run(&out); code != 0 {
		t.Fatalf("demo exited %d:\n%s", code, out.String())
	}
	for _, want := range []string{
		"tokens streamed)",
		"] 100% 3145748/3145748 bytes",
		"complete {\"bytes\":3145748,\"files\":2",
		"trace complete",
		"status completed: 2 pages",
		"application/zip: ",
		`Q3 "draft" résumé.md`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
