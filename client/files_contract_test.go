package client_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// TestContractFiles runs every file and stream operation the local server
// implements, with both sides validated against api-v2.json.
func TestContractFiles(t *testing.T) {
	leakCheck(t)
	c, _, _ := contractClient(t)
	ctx := context.Background()

	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "files"})
	must(t, err)

	// Upload two files (one with a quote and non-ASCII name) with progress.
	var progress []int64
	up, err := c.FileUpload.UploadContent(ctx, ds.Id, &client.UploadContentForm{
		Files: []client.File{
			client.NewFile("notes.txt", strings.NewReader("line one\nline two\n"), ""),
			client.NewFile(`résumé "final".md`, strings.NewReader("# CV\n"), ""),
		},
		OnProgress: func(sent, total int64) { progress = append(progress, sent, total) },
	})
	must(t, err)
	if !up.Success || up.UploadId == "" {
		t.Fatalf("upload %+v", up)
	}
	if n := len(progress); n < 4 || progress[n-2] != 23 || progress[n-1] != 23 {
		t.Errorf("progress %v, want to end at 23/23", progress)
	}

	// The upload progress stream: one progress event per file, then complete.
	ups, err := c.FileUpload.StreamUploadProgress(ctx, up.UploadId)
	must(t, err)
	var names []string
	for ev, err := range ups.All() {
		must(t, err)
		names = append(names, ev.Type)
	}
	if strings.Join(names, ",") != "progress,progress,complete" {
		t.Errorf("upload progress events %v", names)
	}

	// Ingest.
	_, err = c.Ingest.TriggerIngest(ctx, ds.Id)
	must(t, err)
	waitFor(t, func() bool {
		st, err := c.Ingest.GetIngestStatus(ctx, ds.Id)
		must(t, err)
		return st.Status == client.IngestStatusCompleted
	})

	// The chat stream, token by token.
	agent, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: "bot", Instructions: "x"})
	must(t, err)
	sess, err := c.Agents.CreateSession(ctx, agent.Id, &client.CreateSessionRequest{})
	must(t, err)
	chat, err := c.Sessions.SendChatMessageStream(ctx, sess.SessionId, &client.SendChatMessageStreamForm{
		UserMessage: ptr("hello there"), IncludeToolActivity: ptr(true)})
	must(t, err)
	var kinds []string
	var text, final string
	for ev, err := range chat.All() {
		must(t, err)
		switch e := ev.(type) {
		case *client.ConnectedEvent:
			kinds = append(kinds, "connected")
		case *client.StatusEvent:
			kinds = append(kinds, "status")
		case *client.ToolCallEvent:
			kinds = append(kinds, "tool_call")
		case *client.ToolResultEvent:
			kinds = append(kinds, "tool_result")
		case *client.PartialResponseEvent:
			if len(kinds) == 0 || kinds[len(kinds)-1] != "partial" {
				kinds = append(kinds, "partial")
			}
			text += e.Data
		case *client.CompletionEvent:
			kinds = append(kinds, "completion")
			final = e.Data
		default:
			t.Errorf("unexpected event %#v", ev)
		}
	}
	if strings.Join(kinds, ",") != "connected,status,tool_call,tool_result,partial,completion" || text != final || !strings.Contains(final, "hello there") {
		t.Errorf("chat events %v, text %q, final %q", kinds, text, final)
	}

	// Parse a document and follow its trace.
	job, err := c.Documents.ParseDocument(ctx, &client.ParseDocumentForm{File: client.NewFile("report.txt", strings.NewReader("Title\n\nBody text\f Page two\n"), "")})
	must(t, err)
	trace, err := c.Documents.StreamDocumentTrace(ctx, job.JobId)
	must(t, err)
	var last client.Event
	steps := 0
	for ev, err := range trace.All() {
		must(t, err)
		steps++
		last = ev
	}
	if last.Type != "complete" || steps < 3 {
		t.Errorf("trace: %d events, last %+v", steps, last)
	}
	st, err := c.Documents.GetDocumentStatus(ctx, job.JobId)
	must(t, err)
	if pages, _ := st.Pages.Get(); st.Status != "completed" || pages != 2 {
		t.Errorf("status %+v", st)
	}
	res, err := c.Documents.GetDocumentResult(ctx, job.JobId, nil)
	must(t, err)
	var doc struct{ Content string }
	must(t, json.Unmarshal(res, &doc))
	if !strings.Contains(doc.Content, "Body text") {
		t.Errorf("result %s", res)
	}

	// Download: job, progress stream, streamed zip.
	dj, err := c.DatasourceDownloads.CreateDownloadJob(ctx, ds.Id, nil)
	must(t, err)
	dps, err := c.DatasourceDownloads.StreamDownloadProgress(ctx, ds.Id, dj.JobId)
	must(t, err)
	names = nil
	for ev, err := range dps.All() {
		must(t, err)
		names = append(names, ev.Type)
	}
	if strings.Join(names, ",") != "progress,progress,complete" {
		t.Errorf("download progress events %v", names)
	}
	d, err := c.DatasourceDownloads.DownloadFile(ctx, ds.Id, dj.JobId)
	must(t, err)
	if want := "export-" + dj.JobId + ".zip"; d.Filename != want || d.ContentType != "application/zip" {
		t.Errorf("download named %q (%s), want %q", d.Filename, d.ContentType, want)
	}
	entries := readZip(t, d)
	if want := "notes.txt=line one\nline two\n|résumé \"final\".md=# CV\n"; entries != want {
		t.Errorf("zip entries %q, want %q", entries, want)
	}
	d2, err := c.DatasourceDownloads.ProcessDownload(ctx, ds.Id, &client.DownloadJobRequest{})
	must(t, err)
	if want := "export-" + ds.Id + ".zip"; d2.Filename != want {
		t.Errorf("processDownload named %q, want %q", d2.Filename, want)
	}
	if got := readZip(t, d2); got != entries {
		t.Errorf("processDownload zip %q", got)
	}

	// Unknown ids are typed errors.
	if _, err := c.Documents.StreamDocumentTrace(ctx, "doc_missing"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("trace of a missing job: %v", err)
	}
}

// readZip reads a whole (small) zip download and lists name=content pairs.
func readZip(t *testing.T, d *client.Download) string {
	t.Helper()
	defer d.Close()
	if d.ContentType != "application/zip" {
		t.Errorf("content type %q", d.ContentType)
	}
	b, err := io.ReadAll(d)
	must(t, err)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	must(t, err)
	var out []string
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		data, _ := io.ReadAll(rc)
		rc.Close()
		out = append(out, f.Name+"="+string(data))
	}
	sort.Strings(out)
	return strings.Join(out, "|")
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
