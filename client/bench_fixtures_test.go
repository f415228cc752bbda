package client_test

// Shared fixtures for the hot-path benchmarks (bench_*_test.go): canned
// response bodies that match the spec's schemas, a loopback server that
// answers them without any validation (so the client's cost is not swamped
// by the server's), a connection counter, the raw net/http baseline, and a
// peak-heap sampler.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
	"github.com/meibel-ai/meibel-go/internal/contract"
)

const benchAPIKey = "bench-key"

// agentBody is a realistic getAgent (AgentDetailResponse) body, ~1.5 KB.
var agentBody = []byte(`{
  "id": "agt_01J9Z7W4Q8M2X5V3K6N1P0R7T2",
  "name": "support-triage",
  "display_name": "Support triage",
  "catalog_urn": "urn:meibel:catalog:acme:agents:support-triage",
  "version": "7",
  "type": "conversational",
  "llm_model": "gpt-4o-2024-08-06",
  "fallback_models": ["claude-3-5-sonnet-20241022", "gpt-4o-mini"],
  "datasources": ["ds_01J9Z7W4Q8M2X5V3K6N1P0R7T3", "ds_01J9Z7W4Q8M2X5V3K6N1P0R7T4"],
  "instructions": "You are the first-line support triage agent for ACME. Read the customer's message, classify it into billing, outage, account or other, look up the relevant knowledge-base articles in the attached datasources, and draft a short, friendly answer. Escalate anything that mentions data loss or security.",
  "tools": [
    {"name": "search_kb", "description": "Search the knowledge base", "parameters": {"query": "string", "top_k": 5}},
    {"name": "open_ticket", "description": "Open a ticket in the tracker", "parameters": {"priority": "string", "summary": "string"}}
  ],
  "artifacts": ["art_triage_rubric_v3"],
  "confidence_configs": ["cc_default"],
  "temperature": 0.2,
  "tags": ["support", "triage", "production"],
  "description": "Classifies and drafts answers for incoming support email.",
  "icon": null,
  "created_at": "2025-01-14T09:30:12Z",
  "created_by": "user_42",
  "execution_policy": null,
  "execution_policy_ids": ["ep_default"],
  "last_execution_status": "succeeded",
  "last_execution_time": "2025-03-02T17:45:00Z",
  "max_tokens": 2048,
  "parent_version": "6"
}`)

// benchElement mirrors DataElementResponse (all eight properties set), used
// only to build canned list bodies.
type benchElement struct {
	ID           string         `json:"id"`
	DatasourceID string         `json:"datasource_id"`
	Name         string         `json:"name"`
	Description  string         `json:"description"`
	MediaType    string         `json:"media_type"`
	Metadata     map[string]any `json:"metadata"`
	CreatedAt    string         `json:"created_at"`
	UpdatedAt    string         `json:"updated_at"`
}

const benchDescription = "Quarterly operations report covering revenue, support volume, incident " +
	"summaries and the roadmap status for the period. Extracted from the finance share by the " +
	"nightly connector; tables were parsed into structured rows and figures were captioned. " +
	"Contains references to customer accounts, so access is limited to the operations group."

// listBody builds a listDataElements (DataElementListResponse) body with n
// elements of ~1 KB each, so 10,000 elements are ~10 MB.
func listBody(n int) []byte {
	items := make([]benchElement, n)
	for i := range items {
		items[i] = benchElement{
			ID:           fmt.Sprintf("de_%08d", i),
			DatasourceID: "ds_01J9Z7W4Q8M2X5V3K6N1P0R7T3",
			Name:         fmt.Sprintf("finance/reports/%d/q%d/operations-report-%06d.pdf", 2020+i%6, 1+i%4, i),
			Description:  benchDescription,
			MediaType:    "application/pdf",
			Metadata: map[string]any{
				"pages":        12 + i%40,
				"author":       "Operations Team",
				"language":     "en",
				"confidential": i%3 == 0,
				"tags":         []string{"finance", "quarterly", "operations"},
				"source":       fmt.Sprintf("s3://acme-finance-share/reports/%d/operations-report-%06d.pdf", 2020+i%6, i),
				"checksum":     fmt.Sprintf("sha256:%064x", uint64(i)*0x9e3779b97f4a7c15),
				"size_bytes":   180000 + i*7,
			},
			CreatedAt: "2025-01-14T09:30:12.123456Z",
			UpdatedAt: "2025-03-02T17:45:00.654321Z",
		}
	}
	b, err := json.Marshal(map[string]any{"items": items, "has_next": true, "next_cursor": "eyJvZmZzZXQiOjEwMDAwfQ"})
	if err != nil {
		panic(err) // fixed, well-formed data: cannot happen
	}
	return b
}

