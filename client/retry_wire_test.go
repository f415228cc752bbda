package client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// countingServer answers every request with h and counts them.
func countingServer(t *testing.T, h http.HandlerFunc) (*client.Client, *atomic.Int32) {
	t.Helper()
	clearEnv(t)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

// A request built with Generated() under an already-cancelled context is
// not sent: the transport chain checks the context itself.
func TestGeneratedClientSendsNothingOnCancelledContext(t *testing.T) {
	c, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Generated().GetAgent(ctx, "a")
	if !errors.Is(err, context.Canceled) || n.Load() != 0 {
		t.Fatalf("err = %v, requests = %d; want context.Canceled and none sent", err, n.Load())
	}
}

// WithMaxRetryWait sets how long a server-requested wait may be: within it
// the call waits and retries; beyond it the call gives up at once, and the
// error says why.
func TestWithMaxRetryWait(t *testing.T) {
	c, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err := c.Agents.GetAgent(context.Background(), "a", client.WithMaxRetryWait(500*time.Millisecond))
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || n.Load() != 1 {
		t.Fatalf("err = %v after %d requests; want one request and the *APIError", err, n.Load())
	}
	if apiErr.RetryAfter != time.Second || !strings.Contains(err.Error(), "not retried: longer than client.WithMaxRetryWait(500ms) allows") {
		t.Errorf("err = %v (RetryAfter %v)", err, apiErr.RetryAfter)
	}

	n.Store(0)
	_, err = c.Agents.GetAgent(context.Background(), "a", client.WithMaxRetryWait(2*time.Second), client.WithRetries(1))
	if !errors.As(err, &apiErr) || n.Load() != 2 || apiErr.Attempts != 2 || strings.Contains(err.Error(), "not retried") {
		t.Fatalf("err = %v after %d requests; want 2 attempts, the second after the 1s wait", err, n.Load())
	}
}

// TestDecodeErrorAfterRetriesSaysTheAttempt: when a retried call finally gets
// a success it cannot decode, the error says which attempt that was.
func TestDecodeErrorAfterRetriesSaysTheAttempt(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id": "agt_1", "na`)
	}))
	defer srv.Close()
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(srv.URL+"/v2"), client.WithRetryBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Agents.GetAgent(context.Background(), "agt_1")
	var de *client.DecodeError
	if !errors.As(err, &de) || de.Attempts != 3 || !strings.Contains(err.Error(), "(attempt 3)") || !strings.Contains(err.Error(), "truncated JSON") {
		t.Fatalf("err = %v (DecodeError %+v), want a truncated-JSON DecodeError naming attempt 3", err, de)
	}
	// A call that was not retried says nothing about attempts.
	n.Store(2)
	_, err = c.Agents.GetAgent(context.Background(), "agt_1")
	if !errors.As(err, &de) || de.Attempts != 1 || strings.Contains(err.Error(), "attempt") {
		t.Fatalf("first-attempt decode error: %v (Attempts %d)", err, de.Attempts)
	}
}
