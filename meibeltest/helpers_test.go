package meibeltest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// reply is a decoded response.
type reply struct {
	status int
	header http.Header
	raw    []byte
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.raw, v); err != nil {
		t.Fatalf("decode %s: %v", r.raw, err)
	}
}

// obj decodes the body as a JSON object.
func (r reply) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.json(t, &m)
	return m
}

func do(t *testing.T, ts *httptest.Server, method, path string, body any) reply {
	t.Helper()
	return doKey(t, ts, method, path, body, "test-key")
}

// doKey sends a request under /v2 (path is already escaped); body is JSON
// unless it is nil or []byte.
func doKey(t *testing.T, ts *httptest.Server, method, path string, body any, key string) reply {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ts.URL+"/v2"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set(APIKeyHeader, key)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, raw: raw}
}

func expect(t *testing.T, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
}

// detail returns a string detail.
func detail(t *testing.T, r reply) string {
	t.Helper()
	var e struct{ Detail string }
	r.json(t, &e)
	return e.Detail
}

// createAgent creates an agent and returns its id.
func createAgent(t *testing.T, ts *httptest.Server, body map[string]any) string {
	t.Helper()
	r := do(t, ts, "POST", "/agents", body)
	expect(t, r, 201)
	return r.obj(t)["id"].(string)
}

// newClient returns a client of the test server (its environment ignored).
func newClient(t *testing.T, ts *httptest.Server) *client.Client {
	t.Helper()
	for _, k := range []string{client.EnvAPIKey, client.EnvBaseURL, client.EnvEnvironment} {
		t.Setenv(k, "")
	}
	c, err := client.New(client.WithAPIKey("test-key"), client.WithBaseURL(ts.URL+"/v2"), client.WithHTTPClient(ts.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantStatus fails unless err is a client *APIError with this status.
func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.StatusCode != status {
		t.Fatalf("error %v, want status %d", err, status)
	}
}

// slowJobs keeps document and deep-transform jobs running (for an hour) in
// this test, so that a check of the running phase does not race the clock
// on a loaded machine; finishJobs then completes them. Call it before the
// server starts: the durations are package variables its handlers read.
func slowJobs(t *testing.T) {
	t.Helper()
	parse, deep := ParseDuration, DeepTransformDuration
	ParseDuration, DeepTransformDuration = time.Hour, time.Hour
	t.Cleanup(func() { ParseDuration, DeepTransformDuration = parse, deep })
}

// finishJobs ages every document and deep-transform job of s past its
// duration, under the lock its handlers take.
func finishJobs(s *Server) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	for _, j := range s.store.deep {
		j.created = j.created.Add(-2 * time.Hour)
	}
	for _, j := range s.store.files.documents {
		j.created = j.created.Add(-2 * time.Hour)
	}
}
