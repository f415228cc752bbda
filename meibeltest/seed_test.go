package meibeltest_test

import (
	"context"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
	"github.com/meibel-ai/meibel-go/meibeltest"
)

// TestSeedExamples: after seeding, a session can be started by the agent name
// the README uses and the handbook datasource is listed, also on a server
// that accepts only one API key.
func TestSeedExamples(t *testing.T) {
	for _, key := range []string{"", "only-this-key"} {
		clientKey := key
		var opts []meibeltest.Option
		if key == "" {
			clientKey = "any-key"
		} else {
			opts = append(opts, meibeltest.WithAPIKey(key))
		}
		srv, ts := meibeltest.NewHTTPTest(t, opts...)
		if err := srv.SeedExamples(); err != nil {
			t.Fatalf("key %q: %v", key, err)
		}
		c, err := client.New(client.WithAPIKey(clientKey), client.WithBaseURL(ts.URL+"/v2"))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := c.Agents.CreateSessionByName(ctx, meibeltest.ExampleAgentName, nil); err != nil {
			t.Fatalf("key %q: session by name %q: %v", key, meibeltest.ExampleAgentName, err)
		}
		l, err := c.Datasources.ListDatasources(ctx)
		if err != nil || len(l.Datasources) != 1 || l.Datasources[0].Name != meibeltest.ExampleDatasourceName {
			t.Fatalf("key %q: datasources = %+v, %v", key, l, err)
		}
	}
}
