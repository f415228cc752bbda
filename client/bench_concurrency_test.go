package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// concurrencyResult is what one run of the concurrency workload measured.
type concurrencyResult struct {
	calls, errs     int64
	elapsed         time.Duration
	p50, p99        time.Duration
	conns           int64 // TCP connections the server accepted during the run
	closed          int64 // connections closed during the run (churn)
	goroutineGrowth int   // goroutines left after the run, connections closed
}

// runConcurrency issues total calls from workers goroutines through call and
// measures them. Afterwards the server closes every connection and the
// goroutine count must return to what it was before the run.
func runConcurrency(srv *cannedServer, workers, total int, call func(context.Context) error) concurrencyResult {
	before := runtime.NumGoroutine()
	conns0, closed0 := srv.conns.Load(), srv.closed.Load()
	ctx := context.Background()
	var next, errs atomic.Int64
	lat := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			mine := make([]time.Duration, 0, total/workers+1)
			for next.Add(1) <= int64(total) {
				t0 := time.Now()
				if err := call(ctx); err != nil {
					errs.Add(1)
				}
				mine = append(mine, time.Since(t0))
			}
			lat[w] = mine
		})
	}
	wg.Wait()
	r := concurrencyResult{calls: int64(total), errs: errs.Load(), elapsed: time.Since(start), conns: srv.conns.Load() - conns0, closed: srv.closed.Load() - closed0}
	all := slices.Concat(lat...)
	slices.Sort(all)
	r.p50, r.p99 = all[len(all)*50/100], all[len(all)*99/100]
	srv.CloseClientConnections()
	r.goroutineGrowth = settleGoroutines(before) - before
	return r
}

func (r concurrencyResult) report(b *testing.B) {
	b.ReportMetric(float64(r.calls)/r.elapsed.Seconds(), "calls/s")
	b.ReportMetric(float64(r.p50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(r.p99.Microseconds()), "p99-µs")
	b.ReportMetric(float64(r.conns), "conns")
	b.ReportMetric(float64(r.closed), "conns-closed")
	b.ReportMetric(float64(r.errs), "errors")
	b.ReportMetric(float64(r.goroutineGrowth), "goroutine-growth")
}

const (
	concWorkers = 64
	concCalls   = 20_000
)

// BenchmarkConcurrency: 64 goroutines issue 20,000 getAgent calls in total
// through one client with the default transport (a fresh client per
// iteration, so conns counts the connections one run opens; target ≤ 72).
// Reports calls/s, p50/p99 latency, conns, errors and goroutine growth; the
// ns/op is that of the whole 20,000-call run.
func BenchmarkConcurrency(b *testing.B) {
	srv := newCannedServer(b, agentBody)
	var last concurrencyResult
	for b.Loop() {
		c := newBenchClient(b, srv)
		last = runConcurrency(srv, concWorkers, concCalls, func(ctx context.Context) error {
			_, err := c.Agents.GetAgent(ctx, "agt_01J9Z7W4Q8M2X5V3K6N1P0R7T2")
			return err
		})
	}
	last.report(b)
}

// BenchmarkConcurrencyRawBaseline is the same workload written by hand with
// net/http (standard transport with MaxIdleConnsPerHost=128).
func BenchmarkConcurrencyRawBaseline(b *testing.B) {
	srv := newCannedServer(b, agentBody)
	url := srv.URL + "/v2/agents/agt_01J9Z7W4Q8M2X5V3K6N1P0R7T2"
	var last concurrencyResult
	for b.Loop() {
		hc := rawHTTPClient()
		last = runConcurrency(srv, concWorkers, concCalls, func(ctx context.Context) error {
			var a client.AgentDetailResponse
			return rawGetJSON(ctx, hc, url, &a)
		})
	}
	last.report(b)
}

// TestConcurrencyReusesConnections runs a smaller version of the concurrency
// workload, with more goroutines than the default transport's connection cap,
// and checks structure only (never timing): no errors, at most
// DefaultMaxConnsPerHost connections (without the cap a burst dials extra
// ones; with the standard transport's 2 idle connections per host, hundreds),
// none closed during the run, and no goroutines left once they are closed.
func TestConcurrencyReusesConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	const workers = client.DefaultMaxConnsPerHost + 36
	srv := newCannedServer(t, agentBody)
	c := newBenchClient(t, srv)
	r := runConcurrency(srv, workers, 3_000, func(ctx context.Context) error {
		_, err := c.Agents.GetAgent(ctx, "agt_01J9Z7W4Q8M2X5V3K6N1P0R7T2")
		return err
	})
	t.Logf("conns=%d closed during run=%d errors=%d p50=%v p99=%v goroutine growth=%d", r.conns, r.closed, r.errs, r.p50, r.p99, r.goroutineGrowth)
	if r.errs != 0 {
		t.Errorf("%d of %d calls failed", r.errs, r.calls)
	}
	if r.conns > client.DefaultMaxConnsPerHost || r.closed != 0 {
		t.Errorf("server accepted %d connections (%d closed during the run) for %d goroutines, want ≤ %d, none closed", r.conns, r.closed, workers, client.DefaultMaxConnsPerHost)
	}
	if r.goroutineGrowth > 0 {
		t.Errorf("%d goroutines left after the run with all connections closed", r.goroutineGrowth)
	}
}

