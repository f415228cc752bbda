package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/client"
	"github.com/meibel-ai/meibel-go/internal/contract"
	"github.com/meibel-ai/meibel-go/meibeltest"
)

// contractClient returns a client talking to a fresh local server through a
// RoundTripper that validates every request and response against
// api-v2.json; any violation fails the test. The server also validates both
// sides. paths records the escaped path of every request sent.
func contractClient(t *testing.T) (*client.Client, *meibeltest.Server, *pathLog) {
	t.Helper()
	srv, ts := meibeltest.NewHTTPTest(t)
	v, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	log := &pathLog{next: http.DefaultTransport}
	hc := &http.Client{Transport: v.RoundTripper(log, func(err error) { t.Errorf("contract violation: %v", err) })}
	clearEnv(t)
	c, err := client.New(client.WithAPIKey("contract-key"), client.WithBaseURL(ts.URL+"/v2"), client.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	return c, srv, log
}

type pathLog struct {
	mu    sync.Mutex
	paths []string
	next  http.RoundTripper
}

func (p *pathLog) RoundTrip(r *http.Request) (*http.Response, error) {
	p.mu.Lock()
	p.paths = append(p.paths, r.Method+" "+r.URL.EscapedPath())
	p.mu.Unlock()
	return p.next.RoundTrip(r)
}

func (p *pathLog) has(s string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, x := range p.paths {
		if x == s {
			return true
		}
	}
	return false
}

// TestContractScenario drives every operation the local server implements
// through the client; requests and responses are validated on both sides.
func TestContractScenario(t *testing.T) {
	c, srv, log := contractClient(t)
	ctx := context.Background()

	agent, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{
		DisplayName: "Support Bot", Instructions: "Be helpful.",
		Tags: nullable.NewNullableWithValue([]string{"demo"}),
	})
	must(t, err)
	got, err := c.Agents.GetAgent(ctx, agent.Id)
	must(t, err)
	if got.Id != agent.Id {
		t.Errorf("GetAgent id = %s", got.Id)
	}
	_, err = c.Agents.UpdateAgent(ctx, agent.Id, client.UpdateAgentDefinitionRequest{Instructions: nullable.NewNullableWithValue("Be brief.")})
	must(t, err)

	// Not published yet: session by name is a 404 with the server's message.
	_, err = c.Agents.CreateSessionByName(ctx, agent.Name, nil)
	if !errors.Is(err, client.ErrNotFound) || !strings.Contains(err.Error(), "no published version") {
		t.Fatalf("session for unpublished agent: %v", err)
	}

	_, err = c.Agents.PublishAgent(ctx, agent.Id, nil, client.PublishAgentDefinitionRequest{CommitMessage: "v1"})
	must(t, err)
	versions, err := c.Agents.ListAgentVersions(ctx, agent.Id, nil)
	must(t, err)
	if len(versions.Data) == 0 {
		t.Error("no versions after publish")
	}
	limit := 10
	agents, err := c.Agents.ListAgents(ctx, &client.ListAgentsParams{Limit: &limit})
	must(t, err)
	if agents.Total != 1 {
		t.Errorf("ListAgents total = %d", agents.Total)
	}

	sess, err := c.Agents.CreateSessionByName(ctx, agent.Name, &client.CreateSessionRequest{})
	must(t, err)
	_, err = c.Agents.CreateSession(ctx, agent.Id, &client.CreateSessionRequest{})
	must(t, err)
	sessions, err := c.Agents.ListSessions(ctx, agent.Id, nil)
	must(t, err)
	if sessions.Total != 2 {
		t.Errorf("ListSessions total = %d", sessions.Total)
	}
	_, err = c.Sessions.GetSession(ctx, sess.SessionId)
	must(t, err)
	reply, err := c.Sessions.SendChatMessage(ctx, sess.SessionId, client.ChatMessageRequest{UserMessage: "hello there"})
	must(t, err)
	if reply.AssistantResponse != meibeltest.Reply(agent.Name, "hello there") {
		t.Errorf("reply = %q", reply.AssistantResponse)
	}
	msgs, err := c.Sessions.GetSessionMessages(ctx, sess.SessionId)
	must(t, err)
	if len(msgs.Messages) != 2 {
		t.Errorf("messages = %d, want 2", len(msgs.Messages))
	}

	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "docs"})
	must(t, err)
	_, err = c.Datasources.UpdateDatasource(ctx, ds.Id, client.UpdateDatasourceRequest{Description: nullable.NewNullableWithValue("all docs")})
	must(t, err)
	_, err = c.Datasources.GetDatasource(ctx, ds.Id, nil)
	must(t, err)
	list, err := c.Datasources.ListDatasources(ctx)
	must(t, err)
	if len(list.Datasources) != 1 {
		t.Errorf("datasources = %d", len(list.Datasources))
	}
	must(t, srv.SeedDataElements(ds.Id, 25))
	elems, err := c.DataElements.ListDataElements(ctx, ds.Id, &client.ListDataElementsParams{Limit: &limit})
	must(t, err)
	if len(elems.Items) != 10 {
		t.Errorf("data elements page = %d", len(elems.Items))
	}
	_, err = c.DataElements.GetDataElement(ctx, ds.Id, elems.Items[0].Id)
	must(t, err)
	_, err = c.DataElements.SearchDataElements(ctx, ds.Id, nil, client.DataElementSearchRequest{})
	must(t, err)

	must(t, c.Agents.DeleteAgent(ctx, agent.Id))
	_, err = c.Datasources.DeleteDatasource(ctx, ds.Id)
	must(t, err)
	_, err = c.Agents.GetAgent(ctx, agent.Id)
	if !errors.Is(err, client.ErrNotFound) {
		t.Errorf("get deleted agent: %v", err)
	}
	if !log.has("DELETE /v2/agents/" + agent.Id) {
		t.Errorf("paths sent: %v", log.paths)
	}
}

