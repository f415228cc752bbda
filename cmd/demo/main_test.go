package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestDemoAgainstLocalServer runs the whole scenario against the in-process
// local server, as `make demo` does on a machine without MEIBEL_API_KEY.
func TestDemoAgainstLocalServer(t *testing.T) {
	t.Setenv("MEIBEL_API_KEY", "")
	t.Setenv("MEIBEL_BASE_URL", "")
	t.Setenv("MEIBEL_ENVIRONMENT", "")
	var out bytes.Buffer
	if code := run(&out); code != 0 {
		t.Fatalf("demo exited %d:\n%s", code, out.String())
	}
	for _, want := range []string{
		"running against the in-process local Meibel server",
		"agent: ",
		"settings sent: message_wait_timeout_seconds=120 execution_policy_ids=[policy-demo-readonly] execution_policy.tools disabled=[web_search] max_iterations_per_user_message=4",
		"kept by the local server: message_wait_timeout_seconds=120 execution_policy_ids=[policy-demo-readonly] execution_policy.tools disabled=[web_search] max_iterations_per_user_message=4",
		`404 Not Found: no published version of agent "demo-draft-bot-`,
		// the streaming, upload, parse and download steps
		"tokens streamed)",
		"] 100% 3145748/3145748 bytes",
		"complete {\"bytes\":3145748,\"files\":2",
		"trace complete",
		"status completed: 2 pages",
		"application/zip: ",
		`Q3 "draft" résumé.md`,
		"steps passed.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
