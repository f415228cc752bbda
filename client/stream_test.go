package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/meibel-ai/meibel-go/client"
)

// fileServer starts h on loopback and returns a client for it whose
// connections are closed with the server, so leak checks see no idle conns.
func fileServer(t *testing.T, h http.HandlerFunc) *client.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clearEnv(t)
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(srv.URL+"/v2"), client.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sse writes frames to w, flushing after each.
func sse(w http.ResponseWriter, frames ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, f := range frames {
		io.WriteString(w, f)
		w.(http.Flusher).Flush()
	}
}

func TestChatStreamTypedEvents(t *testing.T) {
	var gotMessage string
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/v2/sessions/s%201/chat/stream" || r.Method != http.MethodPost {
			t.Errorf("request %s %s", r.Method, r.URL.EscapedPath())
		}
		gotMessage = r.FormValue("user_message")
		sse(w, "event: connected\ndata: {\"session_id\":\"s 1\"}\n\n",
			": keep-alive\n\n",
			"event: status\ndata: thinking\n\n",
			"event: partial_response\ndata: Hel\n\n",
			"event: partial_response\ndata: lo\n\n",
			"event: something_new\ndata: ?\n\n",
			"event: completion\ndata: Hello\n\n")
	})
	stream, err := c.Sessions.SendChatMessageStream(context.Background(), "s 1", &client.SendChatMessageStreamForm{UserMessage: ptr("hi")})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	var text strings.Builder
	for ev, err := range stream.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch e := ev.(type) {
		case *client.ConnectedEvent:
			kinds = append(kinds, "connected")
		case *client.StatusEvent:
			kinds = append(kinds, "status:"+e.Data)
		case *client.PartialResponseEvent:
			kinds = append(kinds, "partial")
			text.WriteString(e.Data)
		case *client.CompletionEvent:
			kinds = append(kinds, "completion:"+e.Data)
		case client.Event:
			kinds = append(kinds, "raw:"+e.Type)
		default:
			t.Fatalf("unexpected event %T", ev)
		}
	}
	want := "connected status:thinking partial partial raw:something_new completion:Hello"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("events = %s\nwant     %s", got, want)
	}
	if text.String() != "Hello" || gotMessage != "hi" {
		t.Errorf("text %q, message sent %q", text.String(), gotMessage)
	}
	if stream.Err() != nil {
		t.Errorf("Err = %v", stream.Err())
	}
}

func TestStreamErrorEvent(t *testing.T) {
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, "data: 10%\n\n", "event: error\ndata: {\"detail\":\"parser crashed\",\"code\":\"E42\"}\n\n", "data: never\n\n")
	})
	stream, err := c.Documents.StreamDocumentTrace(context.Background(), "job-1")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for stream.Next() {
		n++
		if got := stream.Current().Data; got != "10%" {
			t.Errorf("event %q", got)
		}
	}
	var se *client.StreamError
	if !errors.As(stream.Err(), &se) {
		t.Fatalf("Err = %v, want *StreamError", stream.Err())
	}
	if n != 1 || se.Message != "parser crashed" || se.Code != "E42" || se.Operation != "streamDocumentTrace" {
		t.Errorf("n=%d, StreamError %+v", n, se)
	}
	if !strings.Contains(se.Error(), "streamDocumentTrace") || !strings.Contains(se.Error(), "parser crashed") {
		t.Errorf("message %q", se.Error())
	}
}

func TestStreamUnterminatedEventIsAnError(t *testing.T) {
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, "data: ok\n\n", "data: cut")
	})
	stream, err := c.FileUpload.StreamUploadProgress(context.Background(), "u1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for ev, err := range stream.All() {
		if err != nil {
			if !errors.Is(err, client.ErrUnterminatedEvent) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("err = %v", err)
			}
			continue
		}
		got = append(got, ev.Data)
	}
	if strings.Join(got, ",") != "ok" {
		t.Errorf("events %q", got)
	}
}

func TestStreamHTTPErrorIsAPIError(t *testing.T) {
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		io.WriteString(w, `{"detail":"no such job"}`)
	})
	_, err := c.Documents.StreamDocumentTrace(context.Background(), "nope")
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, client.ErrNotFound) || apiErr.Message != "no such job" {
		t.Fatalf("err = %v", err)
	}
}

// blockingStream sends one event and then holds the stream open until the
// client goes away; it reports when its request context ended.
func blockingStream(t *testing.T) (*client.Client, <-chan struct{}) {
	gone := make(chan struct{})
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, "data: first\n\n")
		<-r.Context().Done()
		close(gone)
	})
	return c, gone
}

