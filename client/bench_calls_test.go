package client_test

import (
	"context"
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
