package client_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

const printedKey = "sk-live-7f3a9c0d2e4b"

// Printing a Client, or logging it, never shows the API key: not with any
// fmt verb, not through slog, and not by a reflection-based dumper that
// follows every pointer and unexported field.
func TestClientPrintsNoKey(t *testing.T) {
	clearEnv(t)
	c, err := client.New(client.WithAPIKey(printedKey), client.WithBaseURL("http://127.0.0.1:1/v2"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		fmt.Fprintf(&out, verb+"\n", c)
		fmt.Fprintf(&out, verb+"\n", *c)
		fmt.Fprintf(&out, verb+"\n", c.Agents)
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("client", "c", c, "value", *c)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("client", "c", c)
	if strings.Contains(out.String(), printedKey) {
		t.Fatalf("the key is printed:\n%s", out.String())
	}
	if path := findString(reflect.ValueOf(c), printedKey, "c", map[uintptr]bool{}, 0); path != "" {
		t.Fatalf("the key is reachable by reflection at %s", path)
	}
}

// findString returns the path of a string holding s reachable from v, or "".
func findString(v reflect.Value, s, path string, seen map[uintptr]bool, depth int) string {
	if depth > 40 || !v.IsValid() {
		return ""
	}
	switch v.Kind() {
	case reflect.String:
		if strings.Contains(v.String(), s) {
			return path
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.Pointer()] {
				return ""
			}
			seen[v.Pointer()] = true
		}
		return findString(v.Elem(), s, path, seen, depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if p := findString(v.Field(i), s, path+"."+v.Type().Field(i).Name, seen, depth+1); p != "" {
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range min(v.Len(), 64) {
			if p := findString(v.Index(i), s, fmt.Sprintf("%s[%d]", path, i), seen, depth+1); p != "" {
				return p
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if p := findString(it.Value(), s, fmt.Sprintf("%s[%v]", path, it.Key()), seen, depth+1); p != "" {
				return p
			}
		}
	}
	return ""
}

// A server that echoes the key in a response header does not get it into
// the *APIError: not its Header, not %+v or %#v.
func TestAPIErrorRedactsAKeyEchoedInAHeader(t *testing.T) {
	clearEnv(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", "you sent "+r.Header.Get(client.APIKeyHeader))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"detail":"no agent for key %s"}`, r.Header.Get(client.APIKeyHeader))
	}))
	defer srv.Close()
	c, err := client.New(client.WithAPIKey(printedKey), client.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Agents.GetAgent(context.Background(), "a")
	apiErr, ok := err.(*client.APIError)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	if got := apiErr.Header.Get("X-Echo"); got != "you sent [REDACTED]" {
		t.Errorf("X-Echo = %q", got)
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(verb, apiErr); strings.Contains(s, printedKey) {
			t.Errorf("%s shows the key: %s", verb, s)
		}
	}
}

// TestSuccessResponsesRedactAKeyEchoedInAHeader: the headers a caller gets
// from a successful call (WithResponse, Download.Header, Stream.Response) never
// hold the key, even when the server echoes it.
func TestSuccessResponsesRedactAKeyEchoedInAHeader(t *testing.T) {
	clearEnv(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", "you sent "+r.Header.Get(client.APIKeyHeader))
		switch {
		case strings.HasSuffix(r.URL.Path, "/file"):
			w.Header().Set("Content-Type", "application/zip")
			_, _ = w.Write([]byte("PK"))
		case strings.HasSuffix(r.URL.Path, "/progress"):
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = io.WriteString(w, "event: complete\ndata: {}\n\n")
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(agentBody)
		}
	}))
	defer srv.Close()
	c, err := client.New(client.WithAPIKey(printedKey), client.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(what string, h http.Header, whole any) {
		t.Helper()
		if got := h.Get("X-Echo"); got != "you sent [REDACTED]" {
			t.Errorf("%s: X-Echo = %q, want the key redacted", what, got)
		}
		if s := fmt.Sprintf("%+v", whole); strings.Contains(s, printedKey) {
			t.Errorf("%s: %%+v shows the key: %s", what, s)
		}
	}

	var resp *http.Response
	if _, err := c.Agents.GetAgent(ctx, "a", client.WithResponse(&resp)); err != nil {
		t.Fatal(err)
	}
	check("WithResponse", resp.Header, resp.Header)

	dl, err := c.DatasourceDownloads.DownloadFile(ctx, "ds", "job")
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close()
	check("Download", dl.Header, dl)

	st, err := c.FileUpload.StreamUploadProgress(ctx, "up")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	check("Stream", st.Response().Header, st.Response().Header)
}