// cannedServer is a loopback HTTP/1.1 server answering every request with one
// fixed JSON body, counting the TCP connections it accepts.
type cannedServer struct {
	*httptest.Server
	conns  atomic.Int64 // accepted
	closed atomic.Int64 // closed (by either side)
}

func newCannedServer(tb testing.TB, body []byte) *cannedServer {
	tb.Helper()
	cs := &cannedServer{}
	length := fmt.Sprint(len(body))
	cs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{length}
		w.Write(body)
	}))
	cs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			cs.conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			cs.closed.Add(1)
		}
	}
	cs.Start()
	tb.Cleanup(cs.Close)
	return cs
}

// newBenchClient is a client with the library's default transport.
func newBenchClient(tb testing.TB, srv *cannedServer) *client.Client {
	tb.Helper()
	c, err := client.New(client.WithAPIKey(benchAPIKey), client.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// rawHTTPClient is what a careful hand-written integration would use: the
// standard transport with enough idle connections for one busy host.
func rawHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 128
	return &http.Client{Transport: t}
}

// rawGetJSON is the hand-written baseline: one request with the same headers
// the client sends, status check, json.Decoder straight from the body.
func rawGetJSON(ctx context.Context, hc *http.Client, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set(client.APIKeyHeader, benchAPIKey)
	req.Header.Set("User-Agent", "raw-baseline")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// heapSampler polls the heap size (live and not yet collected objects, as
// runtime/metrics reports it) to find the peak above a starting point.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	base uint64
	peak atomic.Uint64
}

var heapMetric = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

var heapMu sync.Mutex // metrics.Read on one shared slice

func heapObjects() uint64 {
	heapMu.Lock()
	defer heapMu.Unlock()
	metrics.Read(heapMetric)
	return heapMetric[0].Value.Uint64()
}

// startHeapSampler collects garbage, records the heap as the base, and
// samples it every 100µs until stop.
func startHeapSampler() *heapSampler {
	// Two cycles: the first moves sync.Pool contents (e.g. encoding/json's
	// buffer from building the fixture) to the victim cache, the second frees them.
	runtime.GC()
	runtime.GC()
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{}), base: heapObjects()}
	h.peak.Store(h.base)
	go func() {
		defer close(h.done)
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				if v := heapObjects(); v > h.peak.Load() {
					h.peak.Store(v)
				}
			}
		}
	}()
	return h
}

// Stop ends sampling and returns the peak heap growth above the base, and
// the growth still live after a GC (what the caller holds, e.g. the decoded
// result, which it must keep reachable until Stop returns), in bytes.
func (h *heapSampler) Stop() (peak, retained uint64) {
	if v := heapObjects(); v > h.peak.Load() {
		h.peak.Store(v)
	}
	close(h.stop)
	<-h.done
	runtime.GC()
	return sub0(h.peak.Load(), h.base), sub0(heapObjects(), h.base)
}

func sub0(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return 0
}

// settleGoroutines waits (up to 5 s) for the goroutine count to drop to
// want, and returns the count it ended at.
func settleGoroutines(want int) int {
	deadline := time.Now().Add(5 * time.Second)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// TestBenchFixturesMatchSpec keeps the canned benchmark bodies honest: they
// must be valid responses of their operations according to api-v2.json.
func TestBenchFixturesMatchSpec(t *testing.T) {
	v, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	for path, body := range map[string][]byte{
		"/v2/agents/agt_1":                   agentBody,
		"/v2/datasources/ds_1/data-elements": listBody(50),
		"/v2/datasources/ds_2/data-elements": listBody(0),
	} {
		req := httptest.NewRequest(http.MethodGet, "http://localhost"+path, nil)
		if err := v.ValidateResponse(req, http.StatusOK, h, body); err != nil {
			t.Errorf("GET %s: canned body does not match the spec: %v", path, err)
		}
	}
}