// TestContractPathEscaping sends an agent name with a slash, a space, a
// percent sign and a non-ASCII letter: it must reach the server as one path
// segment, and the server must find the agent by it.
func TestContractPathEscaping(t *testing.T) {
	c, _, log := contractClient(t)
	ctx := context.Background()
	const name = "a/b c%é"
	a, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{
		DisplayName: "Odd name", Instructions: "x",
		AdditionalProperties: map[string]any{"name": name},
	})
	must(t, err)
	if a.Name != name {
		t.Fatalf("agent name = %q", a.Name)
	}
	_, err = c.Agents.PublishAgent(ctx, a.Id, nil, client.PublishAgentDefinitionRequest{CommitMessage: "v1"})
	must(t, err)
	if _, err := c.Agents.CreateSessionByName(ctx, name, nil); err != nil {
		t.Fatalf("session by escaped name: %v", err)
	}
	if want := "POST /v2/agents/name/a%2Fb%20c%25%C3%A9/sessions"; !log.has(want) {
		t.Errorf("no request %q in %v", want, log.paths)
	}
}

// TestContractValidationError checks that a request the server rejects
// comes back as an *APIError with FastAPI's detail parsed.
func TestContractValidationError(t *testing.T) {
	c, srv, _ := contractClient(t)
	ctx := context.Background()
	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "d"})
	must(t, err)
	must(t, srv.SeedDataElements(ds.Id, 3))
	bad := "not-a-cursor"
	_, err = c.DataElements.ListDataElements(ctx, ds.Id, &client.ListDataElementsParams{Cursor: &bad})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrValidation) || len(apiErr.Detail) == 0 {
		t.Fatalf("err = %v", err)
	}
	if f := apiErr.Detail[0].Field(); !strings.Contains(f, "cursor") {
		t.Errorf("detail field = %q, want the cursor parameter", f)
	}
	if apiErr.RequestID == "" {
		t.Error("no request id")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
