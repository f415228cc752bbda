package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// part is what a test server saw of one multipart part.
type part struct {
	field, filename, contentType, body string
}

// multipartServer records the parts of each request it gets.
func multipartServer(t *testing.T, status int, respCT, respBody string) (*client.Client, *[]part) {
	var parts []part
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			t.Errorf("content type %q", r.Header.Get("Content-Type"))
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("NextPart: %v", err)
				break
			}
			b, _ := io.ReadAll(p)
			parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
		}
		w.Header().Set("Content-Type", respCT)
		w.WriteHeader(status)
		io.WriteString(w, respBody)
	})
	return c, &parts
}

const uploadOK = `{"success":true,"message":"ok","datasource_id":"ds","upload_id":"up_1","sse_url":"/x"}`

func TestUploadFilenamesReachServerIntact(t *testing.T) {
	names := []string{`plain.txt`, `with space.pdf`, `quote"d.txt`, `back\slash.txt`, `naïve façade 日本語.md`, `a'b;c=d.csv`}
	c, parts := multipartServer(t, 200, "application/json", uploadOK)
	form := &client.UploadContentForm{}
	for i, n := range names {
		form.Files = append(form.Files, client.NewFile(n, strings.NewReader(strings.Repeat("x", i)), ""))
	}
	resp, err := c.FileUpload.UploadContent(context.Background(), "ds 1", form)
	if err != nil {
		t.Fatal(err)
	}
	if resp.UploadId != "up_1" {
		t.Errorf("UploadId %q", resp.UploadId)
	}
	if len(*parts) != len(names) {
		t.Fatalf("server saw %d parts, want %d", len(*parts), len(names))
	}
	for i, p := range *parts {
		if p.field != "files" || p.filename != names[i] || len(p.body) != i {
			t.Errorf("part %d = %+v, want filename %q", i, p, names[i])
		}
	}
	if ct := (*parts)[1].contentType; ct != "application/pdf" {
		t.Errorf("content type from extension = %q", ct)
	}
	if ct := (*parts)[2].contentType; ct != "text/plain; charset=utf-8" {
		t.Errorf("content type from extension = %q", ct)
	}
}

func TestFormOptionalFieldsSentOnlyWhenSet(t *testing.T) {
	tests := []struct {
		name string
		form *client.SubmitDocumentTransformForm
		want string // field=value, in order
	}{
		{"required only", &client.SubmitDocumentTransformForm{ArtifactSchema: "s1", File: client.NewFile("d.pdf", strings.NewReader("%PDF"), "")},
			"artifact_schema=s1 file=d.pdf"},
		{"optional set", &client.SubmitDocumentTransformForm{ArtifactSchema: "s1", File: client.NewFile("d.pdf", strings.NewReader("%PDF"), ""),
			Model: ptr("m-2"), TimeoutSeconds: ptr(0), PromptID: ptr("")},
			"artifact_schema=s1 file=d.pdf model=m-2 prompt_id= timeout_seconds=0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, parts := multipartServer(t, 202, "application/json", `{"job_id":"j","status":"queued"}`)
			if _, err := c.Documents.SubmitDocumentTransform(context.Background(), tt.form); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range *parts {
				v := p.body
				if p.filename != "" {
					v = p.filename
				}
				got = append(got, p.field+"="+v)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("fields %q, want %q", strings.Join(got, " "), tt.want)
			}
		})
	}
}

func TestChatFormBoolsAndNoFiles(t *testing.T) {
	c, parts := multipartServer(t, 200, "text/event-stream", "data: x\n\n")
	s, err := c.Sessions.SendChatMessageStream(context.Background(), "s", &client.SendChatMessageStreamForm{
		UserMessage: ptr("hi"), IncludeThinking: ptr(false), TimeoutSeconds: ptr(30)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	var got []string
	for _, p := range *parts {
		got = append(got, p.field+"="+p.body)
	}
	if want := "include_thinking=false timeout_seconds=30 user_message=hi"; strings.Join(got, " ") != want {
		t.Errorf("fields %q, want %q", strings.Join(got, " "), want)
	}
}

func TestFormErrorsBeforeSending(t *testing.T) {
	var calls atomic.Int32
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	ctx := context.Background()
	_, err := c.Documents.ParseDocument(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "parseDocument") || !strings.Contains(err.Error(), "nil form") {
		t.Errorf("nil form: %v", err)
	}
	_, err = c.Documents.ParseDocument(ctx, &client.ParseDocumentForm{})
	if err == nil || !strings.Contains(err.Error(), `"file"`) {
		t.Errorf("missing file: %v", err)
	}
	_, err = c.FileUpload.UploadContent(ctx, "ds", &client.UploadContentForm{})
	if err == nil || !strings.Contains(err.Error(), `form field "files" is required`) {
		t.Errorf("no files: %v", err)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("server got %d requests for invalid forms", n)
	}
}

// gateReader yields size bytes, but only the first chunk until open is
// closed: if the client buffered the body before sending, the server would
// never see the first chunk and the test would time out.
type gateReader struct {
	left  int
	first bool
	open  chan struct{}
}

func (g *gateReader) Read(p []byte) (int, error) {
	if g.left == 0 {
		return 0, io.EOF
	}
	if g.first {
		<-g.open
	}
	g.first = true
	n := min(len(p), 64<<10)
	if g.left > 0 { // a negative left never ends
		n = min(n, g.left)
		g.left -= n
	}
	for i := range p[:n] {
		p[i] = 'a'
	}
	return n, nil
}

func TestUploadStreamsWhileReading(t *testing.T) {
	leakCheck(t)
	const size = 4 << 20
	gate := make(chan struct{})
	var got int64
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		p, err := multipart.NewReader(r.Body, params["boundary"]).NextPart()
		if err != nil {
			t.Error(err)
			return
		}
		buf := make([]byte, 1024)
		n, _ := io.ReadFull(p, buf)
		close(gate) // the first bytes arrived before the client read the rest
		m, _ := io.Copy(io.Discard, p)
		got = int64(n) + m
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, uploadOK)
	})
	var last, lastTotal atomic.Int64
	calls := 0
	form := &client.UploadContentForm{
		Files:      []client.File{{Name: "big.bin", Reader: &gateReader{left: size, open: gate}, Size: size}},
		OnProgress: func(sent, total int64) { calls++; last.Store(sent); lastTotal.Store(total) },
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.FileUpload.UploadContent(ctx, "ds", form); err != nil {
		t.Fatal(err)
	}
	if got != size || last.Load() != size || lastTotal.Load() != size || calls < 10 {
		t.Errorf("server got %d, progress %d/%d in %d calls", got, last.Load(), lastTotal.Load(), calls)
	}
}

