package main

import (
	"context"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
	"github.com/meibel-ai/meibel-go/meibeltest"
)

// The quickstart runs against the local server: datasources listed, a
// session started by agent name, and the 422 it provokes recognised.
func TestQuickstartAgainstLocalServer(t *testing.T) {
	_, ts := meibeltest.NewHTTPTest(t)
	t.Setenv(client.EnvAPIKey, "dev")
	t.Setenv(client.EnvBaseURL, ts.URL+"/v2")
	t.Setenv(client.EnvEnvironment, "")
	ctx := context.Background()
	c, err := client.New()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "handbook"}); err != nil {
		t.Fatal(err)
	}
	agent, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: "Support Bot", Instructions: "Help."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Agents.PublishAgent(ctx, agent.Id, nil, client.PublishAgentDefinitionRequest{CommitMessage: "v1"}); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, "support-bot"); err != nil {
		t.Fatal(err)
	}
}
