package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// headerServer records the headers of every request and answers with a
// rate-limit and request-id header; path /slow waits for the client to go.
func headerServer(t *testing.T, opts ...client.Option) (*client.Client, func() []http.Header) {
	t.Helper()
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		if r.URL.Path == "/v2/agents/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-42")
		w.Header().Set("X-RateLimit-Limit", "100")
		w.Header().Set("X-RateLimit-Remaining", "99")
		if r.URL.Path == "/v2/agents/limited" {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"detail":"Rate limit exceeded"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"session_id":"s-1"}`)
	}))
	t.Cleanup(srv.Close)
	clearEnv(t)
	c, err := client.New(append([]client.Option{client.WithAPIKey("k"), client.WithBaseURL(srv.URL + "/v2")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, func() []http.Header {
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}

func TestPerCallHeaderAppliesToThatCallOnly(t *testing.T) {
	c, seen := headerServer(t, client.WithHeader("X-Tenant", "client-wide"))
	ctx := context.Background()
	if _, err := c.Agents.CreateSessionByName(ctx, "bot", nil, client.WithHeader("X-Trace", "t-1"), client.WithHeader("X-Tenant", "per-call")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Agents.CreateSessionByName(ctx, "bot", nil); err != nil {
		t.Fatal(err)
	}
	h := seen()
	if h[0].Get("X-Trace") != "t-1" || h[0].Get("X-Tenant") != "per-call" {
		t.Errorf("first call headers: X-Trace=%q X-Tenant=%q", h[0].Get("X-Trace"), h[0].Get("X-Tenant"))
	}
	if h[1].Get("X-Trace") != "" || h[1].Get("X-Tenant") != "client-wide" {
		t.Errorf("second call headers leaked from the first: X-Trace=%q X-Tenant=%q", h[1].Get("X-Trace"), h[1].Get("X-Tenant"))
	}
	if h[0].Get(client.APIKeyHeader) != "k" {
		t.Errorf("API key header missing")
	}
	// A per-call header cannot replace the API key.
	if _, err := c.Agents.CreateSessionByName(ctx, "bot", nil, client.WithHeader(client.APIKeyHeader, "other")); err != nil {
		t.Fatal(err)
	}
	if got := seen()[2].Get(client.APIKeyHeader); got != "k" {
		t.Errorf("per-call header replaced the API key: %q", got)
	}
}

func TestPerCallTimeout(t *testing.T) {
	c, _ := headerServer(t, client.WithTimeout(time.Minute))
	start := time.Now()
	_, err := c.Agents.GetAgent(context.Background(), "slow", client.WithTimeout(50*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the per-call timeout did not cut the call short: %v", d)
	}
	// The next call runs with the client's timeout again.
	if _, err := c.Agents.CreateSessionByName(context.Background(), "bot", nil); err != nil {
		t.Errorf("call after a timed-out call: %v", err)
	}
}

func TestPerCallResponseCapture(t *testing.T) {
	c, _ := headerServer(t)
	var raw *http.Response
	got, err := c.Agents.CreateSessionByName(context.Background(), "bot", nil, client.WithResponse(&raw))
	if err != nil || got.SessionId != "s-1" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if raw == nil {
		t.Fatal("WithResponse captured nothing")
	}
	if raw.StatusCode != http.StatusCreated || raw.Header.Get("X-RateLimit-Remaining") != "99" || raw.Header.Get("X-Request-Id") != "req-42" {
		t.Errorf("captured status %d, rate limit %q, request id %q", raw.StatusCode, raw.Header.Get("X-RateLimit-Remaining"), raw.Header.Get("X-Request-Id"))
	}
	// The captured response's request is the caller's, without the key the
	// transport added (a logged response must not show it).
	if raw.Request == nil || raw.Request.URL.Path != "/v2/agents/name/bot/sessions" || raw.Request.Header.Get(client.APIKeyHeader) != "" {
		t.Errorf("captured request %v with key header %q", raw.Request.URL, raw.Request.Header.Get(client.APIKeyHeader))
	}

	// On an error the response is captured too, and the *APIError carries
	// the same headers.
	var failed *http.Response
	_, err = c.Agents.GetAgent(context.Background(), "limited", client.WithResponse(&failed), client.WithRetries(0))
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrRateLimited) {
		t.Fatalf("err = %v, want a rate-limited *APIError", err)
	}
	if failed == nil || failed.StatusCode != http.StatusTooManyRequests || failed.Header.Get("Retry-After") != "7" {
		t.Errorf("captured %+v", failed)
	}
	if apiErr.RequestID != "req-42" || apiErr.Header.Get("X-RateLimit-Limit") != "100" {
		t.Errorf("APIError request id %q, rate limit %q", apiErr.RequestID, apiErr.Header.Get("X-RateLimit-Limit"))
	}
	// Other calls are not captured.
	raw = nil
	if _, err := c.Agents.CreateSessionByName(context.Background(), "bot", nil); err != nil {
		t.Fatal(err)
	}
	if raw != nil {
		t.Error("a call without WithResponse wrote the earlier destination")
	}
}
