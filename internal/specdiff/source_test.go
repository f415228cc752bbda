package specdiff

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadFile(t *testing.T) {
	data, err := Load(context.Background(), filepath.Join("testdata", "base.json"), nil)
	if err != nil || version(data) != "1.0.0" {
		t.Fatalf("Load = %d bytes, version %q, %v", len(data), version(data), err)
	}
	_, err = Load(context.Background(), filepath.Join("testdata", "missing.json"), nil)
	if err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}

func TestLoadURL(t *testing.T) {
	spec := fixture(t, "new-operation")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/openapi.json":
			w.Write(spec)
		case "/html":
			w.Write([]byte("<html><body>maintenance</body></html>"))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	got, err := Load(context.Background(), srv.URL+"/openapi.json", nil)
	if err != nil || string(got) != string(spec) {
		t.Fatalf("Load(URL) = %d bytes, %v", len(got), err)
	}
	cases := map[string]string{
		"/missing": "404 Not Found",
		"/html":    "is not an OpenAPI JSON document",
		"/slow":    "no answer within 100ms",
	}
	client := &http.Client{Timeout: 100 * time.Millisecond}
	for path, want := range cases {
		_, err := Load(context.Background(), srv.URL+path, client)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), srv.URL+path) {
			t.Errorf("Load(%s) = %v, want an error naming the URL and %q", path, err, want)
		}
	}
}

func TestLoadURLOffline(t *testing.T) {
	// A closed loopback port stands in for a network that is not there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String() + "/openapi.json"
	l.Close()
	_, err = Load(context.Background(), url, nil)
	if err == nil || !strings.Contains(err.Error(), "is the network reachable?") || !strings.Contains(err.Error(), "NEW=") {
		t.Fatalf("offline Load = %v, want a hint to check the network or pass a file", err)
	}
}