func TestStreamContextCancelEndsPromptly(t *testing.T) {
	leakCheck(t)
	c, gone := blockingStream(t)
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := c.Documents.StreamDocumentTrace(ctx, "job")
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Next() || stream.Current().Data != "first" {
		t.Fatalf("first event: %v", stream.Err())
	}
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	if stream.Next() {
		t.Fatal("Next after cancel returned an event")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}
	if !errors.Is(stream.Err(), context.Canceled) {
		t.Errorf("Err = %v, want context.Canceled", stream.Err())
	}
	select {
	case <-gone:
	case <-time.After(2 * time.Second):
		t.Fatal("server never saw the connection end")
	}
	if err := stream.Close(); err != nil {
		t.Errorf("Close after cancel = %v", err)
	}
}

func TestStreamCloseIsIdempotentAndEndsReading(t *testing.T) {
	leakCheck(t)
	c, gone := blockingStream(t)
	stream, err := c.Documents.StreamDocumentTrace(context.Background(), "job")
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Next() {
		t.Fatal(stream.Err())
	}
	// Close from another goroutine while Next is blocked.
	time.AfterFunc(50*time.Millisecond, func() { stream.Close() })
	if stream.Next() {
		t.Fatal("Next after Close returned an event")
	}
	if stream.Err() != nil {
		t.Errorf("Err after the caller's Close = %v, want nil", stream.Err())
	}
	for i := 0; i < 3; i++ {
		stream.Close()
	}
	if stream.Next() {
		t.Fatal("Next after Close")
	}
	<-gone
}

func TestStreamBreakClosesConnection(t *testing.T) {
	leakCheck(t)
	c, gone := blockingStream(t)
	stream, err := c.Documents.StreamDocumentTrace(context.Background(), "job")
	if err != nil {
		t.Fatal(err)
	}
	for range stream.All() {
		break
	}
	select {
	case <-gone:
	case <-time.After(2 * time.Second):
		t.Fatal("breaking out of the loop did not close the connection")
	}
}

func TestStreamMaxEventSize(t *testing.T) {
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, "data: "+strings.Repeat("z", 5000)+"\n\n")
	})
	stream, err := c.Documents.StreamDocumentTrace(context.Background(), "job")
	if err != nil {
		t.Fatal(err)
	}
	stream.SetMaxEventSize(1000)
	if stream.Next() {
		t.Fatal("oversized event delivered")
	}
	var tooBig *client.EventTooLargeError
	if !errors.As(stream.Err(), &tooBig) || tooBig.Limit != 1000 {
		t.Fatalf("Err = %v", stream.Err())
	}
}

// leakCheck fails t if goroutines started during the test outlive it (and its
// servers, closed by cleanups registered later, which run first).
func leakCheck(t *testing.T) {
	t.Helper()
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

func ptr[T any](v T) *T { return &v }

func ExampleStream_All() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sse(w, "event: connected\ndata: {}\n\n", "event: partial_response\ndata: Hel\n\n",
			"event: partial_response\ndata: lo!\n\n", "event: completion\ndata: Hello!\n\n")
	}))
	defer srv.Close()
	c, _ := client.New(client.WithAPIKey("key"), client.WithBaseURL(srv.URL))

	stream, err := c.Sessions.SendChatMessageStream(context.Background(), "session-1",
		&client.SendChatMessageStreamForm{UserMessage: ptr("Say hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stream.Close()
	for ev, err := range stream.All() {
		if err != nil {
			fmt.Println("stream failed:", err)
			return
		}
		switch e := ev.(type) {
		case *client.PartialResponseEvent:
			fmt.Print(e.Data) // token by token
		case *client.CompletionEvent:
			fmt.Println()
		}
	}
	// Output: Hello!
}

// heldBody is a stream body that hands out data once and then blocks in Read
// until it is closed, ignoring every context (like a transport that does not
// watch the request's context). It counts its Close calls.
type heldBody struct {
	data   string
	closed chan struct{}
	closes atomic.Int32
}

func newHeldBody(data string) *heldBody { return &heldBody{data: data, closed: make(chan struct{})} }

func (b *heldBody) Read(p []byte) (int, error) {
	if b.data != "" {
		n := copy(p, b.data)
		b.data = b.data[n:]
		return n, nil
	}
	<-b.closed
	return 0, errors.New("read on closed body")
}

func (b *heldBody) Close() error {
	if b.closes.Add(1) == 1 {
		close(b.closed)
	}
	return nil
}

// heldStream opens a progress stream whose body is b, through a user
// transport that ignores the request's context.
func heldStream(t *testing.T, ctx context.Context, b *heldBody) *client.Stream[client.Event] {
	t.Helper()
	clearEnv(t)
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
			Body: b, ContentLength: -1, Request: r}, nil
	})
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL("http://127.0.0.1/v2"),
		client.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := c.Documents.StreamDocumentTrace(ctx, "job")
	if err != nil {
		t.Fatal(err)
	}
	return stream
}

