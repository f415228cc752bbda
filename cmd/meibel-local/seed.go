package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/meibel-ai/meibel-go/client"
)

// SeedAgentName is the published agent the server starts with, so that the
// README's examples (session by name "support-bot") work at once.
const SeedAgentName = "support-bot"

// seed creates the starting data through the API itself (in memory, through
// the same validating handler): a published agent named support-bot and a
// datasource named handbook.
func seed(ctx context.Context, h http.Handler, apiKey string) error {
	c, err := client.New(
		client.WithAPIKey(apiKey),
		client.WithBaseURL("http://localhost/v2"),
		client.WithHTTPClient(&http.Client{Transport: handlerTransport{h}}),
	)
	if err != nil {
		return err
	}
	a, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{
		DisplayName:          "Support Bot",
		Instructions:         "You answer questions about Meibel politely.",
		AdditionalProperties: map[string]any{"name": SeedAgentName},
	})
	if err != nil {
		return fmt.Errorf("seed agent: %w", err)
	}
	if _, err := c.Agents.PublishAgent(ctx, a.Id, nil, client.PublishAgentDefinitionRequest{CommitMessage: "seeded by meibel-local"}); err != nil {
		return fmt.Errorf("seed agent: %w", err)
	}
	if _, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "handbook"}); err != nil {
		return fmt.Errorf("seed datasource: %w", err)
	}
	return nil
}

// handlerTransport serves requests from an http.Handler without a network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}
