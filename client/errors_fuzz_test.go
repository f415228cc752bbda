package client

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzErrorBody feeds arbitrary error bodies and content types to the
// error-body decoder: it must not panic, must give one short line of valid
// UTF-8, and must never keep the API key.
func FuzzErrorBody(f *testing.F) {
	const key = "fuzz-secret-key"
	seeds := []struct{ ct, body string }{
		{"application/json", `{"detail":"Agent not found"}`},
		{"application/json", `{"detail":[{"loc":["body","name"],"msg":"Field required","type":"missing"}]}`},
		{"application/json", `{"detail":[{"loc":["query",3],"msg":"x","type":"y"},{"loc":[],"msg":"z","type":"w"}]}`},
		{"application/problem+json", `{"message":"slow down"}`},
		{"application/json", `{"error":"bad key fuzz-secret-key"}`},
		{"text/html", "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"},
		{"text/plain", "upstream\r\nfailed\x00\xff"},
		{"", `{"detail":`},
		{"application/json; charset=utf-8", `{"detail":null}`},
		{"garbage;;;", strings.Repeat("x", 1000)},
	}
	for _, s := range seeds {
		f.Add(s.ct, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		resp := &http.Response{
			StatusCode: 500,
			Header:     http.Header{"Content-Type": {ct}},
			Body:       io.NopCloser(bytes.NewReader(body)),
			Request:    &http.Request{Method: "GET", URL: mustURL(t, "http://127.0.0.1/v2/agents/a")},
		}
		e := newAPIError(&operation{ID: "getAgent"}, resp, key)
		msg := e.Error()
		if strings.Contains(msg, key) || bytes.Contains(e.Body, []byte(key)) || strings.Contains(e.Message, key) {
			t.Fatalf("key kept: %q / %q", msg, e.Body)
		}
		if strings.ContainsAny(msg, "\r\n") || !utf8.ValidString(msg) {
			t.Fatalf("message is not one valid line: %q", msg)
		}
		if len(e.Message) > maxMessage+len("…")+utf8.UTFMax {
			t.Fatalf("message too long: %d bytes", len(e.Message))
		}
		if len(e.Body) > MaxErrorBody {
			t.Fatalf("body kept %d bytes", len(e.Body))
		}
		for _, d := range e.Detail {
			_ = d.Field()
		}
	})
}

func TestAPIErrorDropsKeyCutByTheCap(t *testing.T) {
	const key = "cut-secret-key"
	body := strings.Repeat("a", MaxErrorBody-4) + key + strings.Repeat("b", 100)
	resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	e := newAPIError(&operation{ID: "getAgent"}, resp, key)
	if bytes.Contains(e.Body, []byte(key[:4])) || len(e.Body) != MaxErrorBody-4 {
		t.Fatalf("body ends %q (len %d); want the cut key prefix dropped", e.Body[len(e.Body)-10:], len(e.Body))
	}
}
