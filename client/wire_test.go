package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/client"
)

// recorded is what a test server saw of one request.
type recorded struct {
	method, rawPath, rawQuery string
	header                    http.Header
	body                      string
}

// wireServer answers every request with status, content type and body, and
// records the request.
func wireServer(t *testing.T, status int, contentType, body string) (*client.Client, *recorded) {
	t.Helper()
	rec := &recorded{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*rec = recorded{method: r.Method, rawPath: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery, header: r.Header.Clone(), body: string(b)}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.Header().Set("X-Request-Id", "req-123")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	clearEnv(t)
	// Retries off: these tests look at one exchange (retries: internal/faultsuite).
	c, err := client.New(client.WithAPIKey("secret-key-123"), client.WithBaseURL(srv.URL+"/v2"), client.WithUserAgent("wire-test/1.0"), client.WithRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

func TestWirePathEscapingHeadersAndBody(t *testing.T) {
	c, rec := wireServer(t, 201, "application/json", `{"session_id":"s-1"}`)
	body := &client.CreateSessionRequest{Prompt: nullable.NewNullableWithValue("hi")}
	got, err := c.Agents.CreateSessionByName(context.Background(), "a/b c%é", body)
	if err != nil {
		t.Fatal(err)
	}
	if got.SessionId != "s-1" {
		t.Errorf("SessionId = %q", got.SessionId)
	}
	if rec.method != http.MethodPost {
		t.Errorf("method = %s", rec.method)
	}
	if want := "/v2/agents/name/a%2Fb%20c%25%C3%A9/sessions"; rec.rawPath != want {
		t.Errorf("path = %s, want %s", rec.rawPath, want)
	}
	if k := rec.header.Get("Meibel-API-Key"); k != "secret-key-123" {
		t.Errorf("Meibel-API-Key = %q", k)
	}
	if ct := rec.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if ua := rec.header.Get("User-Agent"); !strings.HasPrefix(ua, "wire-test/1.0 meibel-go/"+client.Version+" (") {
		t.Errorf("User-Agent = %q", ua)
	}
	if rec.body != `{"prompt":"hi"}` {
		t.Errorf("body = %s", rec.body)
	}
}

func TestWireNullBody(t *testing.T) {
	c, rec := wireServer(t, 201, "application/json", `{"session_id":"s-1"}`)
	if _, err := c.Agents.CreateSessionByName(context.Background(), "bot", nil); err != nil {
		t.Fatal(err)
	}
	if rec.body != "null" {
		t.Errorf("body = %q, want null", rec.body)
	}
}

func TestWireQueryAndPerCallOptions(t *testing.T) {
	c, rec := wireServer(t, 200, "application/json", `{"agents":[],"total":0,"offset":0,"limit":5}`)
	limit, sortBy := 5, "name"
	var raw *http.Response
	_, err := c.Agents.ListAgents(context.Background(), &client.ListAgentsParams{Limit: &limit, SortBy: &sortBy},
		client.WithHeader("X-Trace", "t-1"), client.WithResponse(&raw))
	if err != nil {
		t.Fatal(err)
	}
	if rec.method != http.MethodGet || rec.rawPath != "/v2/agents" {
		t.Errorf("request = %s %s", rec.method, rec.rawPath)
	}
	if rec.rawQuery != "limit=5&sort_by=name" {
		t.Errorf("query = %q", rec.rawQuery)
	}
	if rec.header.Get("X-Trace") != "t-1" {
		t.Errorf("per-call header missing: %v", rec.header)
	}
	if raw == nil || raw.Header.Get("X-Request-Id") != "req-123" {
		t.Errorf("WithResponse did not capture the response")
	}
}

func TestAPIErrorNotFound(t *testing.T) {
	c, _ := wireServer(t, 404, "application/json", `{"detail":"no published version of agent \"support-bot\""}`)
	_, err := c.Agents.CreateSessionByName(context.Background(), "support-bot", nil)
	want := `meibel: createSessionByName: 404 Not Found: no published version of agent "support-bot"`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant  %s", err, want)
	}
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%T is not *APIError", err)
	}
	if apiErr.StatusCode != 404 || apiErr.Operation != "createSessionByName" || apiErr.Method != "POST" ||
		apiErr.Path != "/v2/agents/name/support-bot/sessions" || apiErr.RequestID != "req-123" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if !errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrServer) {
		t.Error("errors.Is classes wrong")
	}
}

func TestAPIErrorValidation(t *testing.T) {
	body := `{"detail":[{"loc":["body","name"],"msg":"Field required","type":"missing","input":null},{"loc":["body","items",0],"msg":"bad","type":"x"}]}`
	c, _ := wireServer(t, 422, "application/json", body)
	_, err := c.Agents.CreateAgent(context.Background(), client.CreateAgentDefinitionRequest{})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrValidation) {
		t.Fatalf("err = %v", err)
	}
	if len(apiErr.Detail) != 2 || apiErr.Detail[0].Field() != "body.name" || apiErr.Detail[1].Field() != "body.items.0" || apiErr.Detail[0].Msg != "Field required" || apiErr.Detail[0].Type != "missing" {
		t.Errorf("Detail = %+v", apiErr.Detail)
	}
	if want := "meibel: createAgent: 422 Unprocessable Entity: body.name: Field required (and 1 more)"; err.Error() != want {
		t.Errorf("Error() = %q", err)
	}
}

