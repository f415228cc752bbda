package client

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// logAttempt logs one attempt at debug level. The API key header is shown
// only as [REDACTED]; it is also scrubbed from error text.
func logAttempt(l *slog.Logger, op string, r *http.Request, attempt int, resp *http.Response, err error, d time.Duration) {
	ctx := r.Context()
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", op),
		slog.String("method", r.Method),
		slog.String("host", r.URL.Host),
		slog.String("path", r.URL.EscapedPath()),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d),
		slog.String(APIKeyHeader, redactedKey(r.Header)),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		msg := err.Error()
		if key := r.Header.Get(APIKeyHeader); key != "" {
			msg = strings.ReplaceAll(msg, key, redacted)
		}
		attrs = append(attrs, slog.String("error", msg))
	}
	l.LogAttrs(ctx, slog.LevelDebug, "meibel: request", attrs...)
}

// logRetry logs the decision taken after a failed attempt.
func logRetry(l *slog.Logger, ctx context.Context, op string, r *http.Request, attempt int, wait time.Duration, what string) {
	if l == nil || !l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	l.LogAttrs(ctx, slog.LevelDebug, "meibel: "+what,
		slog.String("op", op), slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()),
		slog.Int("attempt", attempt), slog.Duration("wait", wait))
}

func redactedKey(h http.Header) string {
	if h.Get(APIKeyHeader) == "" {
		return "(not sent)"
	}
	return redacted
}
