package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// A client tuned for a batch job: more retries with a longer backoff (a
// debug log of every attempt, with the key shown as [REDACTED], would be
// client.WithLogger(slog.New(...))). Here a server rate-limits the first
// two attempts; the client waits as Retry-After asks and the third succeeds.
// A call with WithRetries(0) gets the 429 as an *APIError instead.
func ExampleWithRetries() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1)%3 != 0 { // two 429s, then a success
			w.Header().Set("Retry-After", "0")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"detail":"rate limit exceeded"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(agentBody)
	}))
	defer srv.Close()

	c, err := client.New(
		client.WithAPIKey("example-key"),
		client.WithBaseURL(srv.URL+"/v2"),
		client.WithRetries(4),
		client.WithRetryBackoff(10*time.Millisecond, time.Second),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	agent, err := c.Agents.GetAgent(ctx, "agt_1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(agent.Name, "after", calls.Load(), "attempts")

	// One call that must not be retried.
	_, err = c.Agents.GetAgent(ctx, "agt_1", client.WithRetries(0))
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && errors.Is(err, client.ErrRateLimited) {
		fmt.Println("rate limited after", apiErr.Attempts, "attempt:", apiErr.Message)
	}
	// Output:
	// support-triage after 3 attempts
	// rate limited after 1 attempt: rate limit exceeded
}
