package faultsuite

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/client"
	fs "github.com/meibel-ai/meibel-go/internal/faultserver"
)

// kind is one fault (or retry rule); it runs once per applicable operation.
type kind struct {
	name string
	// only limits the kind to these operations (nil: all five).
	only []string
	// script is what the server answers; with other, a second server (on
	// another port: another host) answers o.ok and script gets its URL.
	script func(o op, other string) []fs.Reply
	other  bool
	tls    bool // the first server speaks https
	// noServer: the call goes to baseURL, where nothing listens.
	noServer bool
	// custom replaces the call: it returns the errors it saw and a failure
	// message ("" when it passed).
	custom func(o op) ([]error, string)
	// clientOpts are added to New, callOpts to the call.
	clientOpts []client.Option
	callOpts   []client.Option
	args       args
	// ctx derives the call's context (e.g. cancelled early).
	ctx  func(context.Context) (context.Context, context.CancelFunc)
	want func(o op) want
}

// want is the expected outcome of one case.
type want struct {
	ok        bool
	requests  int      // requests the first server sees
	others    int      // requests the second server sees
	attempts  int      // attempts the error reports (default: requests)
	conns     int      // connections the first server accepts (0: not checked)
	status    int      // the *APIError status (0: no APIError)
	is        []error  // errors.Is targets
	contains  []string // substrings of the error text
	decode    bool     // a *client.DecodeError
	maxTime   time.Duration
	keyOnHops []bool // per request of the first then the second server: key sent?
	check     func(s *servers) string
}

type servers struct{ first, other *fs.Server }

func status(code int, hdr ...string) fs.Reply {
	r := jsonReply(code, `{"detail":"`+http.StatusText(code)+`"}`)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return r
}

func repeat(n int, r fs.Reply, then ...fs.Reply) []fs.Reply {
	out := make([]fs.Reply, 0, n+len(then))
	for range n {
		out = append(out, r)
	}
	return append(out, then...)
}

func failed(o op, code int, requests int) want {
	return want{requests: requests, status: code, conns: 1}
}

// retriedTwice is the outcome of two retryable failures and a success: a
// replayable request ends well after 3 attempts on one connection, the
// streamed upload fails at once.
func retriedTwice(code int, retryPOST bool) func(o op) want {
	return func(o op) want {
		if o.replayable && (o.idempotent || retryPOST) {
			return want{ok: true, requests: 3, conns: 1}
		}
		return failed(o, code, 1)
	}
}

