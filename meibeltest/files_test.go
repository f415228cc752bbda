package meibeltest

import (
	"bufio"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The chat stream is flushed event by event: the first event arrives long
// before the last one is written.
func TestChatStreamIsFlushedPerEvent(t *testing.T) {
	old := TokenPause
	TokenPause = 100 * time.Millisecond
	defer func() { TokenPause = old }()
	_, ts := NewHTTPTest(t)
	agentID := createAgent(t, ts, map[string]any{"display_name": "bot", "instructions": "x"})
	var sess struct {
		SessionID string `json:"session_id"`
	}
	do(t, ts, "POST", "/agents/"+agentID+"/sessions", map[string]any{}).json(t, &sess)

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("user_message", "one two three four")
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", ts.URL+"/v2/sessions/"+sess.SessionID+"/chat/stream", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(APIKeyHeader, "k")
	start := time.Now()
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(resp.Body)
	first, _ := r.ReadString('\n')
	firstAt := time.Since(start)
	if first != "event: connected\n" {
		t.Fatalf("first line %q", first)
	}
	rest, _ := io.ReadAll(r)
	if n := strings.Count(string(rest), "event: partial_response\n"); n < 4 || !strings.Contains(string(rest), "event: completion\n") {
		t.Errorf("%d partial responses in %q", n, rest)
	}
	// Flushed and paced: the first event arrives long before the stream ends
	// (a ratio, not a fixed time, so a slow machine does not fail it).
	total := time.Since(start)
	if total < 500*time.Millisecond || firstAt > total/3 {
		t.Errorf("first event after %v, whole stream in %v: events were not flushed as they were paced", firstAt, total)
	}
}

// A large upload streams through the contract check and the handler: the
// server counts every byte but keeps only MaxStoredFileBytes.
func TestLargeUploadIsCountedNotBuffered(t *testing.T) {
	_, ts := NewHTTPTest(t)
	var ds struct {
		ID string `json:"id"`
	}
	do(t, ts, "POST", "/datasources", map[string]any{"name": "big"}).json(t, &ds)
	const size = 3 * MaxStoredFileBytes
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, _ := mw.CreateFormFile("files", "big.bin")
		io.Copy(fw, io.LimitReader(zeroReader{}, size))
		pw.CloseWithError(mw.Close())
	}()
	req, _ := http.NewRequest("POST", ts.URL+"/v2/datasources/"+ds.ID+"/content", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(APIKeyHeader, "k")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		EstimatedSize int `json:"estimated_size"`
	}
	raw, _ := io.ReadAll(resp.Body)
	reply{status: resp.StatusCode, raw: raw}.json(t, &out)
	if out.EstimatedSize != size {
		t.Fatalf("estimated_size %d, want %d", out.EstimatedSize, size)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }
