package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/meibel-ai/meibel-go/generated"
)

// operation describes one spec operation; the table is in operations.gen.go.
type operation struct {
	ID           string // operationId
	Method       string
	PathTemplate string // e.g. /agents/{agent_id}
	Status       int    // the first 2xx status the spec declares
	ContentType  string // success content type; "" when there is no body
}

// longBody reports whether the success body is a stream or a file, which may
// flow for longer than any sensible request timeout.
func (op *operation) longBody() bool {
	return op.ContentType != "" && op.ContentType != "application/json"
}

// sendFunc issues one generated request with ctx and the call's request editor.
type sendFunc func(ctx context.Context, g *generated.Client, edit generated.RequestEditorFn) (*http.Response, error)

// callState travels in the request context so that the transport chain sees
// the operation and the call's settings.
type callState struct {
	op       *operation
	settings settings
	attempts atomic.Int32 // attempts made, set by retryTransport
	// waitRefused is set by retryTransport when it did not retry because
	// the server asked for a longer wait than WithMaxRetryWait allows.
	waitRefused atomic.Bool
}

type callKey struct{}

func callFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callKey{}).(*callState)
	return st
}

// callSettings applies per-call options on top of a copy of the client's.
func (c *Client) callSettings(op *operation, opts []Option) (settings, error) {
	if len(opts) == 0 {
		// The common case, kept apart so that s below (whose address the
		// options take, which moves it to the heap) costs nothing here. The
		// headers map is shared, read-only, with the client.
		return c.settings, nil
	}
	s := c.settings.clone()
	for _, o := range opts {
		if o.apply == nil {
			return s, fmt.Errorf("meibel: %s: zero Option value; build options with the client.With... functions", op.ID)
		}
		if o.clientOnly {
			return s, fmt.Errorf("meibel: %s: option %s configures a client; pass it to client.New, not to a call", op.ID, o.name)
		}
		if o.err != nil {
			return s, fmt.Errorf("meibel: %s: %w", op.ID, o.err)
		}
		o.apply(&s)
	}
	return s, nil
}

// send runs one call: per-call options, the generated request, and status
// handling. A non-2xx status becomes an *APIError (body read and closed). On
// success the caller owns resp.Body; closing it also ends the call's timeout.
func (c *Client) send(ctx context.Context, op *operation, opts []Option, fn sendFunc) (*http.Response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("meibel: %s: nil context", op.ID)
	}
	s, err := c.callSettings(op, opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("meibel: %s: not sent: %w", op.ID, err)
	}
	st := &callState{op: op, settings: s}
	ctx = context.WithValue(ctx, callKey{}, st)
	cancel, lift := context.CancelFunc(func() {}), func() bool { return false }
	if s.timeout > 0 {
		if op.longBody() {
			ctx, cancel, lift = untilHeaders(ctx, s.timeout)
		} else {
			ctx, cancel = context.WithTimeout(ctx, s.timeout)
		}
	}
	resp, err := fn(ctx, c.gen, func(context.Context, *http.Request) error { return nil })
	if err != nil {
		if errors.Is(context.Cause(ctx), errHeadersTimeout) {
			err = fmt.Errorf("no response headers within the call's timeout of %v (WithTimeout): %w", s.timeout, context.DeadlineExceeded)
		}
		cancel()
		if n := st.attempts.Load(); n > 1 {
			return nil, fmt.Errorf("meibel: %s: after %d attempts: %w", op.ID, n, err)
		}
		return nil, fmt.Errorf("meibel: %s: %w", op.ID, err)
	}
	lift() // a stream or file that has started is not cut off by WithTimeout
	if s.response != nil {
		*s.response = resp
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer cancel()
		e := newAPIError(op, resp, s.apiKey.value())
		e.Attempts = max(int(st.attempts.Load()), 1)
		e.RetryAfter, _ = serverDelay(resp.StatusCode, resp.Header, time.Now())
		e.waitRefused, e.maxRetryWait = st.waitRefused.Load(), s.policy.maxRetryWait
		return nil, e
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel, attempts: max(int(st.attempts.Load()), 1)}
	return resp, nil
}

