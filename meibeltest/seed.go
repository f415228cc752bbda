package meibeltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"

	"github.com/meibel-ai/meibel-go/internal/contract"
)

// The example data [Server.SeedExamples] creates, which the README's snippets
// and examples/quickstart use.
const (
	// ExampleAgentName is a published agent, so createSessionByName works on it.
	ExampleAgentName = "support-bot"
	// ExampleDatasourceName is an empty datasource.
	ExampleDatasourceName = "handbook"
)

// SeedExamples creates the example data through the API itself (so it passes
// the same validation as any client's requests): a published agent named
// [ExampleAgentName] and a datasource named [ExampleDatasourceName]. The
// standalone server (cmd/meibel-local) starts with it; New does not.
func (s *Server) SeedExamples() error {
	var agent struct {
		ID string `json:"id"`
	}
	if err := s.call("POST", "/agents", map[string]any{
		"name": ExampleAgentName, "display_name": "Support Bot",
		"instructions": "You answer questions about Meibel politely.",
	}, &agent); err != nil {
		return fmt.Errorf("meibeltest: SeedExamples: create agent: %w", err)
	}
	if err := s.call("POST", "/agents/"+agent.ID+"/publish", map[string]any{"commit_message": "seeded by meibeltest"}, nil); err != nil {
		return fmt.Errorf("meibeltest: SeedExamples: publish agent: %w", err)
	}
	if err := s.call("POST", "/datasources", map[string]any{"name": ExampleDatasourceName}, nil); err != nil {
		return fmt.Errorf("meibeltest: SeedExamples: create datasource: %w", err)
	}
	return nil
}

// call sends one JSON request to the server's own handler, in memory.
func (s *Server) call(method, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req := httptest.NewRequest(method, "http://localhost"+contract.BasePath+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(APIKeyHeader, s.apiKey)
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	if rec.Code/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, rec.Code, bytes.TrimSpace(rec.Body.Bytes()))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(rec.Body.Bytes(), out)
}