func TestUploadCancelStopsWriter(t *testing.T) {
	leakCheck(t)
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	})
	ctx, cancel := context.WithCancel(context.Background())
	infinite := &gateReader{left: -1, open: make(chan struct{})}
	close(infinite.open)
	form := &client.UploadContentForm{Files: []client.File{client.NewFile("inf.bin", infinite, "")},
		OnProgress: func(sent, total int64) {
			if total != -1 {
				t.Errorf("total %d for a reader of unknown size", total)
			}
			if sent > 1<<20 {
				cancel()
			}
		}}
	_, err := c.FileUpload.UploadContent(ctx, "ds", form)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestOpenFileUpload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report 2024 é.pdf")
	if err := os.WriteFile(path, []byte("%PDF-1.7 content"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := client.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Size != 16 || f.Name != "report 2024 é.pdf" {
		t.Errorf("File %+v", f)
	}
	c, parts := multipartServer(t, 202, "application/json", `{"job_id":"j","status":"queued"}`)
	if _, err := c.Documents.ParseDocument(context.Background(), &client.ParseDocumentForm{File: f}); err != nil {
		t.Fatal(err)
	}
	if p := (*parts)[0]; p.filename != "report 2024 é.pdf" || p.body != "%PDF-1.7 content" || p.contentType != "application/pdf" {
		t.Errorf("part %+v", p)
	}
	if _, err := client.OpenFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("OpenFile of a missing file succeeded")
	}
}

func TestDownloadStreamsAndSaves(t *testing.T) {
	leakCheck(t)
	gate := make(chan struct{})
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename*=UTF-8''export%20%C3%A9.zip`)
		io.WriteString(w, "PK-first-chunk|")
		w.(http.Flusher).Flush()
		select { // the rest only once the client has read the first chunk
		case <-gate:
		case <-time.After(5 * time.Second):
			t.Error("client did not read the first chunk before the body ended: buffered?")
		}
		io.WriteString(w, strings.Repeat("z", 1<<20))
	})
	d, err := c.DatasourceDownloads.DownloadFile(context.Background(), "ds", "job 1")
	if err != nil {
		t.Fatal(err)
	}
	if d.ContentType != "application/zip" || d.Filename != "export é.zip" || d.ContentLength != -1 {
		t.Errorf("download %q %q %d", d.ContentType, d.Filename, d.ContentLength)
	}
	buf := make([]byte, len("PK-first-chunk|"))
	if _, err := io.ReadFull(d, buf); err != nil || string(buf) != "PK-first-chunk|" {
		t.Fatalf("first chunk %q, %v", buf, err)
	}
	close(gate)
	path := filepath.Join(t.TempDir(), "out.zip")
	n, err := d.SaveFile(path)
	if err != nil || n != 1<<20 {
		t.Fatalf("SaveFile = %d, %v", n, err)
	}
	if st, _ := os.Stat(path); st == nil || st.Size() != 1<<20 {
		t.Errorf("saved file %v", st)
	}
	if d.Close() != nil || d.Close() != nil {
		t.Error("second Close failed")
	}
}

func TestDownloadTruncatedSaveRemovesFile(t *testing.T) {
	c := fileServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "only ten b")
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // cut the connection mid-body
	})
	d, err := c.DatasourceDownloads.DownloadFile(context.Background(), "ds", "j")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.zip")
	if _, err := d.SaveFile(path); err == nil || !strings.Contains(err.Error(), "downloadFile") {
		t.Fatalf("SaveFile of a cut body: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial file left behind: %v", err)
	}
}

func ExampleOpenFile() {
	srv := multipartEcho()
	defer srv.Close()
	c, _ := client.New(client.WithAPIKey("key"), client.WithBaseURL(srv.URL))

	path := filepath.Join(os.TempDir(), "meibel-example.txt")
	os.WriteFile(path, []byte("hello"), 0o600)
	defer os.Remove(path)
	f, err := client.OpenFile(path)
	if err != nil {
		panic(err)
	}
	resp, err := c.FileUpload.UploadContent(context.Background(), "ds_1", &client.UploadContentForm{
		Files:      []client.File{f},
		OnProgress: func(sent, total int64) { /* draw a progress bar */ },
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Message)
	// Output: received meibel-example.txt (5 bytes)
}

// multipartEcho answers an upload with the name and size of its first file.
func multipartEcho() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		p, _ := multipart.NewReader(r.Body, params["boundary"]).NextPart()
		var b bytes.Buffer
		n, _ := io.Copy(&b, p)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"success":true,"message":"received %s (%d bytes)","datasource_id":"ds_1","upload_id":"u","sse_url":"/x"}`, p.FileName(), n)
	}))
}
