package meibeltest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

// countingClient is newClient with a count of the HTTP requests it sends.
func countingClient(t *testing.T, ts *httptest.Server) (*client.Client, *atomic.Int64) {
	t.Helper()
	for _, k := range []string{client.EnvAPIKey, client.EnvBaseURL, client.EnvEnvironment} {
		t.Setenv(k, "")
	}
	n := new(atomic.Int64)
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return ts.Client().Transport.RoundTrip(r)
	})}
	c, err := client.New(client.WithAPIKey("test-key"), client.WithBaseURL(ts.URL+"/v2"), client.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	return c, n
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestListContent(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c, requests := countingClient(t, ts)
	ctx := context.Background()
	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "bucket"})
	if err != nil {
		t.Fatal(err)
	}

	// 25 files in two uploads, out of order; report-03.txt is uploaded twice
	// (the second replaces the first) and there are two notes.
	var first, second []client.File
	for i := 25; i >= 1; i-- {
		f := client.NewFile(fmt.Sprintf("report-%02d.txt", i), strings.NewReader(strings.Repeat("x", i)), "")
		if i%2 == 0 {
			first = append(first, f)
		} else {
			second = append(second, f)
		}
	}
	first = append(first, client.NewFile("report-03.txt", strings.NewReader("an older, longer version"), ""))
	second = append(second, client.NewFile("notes-a.md", strings.NewReader("# a"), ""), client.NewFile("notes-b.md", strings.NewReader("# b"), ""))
	for _, files := range [][]client.File{first, second} {
		if _, err := c.FileUpload.UploadContent(ctx, ds.Id, &client.UploadContentForm{Files: files}); err != nil {
			t.Fatal(err)
		}
	}

	// 25 reports at 7 a page: 7+7+7+4, four requests, sorted by path.
	requests.Store(0)
	var names []string
	for item, err := range c.FileUpload.ListContentIter(ctx, ds.Id, &client.ListContentParams{Prefix: client.Ptr("report-"), Limit: client.Ptr(7)}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, item.Path)
		if typ, _ := client.ValueOf(item.Type); item.Name != item.Path || typ != "file" {
			t.Fatalf("item %+v", item)
		}
		if size, _ := client.ValueOf(item.Size); item.Name == "report-03.txt" && size != 3 {
			t.Fatalf("replaced file has size %d, want 3", size)
		}
	}
	if n := requests.Load(); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
	if len(names) != 25 || names[0] != "report-01.txt" || names[24] != "report-25.txt" {
		t.Fatalf("listed %d: %v", len(names), names)
	}

	// Without a prefix: everything, in one page by default.
	all, err := c.FileUpload.ListContent(ctx, ds.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, more := client.ValueOf(all.ContinuationToken); len(all.Items) != 27 || all.Items[0].Path != "notes-a.md" || more {
		t.Fatalf("all: %d items, token %v", len(all.Items), all.ContinuationToken)
	}
	if md, _ := client.ValueOf(all.Items[0].MediaType); !strings.HasPrefix(md, "text/markdown") {
		t.Errorf("media type %q", md)
	}

	// Exact JSON: every page but the last has a token, the last has null.
	base := "/datasources/" + ds.Id + "/content?prefix=notes-&limit=1"
	r := do(t, ts, "GET", base, nil)
	expect(t, r, 200)
	page := r.obj(t)
	tok, ok := page["continuation_token"].(string)
	items := page["items"].([]any)
	if !ok || len(items) != 1 || items[0].(map[string]any)["path"] != "notes-a.md" {
		t.Fatalf("page 1 %s", r.raw)
	}
	for _, k := range []string{"name", "path", "type", "size", "media_type", "last_modified", "etag"} {
		if _, ok := items[0].(map[string]any)[k]; !ok {
			t.Errorf("item lacks %s: %s", k, r.raw)
		}
	}
	r = do(t, ts, "GET", base+"&continuation_token="+url.QueryEscape(tok), nil)
	expect(t, r, 200)
	if !strings.Contains(string(r.raw), `"continuation_token":null`) {
		t.Fatalf("last page %s", r.raw)
	}
	if got := r.obj(t)["items"].([]any); len(got) != 1 || got[0].(map[string]any)["name"] != "notes-b.md" {
		t.Fatalf("page 2 %s", r.raw)
	}

	// An empty datasource lists nothing; errors.
	empty, _ := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "empty"})
	if got, err := c.FileUpload.ListContent(ctx, empty.Id, nil); err != nil || len(got.Items) != 0 {
		t.Fatalf("empty %+v %v", got, err)
	}
	expect(t, do(t, ts, "GET", "/datasources/"+ds.Id+"/content?continuation_token=bogus", nil), 422)
	expect(t, do(t, ts, "GET", "/datasources/"+ds.Id+"/content?limit=0", nil), 422)
	_, err = c.FileUpload.ListContent(ctx, "ds_missing", nil)
	wantStatus(t, err, 404)
}
