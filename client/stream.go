package client

import (
	"context"
	"errors"
	"io"
	"iter"
	"mime"
	"net/http"
	"sync"
	"sync/atomic"
)

// Stream reads the events of a text/event-stream response. E is Event for
// the progress streams and ChatEvent for the chat stream. Read it with a
// range loop:
//
//	defer stream.Close()
//	for ev, err := range stream.All() { ... }
//
// or with Next:
//
//	for stream.Next() { ev := stream.Current() ... }
//	if err := stream.Err(); err != nil { ... }
//
// An in-stream error event ends the stream with a *StreamError. Cancelling
// the call's context ends the stream promptly; Close releases the connection
// and is safe to call more than once and from another goroutine.
type Stream[E any] struct {
	op     string
	dec    *SSEDecoder
	body   io.ReadCloser
	ctx    context.Context
	decode func(Event) (E, error)
	resp   *http.Response

	cur       E
	err       error
	done      bool
	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
	stop      func() bool // stops the context watcher
}

// newStream starts reading resp's body as a stream of events decoded by fn.
func newStream[E any](ctx context.Context, op string, resp *http.Response, fn func(Event) (E, error)) *Stream[E] {
	s := &Stream[E]{op: op, dec: NewSSEDecoder(resp.Body), body: resp.Body, ctx: ctx, decode: fn, resp: resp}
	// Closing the body when ctx ends unblocks a Read waiting for the server.
	s.stop = context.AfterFunc(ctx, func() { _ = s.body.Close() })
	return s
}

func callStream(ctx context.Context, c *Client, op *operation, opts []Option, fn sendFunc) (*Stream[Event], error) {
	resp, err := c.send(ctx, op, opts, fn)
	if err != nil {
		return nil, err
	}
	if err := expectEventStream(op, resp); err != nil {
		return nil, err
	}
	return newStream(ctx, op.ID, resp, func(ev Event) (Event, error) { return ev, nil }), nil
}

// SetMaxEventSize sets the largest event, in bytes, the stream accepts before
// failing with *EventTooLargeError (default DefaultMaxEventSize). Call it
// before reading.
func (s *Stream[E]) SetMaxEventSize(n int) { s.dec.SetMaxEventSize(n) }

// Next reads the next event; it returns false at the end of the stream or on
// an error (see Err). An event named "error" ends the stream with a
// *StreamError.
func (s *Stream[E]) Next() bool {
	if s.done || s.closed.Load() {
		return false
	}
	if err := s.ctx.Err(); err != nil {
		// Events already buffered are not delivered after a cancel.
		s.finish(err)
		return false
	}
	ev, err := s.dec.Next()
	if err == nil && ev.Type == "error" {
		err = newStreamError(s.op, ev)
	}
	if err == nil {
		var cur E
		if cur, err = s.decode(ev); err == nil {
			s.cur = cur
			return true
		}
	}
	s.finish(err)
	return false
}

// finish records why the stream ended and releases it.
func (s *Stream[E]) finish(err error) {
	s.done = true
	var zero E
	s.cur = zero
	if ctxErr := s.ctx.Err(); ctxErr != nil && err != nil && !errors.Is(err, io.EOF) {
		// The read failed because the context ended and closed the body.
		err = &streamCanceled{op: s.op, err: ctxErr}
	}
	if !errors.Is(err, io.EOF) && !s.closed.Load() {
		s.err = err // a read failing because the caller closed the stream is no error
	}
	_ = s.Close()
}

// Current is the event read by the last successful Next.
func (s *Stream[E]) Current() E { return s.cur }

// Err is the error that ended the stream, or nil at a clean end.
func (s *Stream[E]) Err() error { return s.err }

// All returns an iterator over the events. It yields (event, nil) for each
// event and, when the stream fails, one final (zero, err). Breaking out of
// the loop closes the stream.
func (s *Stream[E]) All() iter.Seq2[E, error] {
	return func(yield func(E, error) bool) {
		defer s.Close()
		for s.Next() {
			if !yield(s.cur, nil) {
				return
			}
		}
		if s.err != nil {
			var zero E
			yield(zero, s.err)
		}
	}
}

// LastEventID is the most recent event id the server sent.
func (s *Stream[E]) LastEventID() string { return s.dec.LastEventID() }

// Response is the HTTP response of the stream (status and headers); its body
// belongs to the stream.
func (s *Stream[E]) Response() *http.Response { return s.resp }

// Close ends the stream and releases its connection. It is idempotent and
// safe to call concurrently with Next (which then returns false).
func (s *Stream[E]) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.stop()
		s.closeErr = s.body.Close()
	})
	return s.closeErr
}

// streamCanceled reports a stream ended by its context.
type streamCanceled struct {
	op  string
	err error
}

func (e *streamCanceled) Error() string {
	return "meibel: " + e.op + ": stream ended: " + e.err.Error()
}
func (e *streamCanceled) Unwrap() error { return e.err }

// callTypedStream is callStream for a stream whose events decode into E.
func callTypedStream[E any](decode func(Event) (E, error)) func(context.Context, *Client, *operation, []Option, sendFunc) (*Stream[E], error) {
	return func(ctx context.Context, c *Client, op *operation, opts []Option, fn sendFunc) (*Stream[E], error) {
		resp, err := c.send(ctx, op, opts, fn)
		if err != nil {
			return nil, err
		}
		if err := expectEventStream(op, resp); err != nil {
			return nil, err
		}
		return newStream(ctx, op.ID, resp, decode), nil
	}
}

// expectEventStream fails with a *DecodeError (and closes the body) when a
// success response is not text/event-stream: a JSON or HTML body read as
// events would only end in a confusing parse error.
func expectEventStream(op *operation, resp *http.Response) error {
	ct := resp.Header.Get("Content-Type")
	if mediaType, _, err := mime.ParseMediaType(ct); err == nil && mediaType == "text/event-stream" {
		return nil
	}
	drainAndClose(resp.Body)
	return newDecodeError(op, resp, errors.New("expected a text/event-stream body"))
}
