package client

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"99999999999999999999999", maxHintSeconds * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Sunday, 01-Mar-26 12:00:30 GMT", 30 * time.Second, true}, // RFC 850
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"3 seconds", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseRateLimitReset(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{"0.25", 250 * time.Millisecond, true},
		{"1772366430", 30 * time.Second, true},    // Unix seconds
		{"1772366430000", 30 * time.Second, true}, // Unix milliseconds
		{"1000000000", 0, true},                   // Unix time in the past
		{"-3", 0, false},
		{"NaN", 0, false},
		{"+Inf", 0, false},
		{"tomorrow", 0, false},
		{"", 0, false},
	}
	for _, tc := range cases {
		got, ok := parseRateLimitReset(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRateLimitReset(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestServerDelayPrefersRetryAfter(t *testing.T) {
	h := http.Header{"Retry-After": {"junk"}, "X-Ratelimit-Reset": {"4"}}
	if d, ok := serverDelay(429, h, now); d != 4*time.Second || !ok {
		t.Errorf("junk Retry-After: got %v, %v; want the X-RateLimit-Reset 4s", d, ok)
	}
	h.Set("Retry-After", "1")
	if d, _ := serverDelay(503, h, now); d != time.Second {
		t.Errorf("got %v, want Retry-After's 1s", d)
	}
}

// X-RateLimit-Reset is a reason to wait only when the rate limit refused the
// request: on a 429, or with no requests remaining.
func TestServerDelayUsesRateLimitResetOnlyWhenLimited(t *testing.T) {
	reset := http.Header{"X-Ratelimit-Reset": {"1800"}, "X-Ratelimit-Remaining": {"42"}}
	if d, ok := serverDelay(503, reset, now); ok {
		t.Errorf("503 with quota left: got %v; want no hint (backoff)", d)
	}
	if d, ok := serverDelay(429, reset, now); !ok || d != 30*time.Minute {
		t.Errorf("429: got %v, %v; want 30m", d, ok)
	}
	reset.Set("X-Ratelimit-Remaining", "0")
	if d, ok := serverDelay(503, reset, now); !ok || d != 30*time.Minute {
		t.Errorf("503 with no quota left: got %v, %v; want 30m", d, ok)
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	p := policy{retryBase: 100 * time.Millisecond, retryCap: time.Second}
	for attempt, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 5: time.Second, 60: time.Second} {
		for range 50 {
			if d := backoff(p, attempt); d < full/2 || d > full {
				t.Fatalf("backoff(attempt %d) = %v, want within [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
	if d := backoff(policy{}, 3); d != 0 {
		t.Errorf("zero policy: backoff = %v, want 0", d)
	}
}

// The backoff is jittered: callers retrying together do not wait alike.
func TestBackoffIsRandom(t *testing.T) {
	p := policy{retryBase: time.Second, retryCap: 8 * time.Second}
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[backoff(p, 2)] = true
	}
	if len(seen) < 10 {
		t.Fatalf("50 backoffs took only %d distinct values: %v", len(seen), seen)
	}
}

// A transport error logged at debug level never shows the key, even when
// the error text carries it (say, a proxy's message quoting the request).
func TestLogAttemptScrubsTheKeyFromErrors(t *testing.T) {
	var out bytes.Buffer
	l := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	req, _ := http.NewRequest("GET", "https://api.example/v2/agents", nil)
	req.Header.Set(APIKeyHeader, "sk-in-the-error")
	logAttempt(l, "listAgents", req, 2, nil, errors.New("proxy refused request with key sk-in-the-error"), time.Millisecond)
	if got := out.String(); strings.Contains(got, "sk-in-the-error") || !strings.Contains(got, "key [REDACTED]") ||
		!strings.Contains(got, "Meibel-API-Key=[REDACTED]") || !strings.Contains(got, "attempt=2") {
		t.Fatalf("log line: %s", got)
	}
}

func TestRetryableStatus(t *testing.T) {
	for _, code := range []int{408, 429, 500, 502, 503, 504} {
		if !retryableStatus(code, true) {
			t.Errorf("%d not retried for a safe request", code)
		}
		if want := code == 429 || code == 503; retryableStatus(code, false) != want {
			t.Errorf("%d for POST: retried = %v, want %v", code, !want, want)
		}
	}
	for _, code := range []int{200, 301, 400, 401, 404, 409, 422, 501} {
		if retryableStatus(code, true) {
			t.Errorf("%d retried", code)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST.": true, "api.localhost": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"example.com": false, "10.0.0.1": false, "localhost.example.com": false, "": false, "0.0.0.0": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestKeyPlanAcrossRedirects(t *testing.T) {
	chain := func(urls ...string) *http.Request {
		var req *http.Request
		for _, u := range urls {
			next := &http.Request{URL: mustURL(t, u)}
			if req != nil {
				next.Response = &http.Response{Request: req}
			}
			req = next
		}
		return req
	}
	cases := []struct {
		urls []string
		want bool
	}{
		{[]string{"https://api.meibel.ai/v2/a"}, true},
		{[]string{"https://api.meibel.ai/v2/a", "https://API.meibel.ai:443/v2/b"}, true},
		{[]string{"http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b"}, true},
		{[]string{"http://api.example.com/a", "https://api.example.com/b"}, true},
		{[]string{"https://api.meibel.ai/v2/a", "https://cdn.example.com/f"}, false},
		{[]string{"https://api.meibel.ai/v2/a", "https://cdn.example.com/f", "https://api.meibel.ai/v2/c"}, true},
		{[]string{"http://127.0.0.1:8000/a", "http://127.0.0.1:9000/b"}, false},
		{[]string{"https://api.meibel.ai/v2/a", "http://api.meibel.ai/v2/b"}, false},
	}
	for _, tc := range cases {
		if got := keyPlan(chain(tc.urls...)); got != tc.want {
			t.Errorf("keyPlan(%s) = %v, want %v", strings.Join(tc.urls, " → "), got, tc.want)
		}
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// FuzzParseRetryAfter checks that any header value gives a delay within
// [0, maxHintSeconds] and that delay-seconds round-trip.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "7", "120", "-1", "1e3", " 5 ", "Wed, 21 Oct 2015 07:28:00 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "99999999999999999999", "", "\x00", "soon"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > maxHintSeconds*time.Second {
			t.Fatalf("parseRetryAfter(%q) = %v out of range", v, d)
		}
		if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v with ok false", v, d)
		}
		if s := strings.TrimSpace(v); isDigits(s) && len(s) < 9 && (!ok || d%time.Second != 0) {
			t.Fatalf("parseRetryAfter(%q) = %v, %v; want whole seconds", v, d, ok)
		}
		if rd, rok := parseRateLimitReset(v, now); rd < 0 || !rok && rd != 0 {
			t.Fatalf("parseRateLimitReset(%q) = %v, %v", v, rd, rok)
		}
	})
}