// The stream itself closes the body when the context ends, so a read blocked
// in a transport that ignores the context still returns at once.
func TestStreamCancelUnblocksATransportThatIgnoresContext(t *testing.T) {
	b := newHeldBody("data: first\n\n")
	ctx, cancel := context.WithCancel(context.Background())
	stream := heldStream(t, ctx, b)
	if !stream.Next() {
		t.Fatal(stream.Err())
	}
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan bool)
	go func() { done <- stream.Next() }()
	select {
	case got := <-done:
		if got || !errors.Is(stream.Err(), context.Canceled) {
			t.Fatalf("Next = %v, Err = %v; want false, context.Canceled", got, stream.Err())
		}
	case <-time.After(5 * time.Second):
		b.Close()
		t.Fatal("cancel did not unblock the read")
	}
}

// Events already read into the decoder's buffer are not delivered once the
// context is cancelled.
func TestStreamCancelDropsBufferedEvents(t *testing.T) {
	b := newHeldBody("data: 1\n\ndata: 2\n\ndata: 3\n\n")
	ctx, cancel := context.WithCancel(context.Background())
	stream := heldStream(t, ctx, b)
	if !stream.Next() || stream.Current().Data != "1" {
		t.Fatalf("first event: %v", stream.Err())
	}
	cancel()
	if stream.Next() {
		t.Fatalf("Next after cancel delivered %q", stream.Current().Data)
	}
	if !errors.Is(stream.Err(), context.Canceled) {
		t.Fatalf("Err = %v, want context.Canceled", stream.Err())
	}
}

// Close closes the body exactly once, however often and from however many
// goroutines it is called, and returns the same result each time.
func TestStreamCloseClosesTheBodyOnce(t *testing.T) {
	b := newHeldBody("data: 1\n\n")
	stream := heldStream(t, context.Background(), b)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := stream.Close(); err != nil {
				t.Errorf("Close = %v", err)
			}
		}()
	}
	wg.Wait()
	if err := stream.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if n := b.closes.Load(); n != 1 {
		t.Fatalf("body closed %d times, want 1", n)
	}
	if stream.Next() {
		t.Fatal("Next after Close delivered an event")
	}
}

// WithTimeout bounds the start of a stream or download, not its length: a
// stream (or file) whose data keeps coming for longer than the timeout is read to its end, and one
// whose headers never come fails with context.DeadlineExceeded.
func TestWithTimeoutDoesNotCutAFlowingStream(t *testing.T) {
	leakCheck(t)
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "hang") {
			<-r.Context().Done()
			return
		}
		if strings.HasSuffix(r.URL.Path, "/file") {
			w.Header().Set("Content-Type", "application/zip")
		} else {
			w.Header().Set("Content-Type", "text/event-stream")
		}
		for i := range 6 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			w.(http.Flusher).Flush()
			time.Sleep(40 * time.Millisecond) // 240 ms in all, the timeout is 100 ms
		}
	})
	stream, err := c.Documents.StreamDocumentTrace(context.Background(), "job", client.WithTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range stream.All() {
		if err != nil {
			t.Fatalf("after %d events: %v", n, err)
		}
		n++
	}
	if n != 6 {
		t.Fatalf("read %d events, want 6", n)
	}
	// The same for a download.
	d, err := c.DatasourceDownloads.DownloadFile(context.Background(), "ds", "job", client.WithTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(d)
	d.Close()
	if err != nil || strings.Count(string(body), "data:") != 6 {
		t.Fatalf("download read %q, %v", body, err)
	}

	start := time.Now()
	_, err = c.Documents.StreamDocumentTrace(context.Background(), "hang", client.WithTimeout(100*time.Millisecond), client.WithRetries(0))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "WithTimeout") {
		t.Fatalf("err = %v, want context.DeadlineExceeded naming WithTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the timeout took %v", d)
	}
}