// TestCallWaitingForAConnectionHonoursItsContext fills every connection the
// default transport may open with calls the server holds, then checks that
// one more call waits for a connection (never reaching the server) only as
// long as its context allows, and that the held calls then complete.
func TestCallWaitingForAConnectionHonoursItsContext(t *testing.T) {
	release, full := make(chan struct{}), make(chan struct{})
	var arrived atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if arrived.Add(1) == client.DefaultMaxConnsPerHost {
			close(full)
		}
		<-release
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(agentBody)
	}))
	defer srv.Close()
	c := newBenchClient(t, &cannedServer{Server: srv})
	ctx := context.Background()
	errs := make(chan error, client.DefaultMaxConnsPerHost)
	for range client.DefaultMaxConnsPerHost {
		go func() {
			_, err := c.Agents.GetAgent(ctx, "a1", client.WithRetries(0))
			errs <- err
		}()
	}
	<-full // every connection is busy

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err := c.Agents.GetAgent(short, "a1", client.WithRetries(0))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("call beyond the connection cap: err = %v, want context.DeadlineExceeded", err)
	}
	if n := arrived.Load(); n != client.DefaultMaxConnsPerHost {
		t.Errorf("server saw %d requests, want %d: a call beyond the cap got a connection", n, client.DefaultMaxConnsPerHost)
	}
	close(release)
	for range client.DefaultMaxConnsPerHost {
		if err := <-errs; err != nil {
			t.Errorf("held call: %v", err)
		}
	}
}

// TestUserTransportNotTuned checks that the connection tuning applies only
// to the default transport: a transport the user brings is used for every
// call and left exactly as configured.
func TestUserTransportNotTuned(t *testing.T) {
	srv := newCannedServer(t, agentBody)
	ut := &http.Transport{MaxIdleConnsPerHost: 1}
	rt := &countingRT{next: ut}
	hc := &http.Client{Transport: rt}
	c, err := client.New(client.WithAPIKey(benchAPIKey), client.WithBaseURL(srv.URL+"/v2"), client.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	r := runConcurrency(srv, 8, 200, func(ctx context.Context) error {
		_, err := c.Agents.GetAgent(ctx, "a1")
		return err
	})
	ut.CloseIdleConnections()
	if r.errs != 0 {
		t.Errorf("%d calls failed", r.errs)
	}
	if n := rt.n.Load(); n != 200 {
		t.Errorf("user transport saw %d requests, want 200", n)
	}
	if hc.Transport != rt || ut.MaxIdleConnsPerHost != 1 || ut.MaxIdleConns != 0 {
		t.Errorf("user client/transport modified: transport %T, MaxIdleConnsPerHost %d, MaxIdleConns %d", hc.Transport, ut.MaxIdleConnsPerHost, ut.MaxIdleConns)
	}
}

type countingRT struct {
	n    atomic.Int64
	next http.RoundTripper
}

func (c *countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}
