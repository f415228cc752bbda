package client_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
	"github.com/meibel-ai/meibel-go/meibeltest"
)

// TestIteratorsAgainstLocalServer pages through the in-memory server, whose
// requests and responses are all checked against api-v2.json.
func TestIteratorsAgainstLocalServer(t *testing.T) {
	srv, ts := meibeltest.NewHTTPTest(t)
	var requests atomic.Int64
	counting := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		requests.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	clearEnv(t)
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(ts.URL+"/v2"), client.WithHTTPClient(counting))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "docs"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SeedDataElements(ds.Id, 1001); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 7, 100, 1000} {
		t.Run(fmt.Sprintf("listDataElements/limit=%d", size), func(t *testing.T) {
			requests.Store(0)
			seen := map[string]bool{}
			for el, err := range c.DataElements.ListDataElementsIter(ctx, ds.Id, &client.ListDataElementsParams{Limit: &size}) {
				if err != nil {
					t.Fatal(err)
				}
				if seen[el.Id] {
					t.Fatalf("%s seen twice", el.Id)
				}
				seen[el.Id] = true
			}
			if len(seen) != 1001 {
				t.Errorf("saw %d elements, want 1001", len(seen))
			}
			if want := int64((1001 + size - 1) / size); requests.Load() != want {
				t.Errorf("requests = %d, want %d", requests.Load(), want)
			}
		})
	}

	for i := range 23 {
		if _, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: fmt.Sprintf("Agent %02d", i), Instructions: "Help."}); err != nil {
			t.Fatal(err)
		}
	}
	requests.Store(0)
	limit := 5
	var names []string
	for a, err := range c.Agents.ListAgentsIter(ctx, &client.ListAgentsParams{Limit: &limit}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, a.Name)
	}
	if len(names) != 23 || requests.Load() != 5 {
		t.Errorf("listAgents: %d agents in %d requests, want 23 in 5: %s", len(names), requests.Load(), strings.Join(names, ","))
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