var kinds = []kind{
	{
		name:   "503 twice then success (reused connection)",
		script: func(o op, _ string) []fs.Reply { return repeat(2, status(503), o.ok) },
		want:   retriedTwice(503, true),
	},
	{
		name:   "500 twice then success",
		script: func(o op, _ string) []fs.Reply { return repeat(2, status(500), o.ok) },
		want:   retriedTwice(500, false),
	},
	{
		name:     "500 twice then success, POST opted in",
		only:     []string{"post", "upload"},
		script:   func(o op, _ string) []fs.Reply { return repeat(2, status(500), o.ok) },
		callOpts: []client.Option{client.WithRetryNonIdempotent()},
		want:     retriedTwice(500, true),
	},
	{
		name:       "429 with Retry-After seconds",
		script:     func(o op, _ string) []fs.Reply { return repeat(1, status(429, "Retry-After", "0"), o.ok) },
		clientOpts: []client.Option{client.WithRetryBackoff(time.Hour, time.Hour)}, // only the hint is fast
		want:       hinted,
	},
	{
		name: "429 with Retry-After HTTP date",
		script: func(o op, _ string) []fs.Reply {
			return repeat(1, status(429, "Retry-After", time.Now().Add(-time.Second).UTC().Format(http.TimeFormat)), o.ok)
		},
		clientOpts: []client.Option{client.WithRetryBackoff(time.Hour, time.Hour)},
		want:       hinted,
	},
	{
		name:       "429 with X-RateLimit-Reset",
		script:     func(o op, _ string) []fs.Reply { return repeat(1, status(429, "X-RateLimit-Reset", "0.02"), o.ok) },
		clientOpts: []client.Option{client.WithRetryBackoff(time.Hour, time.Hour)},
		want:       hinted,
	},
	{
		name:   "429 with junk Retry-After falls back to backoff",
		script: func(o op, _ string) []fs.Reply { return repeat(1, status(429, "Retry-After", "soon-ish"), o.ok) },
		want:   hinted,
	},
	{
		name:   "429 asking for an hour gives up at once",
		script: func(o op, _ string) []fs.Reply { return []fs.Reply{status(429, "Retry-After", "3600")} },
		want: func(o op) want {
			return want{requests: 1, status: 429, conns: 1, is: []error{client.ErrRateLimited}, contains: []string{"retry after 1h0m0s"}, maxTime: 2 * time.Second}
		},
	},
	{
		name:   "502 on every attempt: retries exhausted",
		script: func(o op, _ string) []fs.Reply { return []fs.Reply{status(502)} },
		want: func(o op) want {
			if o.idempotent {
				return want{requests: 3, status: 502, conns: 1, is: []error{client.ErrServer}, contains: []string{"(3 attempts)"}}
			}
			return failed(o, 502, 1)
		},
	},
	{
		name:     "retries disabled per call",
		script:   func(o op, _ string) []fs.Reply { return []fs.Reply{status(503)} },
		callOpts: []client.Option{client.WithRetries(0)},
		want:     func(o op) want { return failed(o, 503, 1) },
	},
	{
		name:     "five retries per call",
		script:   func(o op, _ string) []fs.Reply { return repeat(5, status(503), o.ok) },
		callOpts: []client.Option{client.WithRetries(5)},
		want: func(o op) want {
			if o.replayable {
				return want{ok: true, requests: 6, conns: 1}
			}
			return failed(o, 503, 1)
		},
	},
	{
		name:   "404 is final",
		script: func(o op, _ string) []fs.Reply { return []fs.Reply{status(404)} },
		want: func(o op) want {
			return want{requests: 1, status: 404, conns: 1, is: []error{client.ErrNotFound}, contains: []string{"Not Found"}}
		},
	},
	{
		name:   "connection closed before the response",
		script: func(o op, _ string) []fs.Reply { return []fs.Reply{{Fault: fs.CloseBeforeReply}, o.ok} },
		want: func(o op) want {
			if o.idempotent {
				return want{ok: true, requests: 2, conns: 2}
			}
			return want{requests: 1, contains: []string{"EOF"}}
		},
	},
	{
		name:       "server accepts and never answers (header timeout)",
		script:     func(o op, _ string) []fs.Reply { return []fs.Reply{{Fault: fs.Hang}} },
		clientOpts: []client.Option{client.WithHeaderTimeout(80 * time.Millisecond)},
		want: func(o op) want {
			w := want{requests: 1, is: []error{context.DeadlineExceeded}, contains: []string{"no response headers from the server within 80ms", "WithHeaderTimeout"}}
			if o.idempotent {
				w.requests, w.conns = 3, 3
				w.contains = append(w.contains, "after 3 attempts")
			}
			return w
		},
	},
	{
		name:     "never answers, bounded by the per-call WithTimeout",
		script:   func(o op, _ string) []fs.Reply { return []fs.Reply{{Fault: fs.Hang}} },
		callOpts: []client.Option{client.WithHeaderTimeout(0), client.WithTimeout(80 * time.Millisecond)},
		want: func(o op) want {
			return want{requests: 1, is: []error{context.DeadlineExceeded}, maxTime: 2 * time.Second}
		},
	},
	{
		name: "server stalls mid-body (stall timeout)",
		script: func(o op, _ string) []fs.Reply {
			r := o.ok
			r.Body, r.Fault = r.Body[:len(r.Body)/2], fs.StallMidBody
			return []fs.Reply{r}
		},
		clientOpts: []client.Option{client.WithStallTimeout(80 * time.Millisecond)},
		want: func(o op) want {
			return want{requests: 1, decode: o.json, is: []error{context.DeadlineExceeded}, contains: []string{"no body data from the server within 80ms", "WithStallTimeout"}}
		},
	},
	{
		name: "connection reset mid-body",
		script: func(o op, _ string) []fs.Reply {
			r := o.ok
			r.Body, r.Fault = r.Body[:len(r.Body)/2], fs.ResetMidBody
			return []fs.Reply{r}
		},
		want: func(o op) want {
			return want{requests: 1, decode: o.json, contains: []string{"reading the response body"}}
		},
	},
	{
		name: "slow stream is not cut once data flows",
		only: []string{"get", "sse", "download"},
		script: func(o op, _ string) []fs.Reply {
			r := o.ok
			r.Chunks, r.Every = 4, 120*time.Millisecond
			return []fs.Reply{r}
		},
		clientOpts: []client.Option{client.WithHeaderTimeout(150 * time.Millisecond), client.WithStallTimeout(2 * time.Second)},
		want:       func(o op) want { return want{ok: true, requests: 1, conns: 1} },
	},
	{
		name:       "slow upload is not cut by the header timeout",
		only:       []string{"upload"},
		script:     func(o op, _ string) []fs.Reply { return []fs.Reply{o.ok} },
		clientOpts: []client.Option{client.WithHeaderTimeout(300 * time.Millisecond)}, // the upload takes 5×100ms
		args:       args{slowUpload: true},
		want:       func(o op) want { return want{ok: true, requests: 1, conns: 1} },
	},
	{
		name:   "truncated JSON",
		only:   []string{"get", "post", "upload"},
		script: func(o op, _ string) []fs.Reply { r := o.ok; r.Body = r.Body[:len(r.Body)-5]; return []fs.Reply{r} },
		want:   func(o op) want { return want{requests: 1, decode: true, contains: []string{"truncated JSON"}} },
	},
	{
		name: "wrong content type",
		only: []string{"get", "post", "upload"},
		script: func(o op, _ string) []fs.Reply {
			r := o.ok
			r.Header = http.Header{"Content-Type": {"text/plain"}}
			return []fs.Reply{r}
		},
		want: func(o op) want {
			return want{requests: 1, decode: true, contains: []string{"expected an application/json body"}}
		},
	},
	{
		name:   "empty 200 body",
		only:   []string{"get", "post", "upload"},
		script: func(o op, _ string) []fs.Reply { r := o.ok; r.Body = ""; return []fs.Reply{r} },
		want:   func(o op) want { return want{requests: 1, decode: true, contains: []string{"empty body"}} },
	},
	{
		name: "204 with Content-Type: application/json",
		only: []string{"get", "post", "upload"},
		script: func(o op, _ string) []fs.Reply {
			return []fs.Reply{{Status: 204, Header: http.Header{"Content-Type": {"application/json"}}}}
		},
		want: func(o op) want { return want{requests: 1, decode: true, contains: []string{"204 No Content"}} },
	},
	{
		name: "HTML error page from a proxy",
		script: func(o op, _ string) []fs.Reply {
			return []fs.Reply{{Status: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"}}
		},
		want: func(o op) want {
			w := want{requests: 1, status: 502, conns: 1, contains: []string{"HTML page", "is the base URL right?"}}
			if o.idempotent {
				w.requests = 3
			}
			return w
		},
	},
	{
		name: "100 MiB error body is capped and its connection closed",
		script: func(o op, _ string) []fs.Reply {
			return []fs.Reply{{Status: 500, Header: http.Header{"Content-Type": {"text/plain"}}, Body: "boom ", Size: 100 << 20}}
		},
		want: func(o op) want {
			n := 1
			if o.idempotent {
				n = 3
			}
			return want{requests: n, conns: n, status: 500, check: func(s *servers) string {
				if w := s.first.Written(); w > int64(n)*16<<20 {
					return "the server wrote " + mib(w) + ": the client read far more than a capped prefix"
				}
				return ""
			}}
		},
	},
	{
		name: "API key echoed in an error body is scrubbed",
		script: func(o op, _ string) []fs.Reply {
			return []fs.Reply{{Status: 401, Header: http.Header{"Content-Type": {"text/plain"}}, Body: "invalid key " + apiKey}}
		},
		want: func(o op) want {
			return want{requests: 1, status: 401, conns: 1, is: []error{client.ErrUnauthorized}, contains: []string{"invalid key [REDACTED]"}}
		},
	},
	{
		name: "same-host redirect keeps the key",
		script: func(o op, _ string) []fs.Reply {
			return []fs.Reply{{Status: 307, Header: http.Header{"Location": {"/v2/moved"}}}, o.ok}
		},
		want: func(o op) want {
			if !o.replayable { // a streamed body cannot be re-sent: the 307 is returned
				return want{requests: 1, status: 307, conns: 1}
			}
			return want{ok: true, requests: 2, conns: 1, keyOnHops: []bool{true, true}}
		},
	},
	{
		name: "cross-host redirect drops the key",
		script: func(o op, other string) []fs.Reply {
			return []fs.Reply{{Status: 307, Header: http.Header{"Location": {other + "/v2/moved"}}}}
		},
		other: true,
		want: func(o op) want {
			if !o.replayable {
				return want{requests: 1, status: 307, conns: 1}
			}
			return want{ok: true, requests: 1, others: 1, keyOnHops: []bool{true, false}}
		},
	},
	{
		name: "https to http redirect is refused",
		tls:  true,
		script: func(o op, other string) []fs.Reply {
			return []fs.Reply{{Status: 307, Header: http.Header{"Location": {other + "/v2/moved"}}}}
		},
		other: true,
		want: func(o op) want {
			if !o.replayable {
				return want{requests: 1, status: 307, conns: 1}
			}
			return want{requests: 1, others: 0, contains: []string{"refusing a redirect from https:// to http://"}, keyOnHops: []bool{true}}
		},
	},
	{
		name:     "connection refused (nothing listening)",
		noServer: true,
		want: func(o op) want {
			if !o.replayable {
				return want{contains: []string{"connection refused"}}
			}
			// a failed dial sent nothing: retried even for POST
			return want{contains: []string{"connection refused", "after 3 attempts"}, attempts: 3}
		},
	},
	{
		name: "plain http to a non-loopback host is refused",
		only: []string{"get"},
		custom: func(o op) ([]error, string) {
			_, err := client.New(client.WithAPIKey(apiKey), client.WithBaseURL("http://api.example.com/v2"))
			if err == nil || !strings.Contains(err.Error(), "client.WithInsecureHTTP()") || !strings.Contains(err.Error(), "https://") {
				return []error{err}, "New accepted plain http to api.example.com or did not say how to allow it: " + fmt.Sprint(err)
			}
			if _, err2 := client.New(client.WithAPIKey(apiKey), client.WithBaseURL("http://api.example.com/v2"), client.WithInsecureHTTP()); err2 != nil {
				return []error{err, err2}, "WithInsecureHTTP did not allow it: " + err2.Error()
			}
			return []error{err}, ""
		},
	},
	{
		name:   "already-cancelled context sends nothing",
		script: func(o op, _ string) []fs.Reply { return []fs.Reply{o.ok} },
		ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			return ctx, cancel
		},
		want: func(o op) want {
			return want{requests: 0, is: []error{context.Canceled}, contains: []string{"not sent"}}
		},
	},
	{
		name:       "cancel during the backoff sleep returns at once",
		script:     func(o op, _ string) []fs.Reply { return []fs.Reply{status(503)} },
		clientOpts: []client.Option{client.WithRetryBackoff(time.Minute, time.Minute)},
		ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(400*time.Millisecond, cancel)
			return ctx, cancel
		},
		want: func(o op) want {
			if !o.replayable {
				return failed(o, 503, 1)
			}
			return want{requests: 1, conns: 1, is: []error{context.Canceled}, contains: []string{"before attempt 2"}, maxTime: 3 * time.Second}
		},
	},
}

// hinted: one 429 then success; the server's hint (or, for junk, the fast
// test backoff) sets the wait.
func hinted(o op) want {
	if o.replayable {
		return want{ok: true, requests: 2, conns: 1, maxTime: 5 * time.Second}
	}
	return want{requests: 1, status: 429, conns: 1, is: []error{client.ErrRateLimited}}
}