func TestErrorClasses(t *testing.T) {
	cases := []struct {
		status int
		class  error
	}{
		{400, client.ErrBadRequest}, {401, client.ErrUnauthorized}, {403, client.ErrUnauthorized}, {404, client.ErrNotFound},
		{409, client.ErrConflict}, {422, client.ErrValidation}, {429, client.ErrRateLimited}, {500, client.ErrServer}, {503, client.ErrServer},
	}
	all := []error{client.ErrBadRequest, client.ErrUnauthorized, client.ErrNotFound, client.ErrConflict, client.ErrValidation, client.ErrRateLimited, client.ErrServer}
	for _, tc := range cases {
		err := &client.APIError{StatusCode: tc.status}
		for _, class := range all {
			if got := errors.Is(err, class); got != (class == tc.class) {
				t.Errorf("errors.Is(%d, %v) = %v", tc.status, class, got)
			}
		}
	}
}

func TestAPIErrorBodiesAndKeyScrubbing(t *testing.T) {
	cases := []struct {
		name, ct, body, want string
	}{
		{"html page", "text/html", "<!DOCTYPE html><html><body>Bad gateway</body></html>", "HTML page"},
		{"plain text", "text/plain", "upstream\nfailed", "upstream failed"},
		{"message field", "application/json", `{"message":"slow down"}`, "slow down"},
		{"echoed key", "text/plain", "bad key secret-key-123", "bad key [REDACTED]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := wireServer(t, 500, tc.ct, tc.body)
			_, err := c.Agents.GetAgent(context.Background(), "a")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			var apiErr *client.APIError
			errors.As(err, &apiErr)
			if strings.Contains(err.Error(), "secret-key-123") || strings.Contains(string(apiErr.Body), "secret-key-123") {
				t.Errorf("API key leaked: %v / %s", err, apiErr.Body)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, ct, body, want string
		status               int
	}{
		{"empty body", "application/json", "", "empty body", 200},
		{"truncated", "application/json", `{"agent_id":"a`, "truncated JSON", 200},
		{"wrong content type", "text/html", "<html></html>", "expected an application/json body", 200},
		{"trailing data", "application/json", `{} {}`, "data after the JSON value", 200},
		{"204 where JSON expected", "application/json", "", "204 No Content", 204},
		{"null where an object is expected", "application/json", " null", "JSON null where AgentDetailResponse was expected", 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := wireServer(t, tc.status, tc.ct, tc.body)
			got, err := c.Agents.GetAgent(context.Background(), "a")
			var de *client.DecodeError
			if !errors.As(err, &de) || got != nil {
				t.Fatalf("got %v, err %v; want a *DecodeError", got, err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "getAgent") || de.StatusCode != tc.status ||
				!strings.Contains(err.Error(), tc.ct) || de.ContentType != tc.ct {
				t.Errorf("err = %v, want operation, status, content type %q and %q", err, tc.ct, tc.want)
			}
		})
	}
}

func TestTransportErrorWrapsCause(t *testing.T) {
	clearEnv(t)
	c, err := client.New(client.WithAPIKey("secret-key-123"), client.WithBaseURL("http://127.0.0.1:1/v2"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Agents.GetAgent(ctx, "a")
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "meibel: getAgent: ") {
		t.Fatalf("err = %v", err)
	}
	_, err = c.Agents.GetAgent(context.Background(), "a")
	if err == nil || !strings.Contains(err.Error(), "getAgent") || strings.Contains(err.Error(), "secret-key-123") {
		t.Fatalf("err = %v", err)
	}
}

func TestJSONDecodingIntoModels(t *testing.T) {
	c, _ := wireServer(t, 200, "application/json; charset=utf-8", `[{"job_id":"j1"}]`)
	jobs, err := c.ConfidenceScoring.ListScoringJobs(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(jobs)
	if len(jobs) != 1 || !strings.Contains(string(b), `"j1"`) {
		t.Errorf("jobs = %s", b)
	}
}

// TestStreamAndDownloadRejectWrongContentType: a 200 whose body is JSON or
// an HTML page is not read as events or as the file.
func TestStreamAndDownloadRejectWrongContentType(t *testing.T) {
	c, _ := wireServer(t, 200, "application/json", `{"detail":"not a stream"}`)
	_, err := c.Documents.StreamDocumentTrace(context.Background(), "job-1")
	var de *client.DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "streamDocumentTrace") || !strings.Contains(err.Error(), "text/event-stream") {
		t.Errorf("stream: err = %v", err)
	}
	c, _ = wireServer(t, 200, "text/html", "<html>proxy login</html>")
	_, err = c.DatasourceDownloads.DownloadFile(context.Background(), "ds-1", "job-1")
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "downloadFile") || !strings.Contains(err.Error(), "expected a file (application/zip)") {
		t.Errorf("download: err = %v", err)
	}
}

// A list result of JSON null, whole or streamed (no Content-Length), is a
// *DecodeError, not an empty list.
func TestDecodeNullList(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		clearEnv(t)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "null")
			if chunked {
				w.(http.Flusher).Flush()
			}
		}))
		c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(srv.URL+"/v2"))
		if err != nil {
			t.Fatal(err)
		}
		tables, err := c.TableDescriptions.ListTables(context.Background(), "ds", nil)
		var de *client.DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), "JSON null where []TagTable was expected") || tables != nil {
			t.Errorf("chunked %v: got %v, %v", chunked, tables, err)
		}
		srv.Close()
	}
}
