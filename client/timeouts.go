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
	rc     io.ReadCloser
	d      time.Duration
	cancel context.CancelCauseFunc

	mu    sync.Mutex
	t     *time.Timer
	fired bool
	once  sync.Once
}

func newAttemptBody(rc io.ReadCloser, stall time.Duration, cancel context.CancelCauseFunc) *attemptBody {
	return &attemptBody{rc: rc, d: stall, cancel: cancel}
}

func (b *attemptBody) Read(p []byte) (int, error) {
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
