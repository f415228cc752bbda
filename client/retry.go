package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// maxDiscard bounds how much of a discarded response body is read so that
// its connection can be reused; a longer body closes the connection instead.
const maxDiscard = 64 << 10

// retryTransport makes each request up to 1+retries attempts (see
// WithRetries), bounds each attempt's wait for headers and each body read
// (WithHeaderTimeout, WithStallTimeout), and logs attempts (WithLogger).
type retryTransport struct {
	defaults policy // used for requests that do not come from a typed call
	next     http.RoundTripper
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	p, opID := t.defaults, ""
	st := callFrom(ctx)
	if st != nil {
		p, opID = st.settings.policy, st.op.ID
	}
	if err := ctx.Err(); err != nil {
		closeBody(req)
		return nil, fmt.Errorf("not sent: %w", err)
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	safe := idempotent(req.Method) || p.nonIdempotent
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			r = req.Clone(ctx)
			if req.Body != nil && req.Body != http.NoBody {
				body, err := req.GetBody()
				if err != nil {
					return nil, fmt.Errorf("replaying the request body for attempt %d: %w", attempt, err)
				}
				r.Body = body
			}
		}
		if st != nil {
			st.attempts.Store(int32(attempt))
		}
		start := time.Now()
		resp, err := t.attempt(r, p, opID)
		logAttempt(p.logger, opID, r, attempt, resp, err, time.Since(start))

		if attempt > p.retries || !replayable {
			return resp, err
		}
		if !(err != nil && retryableError(ctx, err, safe) || resp != nil && retryableStatus(resp.StatusCode, safe)) {
			return resp, err
		}
		var wait time.Duration
		hinted := false
		if resp != nil {
			wait, hinted = serverDelay(resp.StatusCode, resp.Header, time.Now())
		}
		if !hinted {
			wait = backoff(p, attempt)
		} else if wait > p.maxRetryWait {
			if st != nil {
				st.waitRefused.Store(true)
			}
			logRetry(p.logger, ctx, opID, r, attempt, wait, "giving up: the server asks for a longer wait than client.WithMaxRetryWait allows")
			return resp, err
		}
		discard(resp)
		logRetry(p.logger, ctx, opID, r, attempt, wait, "retrying")
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("waiting %v before attempt %d: %w", wait.Round(time.Millisecond), attempt+1, err)
		}
	}
}

// attempt sends one request under its own context: the header timer cancels
// it when no headers arrive in time; the returned body is bounded by the
// stall timeout and releases the context when closed.
func (t *retryTransport) attempt(req *http.Request, p policy, opID string) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := startHeaderTimer(p.headerTimeout, cancel)
	r := req.WithContext(ctx)
	if r.Body != nil && r.Body != http.NoBody && timer.t != nil {
		r.Body = &progressBody{ReadCloser: r.Body, timer: timer}
	}
	resp, err := t.next.RoundTrip(r)
	fired := timer.stop()
	if err == nil && fired {
		_ = resp.Body.Close()
		resp, err = nil, context.Cause(ctx)
	}
	if err != nil {
		if fired {
			err = context.Cause(ctx)
		}
		cancel(context.Canceled)
		return nil, err
	}
	resp.Body = newAttemptBody(opID, resp.Body, p.stallTimeout, cancel)
	return resp, nil
}

// idempotent reports whether repeating a request with this method is safe.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryableStatus: 429 and 503 say the request was not processed, so they
// are retried for every method; 408, 500, 502, 504 only for safe requests.
func retryableStatus(code int, safe bool) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return safe
	}
	return false
}

// retryableError: a failed dial sent nothing and is always retried; other
// network failures before a response only for safe requests. TLS
// verification failures and the caller's own cancellation are final.
func retryableError(ctx context.Context, err error, safe bool) bool {
	if ctx.Err() != nil {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	if errors.As(err, &certErr) || errors.As(err, &recErr) {
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var netErr net.Error
	transient := errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
	return transient && safe
}

// serverDelay is the wait the server asks for: Retry-After (seconds or an
// HTTP date), else X-RateLimit-Reset when the rate limit is what refused the
// request (a 429, or X-RateLimit-Remaining: 0). Many APIs send the reset on
// every response; on a 503 with quota left it says nothing about when to
// retry. ok is false when there is no usable hint.
func serverDelay(status int, h http.Header, now time.Time) (time.Duration, bool) {
	if d, ok := parseRetryAfter(h.Get("Retry-After"), now); ok {
		return d, true
	}
	if status != http.StatusTooManyRequests && strings.TrimSpace(h.Get("X-RateLimit-Remaining")) != "0" {
		return 0, false
	}
	return parseRateLimitReset(h.Get("X-RateLimit-Reset"), now)
}

// maxHintSeconds caps server-supplied delays (about 31 years) to stay far
// from time.Duration overflow.
const maxHintSeconds = 1e9

// parseRetryAfter parses a Retry-After value: delay-seconds or an HTTP date
// (a date in the past means 0). Anything else is ignored (ok false).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > maxHintSeconds {
			secs = maxHintSeconds
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return clampDelay(t.Sub(now)), true
}

// parseRateLimitReset parses X-RateLimit-Reset: seconds until the reset, or a
// Unix time (seconds, or milliseconds) when the number is that large.
func parseRateLimitReset(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	f, err := strconv.ParseFloat(v, 64)
	if v == "" || err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	switch {
	case f >= 1e12: // Unix milliseconds
		return clampDelay(time.UnixMilli(int64(f)).Sub(now)), true
	case f >= 1e9: // Unix seconds
		return clampDelay(time.Unix(int64(f), 0).Sub(now)), true
	}
	return time.Duration(f * float64(time.Second)), true
}

func clampDelay(d time.Duration) time.Duration {
	return min(max(d, 0), maxHintSeconds*time.Second)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// backoff is base·2^(attempt-1) capped at the policy's cap, with jitter: a
// random value in [d/2, d].
func backoff(p policy, attempt int) time.Duration {
	d := p.retryBase
	for i := 1; i < attempt && d < p.retryCap; i++ {
		d *= 2
	}
	d = min(d, p.retryCap)
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// discard reads a bounded part of a response body that will not be used, so
// that a short body frees its connection for reuse, and closes it. A body
// known to be longer than maxDiscard is closed unread (its connection closes).
func discard(resp *http.Response) {
	if resp == nil {
		return
	}
	if resp.ContentLength <= maxDiscard {
		_, _ = io.CopyN(io.Discard, resp.Body, maxDiscard)
	}
	_ = resp.Body.Close()
}

// closeBody closes a request body that will not be sent (RoundTripper
// contract; it also stops the writer of a streamed multipart form).
func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