// errHeadersTimeout is the cause of a stream or download cancelled because
// its response did not start within WithTimeout.
var errHeadersTimeout = errors.New("WithTimeout expired before the response headers")

// untilHeaders is a timeout for streams and downloads: it bounds the call
// until lift is called (when the response headers have arrived); after that
// only the caller's context, and the stall timeout on each read, apply.
func untilHeaders(parent context.Context, d time.Duration) (ctx context.Context, cancel context.CancelFunc, lift func() bool) {
	ctx, cancelCause := context.WithCancelCause(parent)
	timer := time.AfterFunc(d, func() { cancelCause(errHeadersTimeout) })
	return ctx, func() { timer.Stop(); cancelCause(context.Canceled) }, timer.Stop
}

// cancelOnClose releases the call's context when the body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel   context.CancelFunc
	attempts int // attempts the call made, for a DecodeError
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// callJSON runs a call whose success body is JSON and decodes it from the
// stream (never buffering the whole body).
func callJSON[T any](ctx context.Context, c *Client, op *operation, opts []Option, fn sendFunc) (*T, error) {
	v, err := callJSONValue[T](ctx, c, op, opts, fn)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// callJSONValue is callJSON for results returned by value (lists, raw JSON).
func callJSONValue[T any](ctx context.Context, c *Client, op *operation, opts []Option, fn sendFunc) (T, error) {
	var out T
	resp, err := c.send(ctx, op, opts, fn)
	if err != nil {
		return out, err
	}
	defer drainAndClose(resp.Body)
	if err := decodeJSON(resp, &out); err != nil {
		return out, newDecodeError(op, resp, err)
	}
	return out, nil
}

// decodeJSON decodes exactly one JSON value from resp.Body into out.
func decodeJSON(resp *http.Response, out any) error {
	if resp.StatusCode == http.StatusNoContent {
		return errors.New("no body (204 No Content) where a JSON result was expected")
	}
	ct := resp.Header.Get("Content-Type")
	mediaType, err := ct, error(nil)
	if ct != "application/json" { // the usual value needs no parsing (which allocates)
		mediaType, _, err = mime.ParseMediaType(ct)
	}
	if err != nil || (mediaType != "application/json" && !strings.HasSuffix(mediaType, "+json")) {
		return errors.New("expected an application/json body")
	}
	body := &firstByteReader{r: resp.Body}
	dec := json.NewDecoder(body)
	decode := dec.Decode
	if resp.ContentLength < 0 || resp.ContentLength >= streamDecodeMin {
		// Large or unknown size: decode lists element by element so the
		// whole body is never buffered (decode_stream.go).
		decode = func(v any) error { return decodeStreaming(dec, v, resp.ContentLength) }
	}
	if err := decode(out); err != nil {
		var readErr *bodyReadError
		if errors.As(err, &readErr) { // the operation is named by DecodeError already
			return fmt.Errorf("reading the response body: %w", readErr.err)
		}
		if errors.Is(err, io.EOF) {
			return errors.New("empty body where a JSON result was expected")
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("truncated JSON body: unexpected end of data")
		}
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("invalid JSON body: data after the JSON value")
	}
	if _, raw := out.(*json.RawMessage); body.first == 'n' && !raw {
		// encoding/json leaves a struct or list untouched for null: that
		// would be a silent zero value.
		return fmt.Errorf("JSON null where %s was expected", resultName(out))
	}
	return nil
}

// resultName names the Go type a result decodes into, for errors.
func resultName(out any) string {
	// Models are aliases of package generated's types; users know them as client's.
	return strings.ReplaceAll(strings.TrimPrefix(fmt.Sprintf("%T", out), "*"), "generated.", "")
}

// firstByteReader notes the first non-whitespace byte read through it: the
// start of the JSON value.
type firstByteReader struct {
	r     io.Reader
	first byte
}

func (f *firstByteReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if f.first == 0 {
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				f.first = c
				break
			}
		}
	}
	return n, err
}

// callNoContent runs a call whose success has no body.
func callNoContent(ctx context.Context, c *Client, op *operation, opts []Option, fn sendFunc) error {
	resp, err := c.send(ctx, op, opts, fn)
	if err != nil {
		return err
	}
	drainAndClose(resp.Body)
	return nil
}
