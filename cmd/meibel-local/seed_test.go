package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
	"github.com/meibel-ai/meibel-go/meibeltest"
)

// TestSeedMakesSupportBotAvailable: after seeding, a session can be started
// by the name the README uses, and the handbook datasource is listed.
func TestSeedMakesSupportBotAvailable(t *testing.T) {
	srv := meibeltest.New()
	if err := seed(context.Background(), srv.Handler(), "any-key"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(ts.URL+"/v2"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Agents.CreateSessionByName(ctx, SeedAgentName, nil); err != nil {
		t.Fatalf("session by name %q: %v", SeedAgentName, err)
	}
	l, err := c.Datasources.ListDatasources(ctx)
	if err != nil || len(l.Datasources) != 1 || l.Datasources[0].Name != "handbook" {
		t.Fatalf("datasources = %+v, %v", l, err)
	}
}
