package client_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

// listCase is one list size with its canned body, built once per process.
type listCase struct {
	n    int
	body []byte
}

var listCases = map[int]*listCase{}

func listFixture(n int) *listCase {
	lc, ok := listCases[n]
	if !ok {
		lc = &listCase{n: n, body: listBody(n)}
		listCases[n] = lc
	}
	return lc
}

// listDecoder is one way of fetching and decoding a list: through the client
// or by hand.
type listDecoder func(ctx context.Context) (*client.DataElementListResponse, error)

func clientList(b *testing.B, srv *cannedServer) listDecoder {
	c := newBenchClient(b, srv)
	return func(ctx context.Context) (*client.DataElementListResponse, error) {
		return c.DataElements.ListDataElements(ctx, "ds_01J9Z7W4Q8M2X5V3K6N1P0R7T3", nil)
	}
}

func rawList(b *testing.B, srv *cannedServer) listDecoder {
	hc := rawHTTPClient()
	url := srv.URL + "/v2/datasources/ds_01J9Z7W4Q8M2X5V3K6N1P0R7T3/data-elements"
	return func(ctx context.Context) (*client.DataElementListResponse, error) {
		var out client.DataElementListResponse
		err := rawGetJSON(ctx, hc, url, &out)
		return &out, err
	}
}

// benchList runs fetch+decode of an n-element list and reports, besides
// ns/op and B/op: body-MB, ns/element, B/element, and the peak heap growth of
// one extra call (sampled with runtime/metrics, base taken after a GC) as
// peak-heap-MiB and peak-heap/body.
func benchList(b *testing.B, n int, mk func(*testing.B, *cannedServer) listDecoder) {
	lc := listFixture(n)
	srv := newCannedServer(b, lc.body)
	fetch := mk(b, srv)
	ctx := context.Background()
	check := func(l *client.DataElementListResponse, err error) {
		if err != nil {
			b.Fatal(err)
		}
		if len(l.Items) != n {
			b.Fatalf("got %d items, want %d", len(l.Items), n)
		}
	}

	// Peak heap of one call, outside the timed loop. The result is kept
	// alive until the sampler stops so it counts, as it does for a caller.
	h := startHeapSampler()
	l, err := fetch(ctx)
	peak, retained := h.Stop()
	check(l, err)
	runtime.KeepAlive(l)
	l = nil

	b.SetBytes(int64(len(lc.body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		check(fetch(ctx))
	}
	b.StopTimer()
	ops := float64(b.N)
	b.ReportMetric(float64(len(lc.body))/1e6, "body-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peak)/float64(len(lc.body)), "peak-heap/body")
	b.ReportMetric(float64(retained)/float64(len(lc.body)), "result-heap/body")
	b.ReportMetric(float64(sub0(peak, retained))/float64(len(lc.body)), "decode-heap/body")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/ops/float64(n), "ns/element")
}

// BenchmarkListDataElements fetches and decodes a 10,000-element (~10 MB)
// listDataElements response through the client. Compare with
// BenchmarkListDataElementsRawBaseline (target: ≤ 1.15× its ns/op; peak
// heap ≤ 2× the body size).
func BenchmarkListDataElements(b *testing.B) { benchList(b, 10_000, clientList) }

// BenchmarkListDataElementsRawBaseline is the same list fetched by hand with
// net/http and decoded with json.Decoder into the same type.
func BenchmarkListDataElementsRawBaseline(b *testing.B) { benchList(b, 10_000, rawList) }

// BenchmarkListDataElementsGrowth runs the client's list call at 1k, 10k and
// 100k elements; ns/element and B/element should stay flat (linear growth).
func BenchmarkListDataElementsGrowth(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { benchList(b, n, clientList) })
	}
}
