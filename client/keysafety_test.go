package client

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

type recordingTransport struct{ reqs []*http.Request }

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.reqs = append(r.reqs, req)
	return &http.Response{StatusCode: 204, Body: http.NoBody, Request: req}, nil
}

// TestHeaderTransportRefusesPlainHTTPPerRequest covers requests that do not
// come from New's base URL (e.g. through Generated() with another server).
func TestHeaderTransportRefusesPlainHTTPPerRequest(t *testing.T) {
	next := &recordingTransport{}
	body := &closeTracker{Reader: strings.NewReader("{}")}
	ht := &headerTransport{apiKey: newSecret("k-123"), next: next}
	req, _ := http.NewRequest("POST", "http://api.example.com/v2/agents", body)
	_, err := ht.RoundTrip(req)
	if err == nil || !strings.Contains(err.Error(), "client.WithInsecureHTTP()") || len(next.reqs) != 0 {
		t.Fatalf("err = %v, sent %d; want a refusal that names WithInsecureHTTP and nothing sent", err, len(next.reqs))
	}
	if !body.closed {
		t.Error("the refused request's body was not closed")
	}

	ht.insecureHTTP = true
	if _, err := ht.RoundTrip(req); err != nil || next.reqs[0].Header.Get(APIKeyHeader) != "k-123" {
		t.Fatalf("with WithInsecureHTTP: err = %v", err)
	}
	for _, u := range []string{"http://localhost:8000/v2/a", "http://127.0.0.1:9/v2/a", "http://[::1]:9/v2/a", "https://api.example.com/v2/a"} {
		ht.insecureHTTP = false
		req, _ := http.NewRequest("GET", u, nil)
		if _, err := ht.RoundTrip(req); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestCheckRedirectRefusesDowngrade(t *testing.T) {
	check := checkRedirect(nil)
	first, _ := http.NewRequest("GET", "https://api.meibel.ai/v2/a", nil)
	same, _ := http.NewRequest("GET", "https://api.meibel.ai/v2/b", nil)
	down, _ := http.NewRequest("GET", "http://api.meibel.ai/v2/b", nil)
	if err := check(same, []*http.Request{first}); err != nil {
		t.Errorf("https → https: %v", err)
	}
	if err := check(down, []*http.Request{first}); !errors.Is(err, errDowngrade) {
		t.Errorf("https → http: err = %v, want errDowngrade", err)
	}
	via := make([]*http.Request, 10)
	for i := range via {
		via[i] = first
	}
	if err := check(same, via); err == nil {
		t.Error("an 11th redirect was allowed")
	}
	userErr := errors.New("user policy")
	if err := checkRedirect(func(*http.Request, []*http.Request) error { return userErr })(same, []*http.Request{first}); err != userErr {
		t.Errorf("the user's CheckRedirect was not applied: %v", err)
	}
}

type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }
