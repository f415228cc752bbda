package faultsuite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/meibel-ai/meibel-go/client"
	fs "github.com/meibel-ai/meibel-go/internal/faultserver"
)

// apiKey is the key every case uses; it must never show up in an error or a
// log line.
const apiKey = "mk-fault-suite-5ecret-9f3a7c"

// tally is what the summary line reports.
var tally struct {
	kinds                        map[string]bool
	cases, passed                int
	leakedKeys, leakedGoroutines int
}

func TestMain(m *testing.M) {
	tally.kinds = map[string]bool{}
	code := m.Run()
	if path := os.Getenv(SummaryEnv); path != "" {
		line := fmt.Sprintf("faults: %d kinds, %d cases, %d passed, %d leaked keys, %d leaked goroutines\n",
			len(tally.kinds), tally.cases, tally.passed, tally.leakedKeys, tally.leakedGoroutines)
		if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// TestFaults runs every kind against every applicable operation, one case
// at a time so goroutine and connection counts belong to that case.
func TestFaults(t *testing.T) {
	for _, k := range kinds {
		for _, o := range ops {
			if k.only != nil && !contains(k.only, o.name) {
				continue
			}
			tally.kinds[k.name] = true
			tally.cases++
			if t.Run(k.name+"/"+o.name, func(t *testing.T) { runCase(t, k, o) }) {
				tally.passed++
			}
		}
	}
}

func runCase(t *testing.T, k kind, o op) {
	before := goleak.IgnoreCurrent()
	logs := &syncBuffer{}
	var seen []error
	defer func() {
		checkLeaks(t, before, seen, logs.String())
	}()

	if k.custom != nil {
		errs, msg := k.custom(o)
		seen = errs
		if msg != "" {
			t.Error(msg)
		}
		return
	}

	w := k.want(o)
	var s servers
	baseURL := ""
	var opts []client.Option
	if k.noServer {
		baseURL = "http://" + closedAddr(t) + "/v2"
	} else {
		var otherURL string
		if k.other {
			s.other = fs.New(o.ok)
			defer s.other.Close()
			otherURL = s.other.URL
		}
		script := k.script(o, otherURL)
		if k.tls {
			s.first = fs.NewTLS(script...)
			opts = append(opts, client.WithHTTPClient(s.first.Client()))
		} else {
			s.first = fs.New(script...)
		}
		defer s.first.Close()
		baseURL = s.first.URL + "/v2"
	}

	opts = append(opts,
		client.WithAPIKey(apiKey), client.WithBaseURL(baseURL),
		client.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		client.WithRetryBackoff(time.Millisecond, 4*time.Millisecond),
		client.WithHeaderTimeout(3*time.Second), client.WithStallTimeout(3*time.Second))
	c, err := client.New(append(opts, k.clientOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if k.ctx != nil {
		var cancel2 context.CancelFunc
		ctx, cancel2 = k.ctx(ctx)
		defer cancel2()
	}
	start := time.Now()
	err = o.call(ctx, c, k.args, k.callOpts...)
	elapsed := time.Since(start)
	seen = append(seen, err)
	c.CloseIdleConnections()

	checkOutcome(t, w, err, elapsed)
	if k.noServer {
		return
	}
	checkServers(t, w, &s, logs.String())
}

func checkOutcome(t *testing.T, w want, err error, elapsed time.Duration) {
	t.Helper()
	if w.ok {
		if err != nil {
			t.Fatalf("err = %v, want success", err)
		}
	} else if err == nil {
		t.Fatal("err = nil, want an error")
	}
	if err == nil {
		return
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "meibel: ") && !strings.Contains(msg, "meibel: ") {
		t.Errorf("err = %q, want it to name the library and the operation", msg)
	}
	attempts := w.attempts
	if attempts == 0 {
		attempts = w.requests
	}
	var apiErr *client.APIError
	if w.status != 0 {
		if !errors.As(err, &apiErr) || apiErr.StatusCode != w.status {
			t.Fatalf("err = %v (%T), want an *APIError with status %d", err, err, w.status)
		}
		if apiErr.Attempts != attempts {
			t.Errorf("APIError.Attempts = %d, want %d", apiErr.Attempts, attempts)
		}
		if len(apiErr.Body) > client.MaxErrorBody {
			t.Errorf("APIError.Body holds %d bytes, more than MaxErrorBody", len(apiErr.Body))
		}
	} else if errors.As(err, &apiErr) {
		t.Errorf("err = %v, an *APIError (status %d) was not expected", err, apiErr.StatusCode)
	}
	var decErr *client.DecodeError
	if w.decode != errors.As(err, &decErr) {
		t.Errorf("err = %v (%T), want a *DecodeError: %v", err, err, w.decode)
	}
	for _, target := range w.is {
		if !errors.Is(err, target) {
			t.Errorf("err = %v, want errors.Is(err, %v)", err, target)
		}
	}
	for _, sub := range w.contains {
		if !strings.Contains(msg, sub) {
			t.Errorf("err = %q, want it to contain %q", msg, sub)
		}
	}
	if w.maxTime > 0 && elapsed > w.maxTime {
		t.Errorf("the call took %v, want at most %v", elapsed, w.maxTime)
	}
}

func checkServers(t *testing.T, w want, s *servers, logs string) {
	t.Helper()
	reqs := s.first.Requests()
	if len(reqs) != w.requests {
		t.Errorf("server saw %d requests, want %d", len(reqs), w.requests)
	}
	if w.conns > 0 && s.first.Accepted() != w.conns {
		t.Errorf("server accepted %d connections, want %d (connection reuse)", s.first.Accepted(), w.conns)
	}
	total := len(reqs)
	if s.other != nil {
		others := s.other.Requests()
		if len(others) != w.others {
			t.Errorf("second host saw %d requests, want %d", len(others), w.others)
		}
		reqs = append(reqs, others...)
		total += len(others)
	}
	// Every attempt of the call sent the same body (a replayed body is the
	// original, byte for byte).
	for i := 1; i < len(reqs); i++ {
		if reqs[i].BodyLen != reqs[0].BodyLen || reqs[i].BodySum != reqs[0].BodySum {
			t.Errorf("request %d sent a %d-byte body unlike the first request's %d bytes", i+1, reqs[i].BodyLen, reqs[0].BodyLen)
		}
	}
	for i, keyed := range w.keyOnHops {
		if i >= len(reqs) {
			t.Errorf("hop %d: no request", i+1)
			continue
		}
		if got := reqs[i].Header.Get(client.APIKeyHeader) == apiKey; got != keyed {
			t.Errorf("hop %d (%s): key sent = %v, want %v", i+1, reqs[i].Path, got, keyed)
		}
	}
	if n := strings.Count(logs, `msg="meibel: request"`); n != total {
		t.Errorf("logged %d attempts, want one per request (%d):\n%s", n, total, logs)
	}
	if total > 0 && (!strings.Contains(logs, "Meibel-API-Key=[REDACTED]") || !strings.Contains(logs, "attempt=1")) {
		t.Errorf("log lines lack the redacted key header or the attempt:\n%s", logs)
	}
	if w.check != nil {
		if msg := w.check(s); msg != "" {
			t.Error(msg)
		}
	}
}

// checkLeaks counts the key in every error text and log line, and any
// goroutine left running once the case's servers and connections are closed.
func checkLeaks(t *testing.T, before goleak.Option, errs []error, logs string) {
	var texts []string
	for _, err := range errs {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			var apiErr *client.APIError
			if errors.As(err, &apiErr) {
				texts = append(texts, string(apiErr.Body), fmt.Sprintf("%+v", *apiErr))
			}
		}
	}
	texts = append(texts, logs)
	for _, s := range texts {
		if strings.Contains(s, apiKey) {
			tally.leakedKeys++
			t.Errorf("the API key leaked into: %s", s)
		}
	}
	if err := goleak.Find(before); err != nil {
		n := max(strings.Count(err.Error(), "[Goroutine "), 1)
		tally.leakedGoroutines += n
		t.Errorf("%d goroutines leaked: %v", n, err)
	}
}

// closedAddr is a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func mib(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB" }

// syncBuffer is a bytes.Buffer safe for concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
