package client

import (
	"log/slog"
	"time"
)

// Default resilience policy. See the package documentation for the rules.
const (
	DefaultRetries       = 2                      // retries after the first attempt (3 attempts in all)
	DefaultRetryBase     = 500 * time.Millisecond // first backoff delay, doubled per retry
	DefaultRetryCap      = 8 * time.Second        // longest backoff delay
	DefaultMaxRetryWait  = 60 * time.Second       // a server asking to wait longer makes the client give up
	DefaultHeaderTimeout = 2 * time.Minute        // time to response headers after the request is sent
	DefaultStallTimeout  = 5 * time.Minute        // longest a body read may wait for data
)

// policy is the retry and timeout part of settings.
type policy struct {
	retries       int
	retryBase     time.Duration
	retryCap      time.Duration
	maxRetryWait  time.Duration
	nonIdempotent bool // retry POST/PATCH on every retryable failure
	headerTimeout time.Duration
	stallTimeout  time.Duration
	logger        *slog.Logger
	insecureHTTP  bool
}

func defaultPolicy() policy {
	return policy{
		retries:       DefaultRetries,
		retryBase:     DefaultRetryBase,
		retryCap:      DefaultRetryCap,
		maxRetryWait:  DefaultMaxRetryWait,
		headerTimeout: DefaultHeaderTimeout,
		stallTimeout:  DefaultStallTimeout,
	}
}

// WithRetries sets how many times a failed attempt is retried (0 disables
// retries). The default is 2, so a call makes at most 3 attempts. Retries
// happen on connection errors before a response and on 408, 429, 500, 502,
// 503 and 504 — only when the request body can be replayed, and for POST and
// PATCH only on 429 and 503 (the server did not process the request) unless
// WithRetryNonIdempotent is given.
func WithRetries(n int) Option {
	return Option{name: "WithRetries", apply: func(s *settings) { s.policy.retries = max(n, 0) }}
}

// WithRetryBackoff sets the exponential backoff used when the server gives
// no Retry-After: the n-th retry waits about base·2^(n-1), jittered, at most
// maxDelay. The defaults are 500ms and 8s.
func WithRetryBackoff(base, maxDelay time.Duration) Option {
	return Option{name: "WithRetryBackoff", apply: func(s *settings) {
		s.policy.retryBase, s.policy.retryCap = max(base, 0), max(maxDelay, 0)
	}}
}

// WithMaxRetryWait sets the longest wait before a retry that the client
// accepts. When the server asks (Retry-After, X-RateLimit-Reset) for a longer
// wait, the call gives up at once with the last error; its
// APIError.RetryAfter says how long the server asked for. The default is 60s.
func WithMaxRetryWait(d time.Duration) Option {
	return Option{name: "WithMaxRetryWait", apply: func(s *settings) { s.policy.maxRetryWait = max(d, 0) }}
}

// WithRetryNonIdempotent lets POST and PATCH calls be retried on every
// retryable failure (500, 502, 504, 408, connection errors), not only on 429
// and 503. Use it for calls you know are safe to repeat. A body that cannot
// be replayed (a streamed multipart Form) is still never retried.
func WithRetryNonIdempotent() Option {
	return Option{name: "WithRetryNonIdempotent", apply: func(s *settings) { s.policy.nonIdempotent = true }}
}

// WithHeaderTimeout bounds each attempt's wait for the response headers,
// counted from the last progress in sending the request (so a slow upload is
// not cut off while it moves). It does not limit reading the body: streams
// and downloads run as long as data flows. 0 disables it; the default is 2
// minutes. Raise it per call for slow synchronous operations.
func WithHeaderTimeout(d time.Duration) Option {
	return Option{name: "WithHeaderTimeout", apply: func(s *settings) { s.policy.headerTimeout = max(d, 0) }}
}

// WithStallTimeout bounds how long one read of a response body may wait for
// data: a server that stops sending mid-body fails the read instead of
// hanging forever. A slow reader on the caller's side is not counted. 0
// disables it; the default is 5 minutes.
func WithStallTimeout(d time.Duration) Option {
	return Option{name: "WithStallTimeout", apply: func(s *settings) { s.policy.stallTimeout = max(d, 0) }}
}

// WithLogger logs every attempt at debug level to l: operation, method,
// path, status, duration, attempt, and retries with their delay. The API key
// is never logged; its header is shown as [REDACTED].
func WithLogger(l *slog.Logger) Option {
	return Option{name: "WithLogger", apply: func(s *settings) { s.policy.logger = l }}
}

// WithInsecureHTTP allows sending the API key over plain http:// to a host
// that is not loopback (localhost, 127.0.0.0/8, ::1). Without it New and
// every request refuse, so that a misconfigured base URL cannot leak the key.
// Use it only on a network you trust.
func WithInsecureHTTP() Option {
	return Option{name: "WithInsecureHTTP", clientOnly: true, apply: func(s *settings) { s.policy.insecureHTTP = true }}
}
