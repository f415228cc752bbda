package client

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// timeoutError is returned when the server sends no response headers within
// the header timeout, or a body read gets no data within the stall timeout.
// errors.Is(err, context.DeadlineExceeded) is true for it.
type timeoutError struct {
	phase  string // "response headers" or "body data"
	after  time.Duration
	option string
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no %s from the server within %v (raise or disable it with client.%s)", e.phase, e.after, e.option)
}

func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }
func (e *timeoutError) Is(target error) bool {
	return target == context.DeadlineExceeded
}

// headerTimer cancels an attempt when no progress is made for d: the timer is
// re-armed whenever the request body is read (upload progress) and stops for
// good when the response headers arrive.
type headerTimer struct {
	mu     sync.Mutex
	t      *time.Timer
	d      time.Duration
	done   bool
	fired  bool
	cancel context.CancelCauseFunc
}

func startHeaderTimer(d time.Duration, cancel context.CancelCauseFunc) *headerTimer {
	h := &headerTimer{d: d, cancel: cancel}
	if d > 0 {
		h.t = time.AfterFunc(d, h.fire)
	}
	return h
}

func (h *headerTimer) fire() {
	h.mu.Lock()
	if h.done {
		h.mu.Unlock()
		return
	}
	h.fired = true
	h.mu.Unlock()
	h.cancel(&timeoutError{phase: "response headers", after: h.d, option: "WithHeaderTimeout"})
}

// progress re-arms the timer after the request body made progress.
func (h *headerTimer) progress() {
	if h.t == nil {
		return
	}
	h.mu.Lock()
	if !h.done && !h.fired {
		h.t.Reset(h.d)
	}
	h.mu.Unlock()
}

// stop ends the timer and reports whether it had fired.
func (h *headerTimer) stop() bool {
	if h.t == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.done = true
	h.t.Stop()
	return h.fired
}

// progressBody reports request-body reads to a headerTimer.
type progressBody struct {
	io.ReadCloser
	timer *headerTimer
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.timer.progress()
	return n, err
}

// attemptBody is the body of a response: reads are bounded by the stall
// timeout, and Close releases the attempt's context.
type attemptBody struct {
	op     string // operationId, for errors
	rc     io.ReadCloser
	d      time.Duration
	cancel context.CancelCauseFunc

	mu    sync.Mutex
	t     *time.Timer
	fired bool
	once  sync.Once
}

func newAttemptBody(op string, rc io.ReadCloser, stall time.Duration, cancel context.CancelCauseFunc) *attemptBody {
	return &attemptBody{op: op, rc: rc, d: stall, cancel: cancel}
}

// Read reads the body; a failure other than io.EOF becomes a *bodyReadError
// naming the operation.
func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.read(p)
	if err != nil && err != io.EOF {
		err = &bodyReadError{op: b.op, err: err}
	}
	return n, err
}

func (b *attemptBody) read(p []byte) (int, error) {
	if b.d <= 0 {
		return b.rc.Read(p)
	}
	b.mu.Lock()
	if b.fired {
		b.mu.Unlock()
		return 0, b.stallErr()
	}
	if b.t == nil {
		b.t = time.AfterFunc(b.d, b.fire)
	} else {
		b.t.Reset(b.d)
	}
	b.mu.Unlock()

	n, err := b.rc.Read(p)

	b.mu.Lock()
	b.t.Stop()
	fired := b.fired
	b.mu.Unlock()
	if fired && err != nil {
		return n, b.stallErr()
	}
	return n, err
}

func (b *attemptBody) fire() {
	b.mu.Lock()
	b.fired = true
	b.mu.Unlock()
	b.cancel(b.stallErr())
}

func (b *attemptBody) stallErr() error {
	return &timeoutError{phase: "body data", after: b.d, option: "WithStallTimeout"}
}

// bodyReadError is a failure while reading a response body (reset, stall,
// cancellation), naming the operation.
type bodyReadError struct {
	op  string
	err error
}

func (e *bodyReadError) Error() string {
	if e.op == "" {
		return "meibel: reading the response body: " + e.err.Error()
	}
	return "meibel: " + e.op + ": reading the response body: " + e.err.Error()
}

func (e *bodyReadError) Unwrap() error { return e.err }

func (b *attemptBody) Close() error {
	var err error
	b.once.Do(func() {
		b.mu.Lock()
		if b.t != nil {
			b.t.Stop()
		}
		b.mu.Unlock()
		err = b.rc.Close()
		b.cancel(context.Canceled)
	})
	return err
}
