package client_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// A client tuned for a batch job: more retries, a debug log of every
// attempt (the key is shown as [REDACTED]), and a longer wait for the
// headers of slow synchronous operations.
func ExampleWithRetries() {
	c, err := client.New(
		client.WithAPIKey(os.Getenv("MEIBEL_API_KEY")),
		client.WithRetries(4),
		client.WithRetryBackoff(time.Second, 30*time.Second),
		client.WithHeaderTimeout(5*time.Minute),
		client.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	// One call that must not be retried, and one POST known to be safe to repeat.
	_, err = c.Agents.GetAgent(context.Background(), "support-bot", client.WithRetries(0))
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && errors.Is(err, client.ErrRateLimited) {
		fmt.Println("rate limited after", apiErr.Attempts, "attempts; server asks to wait", apiErr.RetryAfter)
	}
	_, _ = c.Agents.CreateAgent(context.Background(), client.CreateAgentDefinitionRequest{DisplayName: "Support"}, client.WithRetryNonIdempotent())
}
