package client_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

// BenchmarkGetAgent is one small call (getAgent, ~1.5 KB JSON) through the
// client, sequentially over one kept-alive loopback connection. Compare with
// BenchmarkGetAgentRawBaseline (target: ≤ 1.25× its ns/op).
func BenchmarkGetAgent(b *testing.B) {
	srv := newCannedServer(b, agentBody)
	c := newBenchClient(b, srv)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		a, err := c.Agents.GetAgent(ctx, "agt_01J9Z7W4Q8M2X5V3K6N1P0R7T2")
		if err != nil {
			b.Fatal(err)
		}
		if a.Id == "" {
			b.Fatal("empty agent")
		}
	}
}

// BenchmarkGetAgentRawBaseline is the same call written by hand with
// net/http and json.Decoder into the same struct type.
func BenchmarkGetAgentRawBaseline(b *testing.B) {
	srv := newCannedServer(b, agentBody)
	hc := rawHTTPClient()
	url := srv.URL + "/v2/agents/agt_01J9Z7W4Q8M2X5V3K6N1P0R7T2"
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var a client.AgentDetailResponse
		if err := rawGetJSON(ctx, hc, url, &a); err != nil {
			b.Fatal(err)
		}
		if a.Id == "" {
			b.Fatal("empty agent")
		}
	}
}

// cannedTransport answers every request in memory with one JSON body, so
// the ...Overhead benchmarks measure only what runs in the process.
type cannedTransport struct{ body []byte }

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)),
		Request:       r,
	}, nil
}

// BenchmarkGetAgentOverhead is BenchmarkGetAgent without the network: the
// transport answers in memory, so the difference to
// BenchmarkGetAgentOverheadRawBaseline is the client's own per-call cost
// (options, request building, header transport, status and decode checks).
func BenchmarkGetAgentOverhead(b *testing.B) {
	hc := &http.Client{Transport: cannedTransport{agentBody}}
	c, err := client.New(client.WithAPIKey(benchAPIKey), client.WithBaseURL("https://meibel.invalid/v2"), client.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Agents.GetAgent(ctx, "agt_01J9Z7W4Q8M2X5V3K6N1P0R7T2"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetAgentOverheadRawBaseline is the hand-written call over the
// same in-memory transport.
func BenchmarkGetAgentOverheadRawBaseline(b *testing.B) {
	hc := &http.Client{Transport: cannedTransport{agentBody}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var a client.AgentDetailResponse
		if err := rawGetJSON(ctx, hc, "http://meibel.invalid/v2/agents/agt_01J9Z7W4Q8M2X5V3K6N1P0R7T2", &a); err != nil {
			b.Fatal(err)
		}
	}
}
