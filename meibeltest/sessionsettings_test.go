package meibeltest

import (
	"slices"
	"testing"
)

// TestSessionKeepsCreateSessionSettings: the CreateSessionRequest fields of
// spec 0.7.0 are accepted and kept with the session, on both create
// operations; responses still validate (NewHTTPTest fails on a violation).
func TestSessionKeepsCreateSessionSettings(t *testing.T) {
	srv, ts := NewHTTPTest(t)
	id := createAgent(t, ts, map[string]any{"display_name": "Policy Bot", "instructions": "x"})
	expect(t, do(t, ts, "POST", "/agents/"+id+"/publish", map[string]any{"commit_message": "v1"}), 200)

	body := map[string]any{
		"prompt":                          "hi",
		"max_iterations_per_user_message": 3,
		"message_wait_timeout_seconds":    90,
		"execution_policy_ids":            []string{"pol-1", "pol-2"},
		"execution_policy":                map[string]any{"datasources": map[string]any{}},
	}
	for _, path := range []string{"/agents/" + id + "/sessions", "/agents/name/policy-bot/sessions"} {
		r := do(t, ts, "POST", path, body)
		expect(t, r, 201)
		sid := r.obj(t)["session_id"].(string)
		st, ok := srv.SessionSettings(sid)
		if !ok {
			t.Fatalf("%s: session %s not found", path, sid)
		}
		if st.MaxIterationsPerUserMessage == nil || *st.MaxIterationsPerUserMessage != 3 ||
			st.MessageWaitTimeoutSeconds == nil || *st.MessageWaitTimeoutSeconds != 90 ||
			!slices.Equal(st.ExecutionPolicyIDs, []string{"pol-1", "pol-2"}) ||
			st.ExecutionPolicy == nil || !st.ExecutionPolicy.Datasources.IsSpecified() {
			t.Errorf("%s: settings %+v", path, st)
		}
		expect(t, do(t, ts, "GET", "/sessions/"+sid, nil), 200)
	}

	// Without the fields, nothing is kept.
	r := do(t, ts, "POST", "/agents/"+id+"/sessions", map[string]any{})
	expect(t, r, 201)
	if st, _ := srv.SessionSettings(r.obj(t)["session_id"].(string)); st.MaxIterationsPerUserMessage != nil ||
		st.MessageWaitTimeoutSeconds != nil || st.ExecutionPolicyIDs != nil || st.ExecutionPolicy != nil {
		t.Errorf("empty request: settings %+v", st)
	}
	if _, ok := srv.SessionSettings("ses_missing"); ok {
		t.Error("SessionSettings of an unknown session reported ok")
	}

	// Since 0.7.0 max_iterations_per_user_message is not nullable: null is a 422.
	r = do(t, ts, "POST", "/agents/"+id+"/sessions", map[string]any{"max_iterations_per_user_message": nil})
	expect(t, r, 422)
}
