package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/meibel-ai/meibel-go/client"
)

// fileSteps stream a chat reply, upload with progress, parse a document
// while following its trace, and download the datasource export. They run
// after the scenario's steps (they need its session and datasource).
func fileSteps() []step {
	return []step{
		{"Stream a chat reply token by token", streamChat},
		{"Upload a file with a progress bar", uploadWithProgress},
		{"Parse a document, following its trace", parseWithTrace},
		{"Download the datasource export", downloadExport},
	}
}

func streamChat(ctx context.Context, s *state) error {
	stream, err := s.c.Sessions.SendChatMessageStream(ctx, s.sessionID, &client.SendChatMessageStreamForm{
		UserMessage: client.Ptr("Stream me a short answer, please"), IncludeToolActivity: client.Ptr(true)})
	if err != nil {
		return err
	}
	defer stream.Close()
	fmt.Fprint(s.out, "  agent: ")
	tokens := 0
	for ev, err := range stream.All() {
		if err != nil {
			return err
		}
		switch e := ev.(type) {
		case *client.StatusEvent: // what the agent is doing, e.g. thinking
			fmt.Fprintf(s.out, "[status: %s] ", e.Data)
		case *client.ToolCallEvent: // the agent calls a tool (include_tool_activity)
			fmt.Fprint(s.out, "[tool call] ")
		case *client.PartialResponseEvent:
			fmt.Fprint(s.out, e.Data) // printed as each token arrives
			tokens++
		case *client.CompletionEvent:
			fmt.Fprintf(s.out, "\n  (%d tokens streamed)\n", tokens)
		}
	}
	if tokens == 0 {
		return fmt.Errorf("the chat stream sent no partial responses")
	}
	return nil
}

func uploadWithProgress(ctx context.Context, s *state) error {
	const size = 3 << 20
	content := bytes.Repeat([]byte("Meibel streams uploads.\n"), size/24)
	lastPct := int64(-1)
	res, err := s.c.FileUpload.UploadContent(ctx, s.datasourceID, &client.UploadContentForm{
		Files: []client.File{
			client.NewFile("handbook.txt", bytes.NewReader(content), ""),
			client.NewFile(`Q3 "draft" résumé.md`, strings.NewReader("# Q3\n\nRevenue grew.\n"), ""),
		},
		OnProgress: func(sent, total int64) {
			if pct := sent * 100 / max(total, 1); pct/10 != lastPct/10 || sent == total {
				lastPct = pct
				fmt.Fprintf(s.out, "\r  [%-20s] %3d%% %d/%d bytes", strings.Repeat("#", int(pct/5)), pct, sent, total)
			}
		},
	})
	fmt.Fprintln(s.out)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "  upload %s: %s\n", res.UploadId, res.Message)
	progress, err := s.c.FileUpload.StreamUploadProgress(ctx, res.UploadId)
	if err != nil {
		return err
	}
	if err := printEvents(s, "", progress); err != nil {
		return err
	}
	return nil
}

func parseWithTrace(ctx context.Context, s *state) error {
	doc := "Quarterly report\n\nRevenue grew 12%.\n| region | growth |\n| EU | 9% |\f\nPage two: outlook.\n"
	job, err := s.c.Documents.ParseDocument(ctx, &client.ParseDocumentForm{File: client.NewFile("q3-report.txt", strings.NewReader(doc), "")})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "  job %s (%s)\n", job.JobId, job.Status)
	trace, err := s.c.Documents.StreamDocumentTrace(ctx, job.JobId)
	if err != nil {
		return err
	}
	if err := printEvents(s, "trace ", trace); err != nil {
		return err
	}
	st, err := s.c.Documents.GetDocumentStatus(ctx, job.JobId)
	if err != nil {
		return err
	}
	pages, _ := st.Pages.Get()
	elements, _ := st.Elements.Get()
	fmt.Fprintf(s.out, "  status %s: %d pages, %d elements\n", st.Status, pages, elements)
	res, err := s.c.Documents.GetDocumentResult(ctx, job.JobId, nil)
	if err != nil {
		return err
	}
	var out struct{ Content string }
	if err := json.Unmarshal(res, &out); err != nil {
		return fmt.Errorf("document result: %w", err)
	}
	first, _, _ := strings.Cut(out.Content, "\n")
	fmt.Fprintf(s.out, "  result starts: %q\n", first)
	return nil
}

func downloadExport(ctx context.Context, s *state) error {
	job, err := s.c.DatasourceDownloads.CreateDownloadJob(ctx, s.datasourceID, nil)
	if err != nil {
		return err
	}
	progress, err := s.c.DatasourceDownloads.StreamDownloadProgress(ctx, s.datasourceID, job.JobId)
	if err != nil {
		return err
	}
	if err := printEvents(s, "", progress); err != nil {
		return err
	}
	d, err := s.c.DatasourceDownloads.DownloadFile(ctx, s.datasourceID, job.JobId)
	if err != nil {
		return err
	}
	defer d.Close()
	// The body streams; the demo reads it to list the entries (a real
	// program would use d.SaveFile(path) for large exports).
	b, err := io.ReadAll(d)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return fmt.Errorf("export is not a zip: %w", err)
	}
	fmt.Fprintf(s.out, "  %s: %d bytes, %d entries\n", d.ContentType, len(b), len(zr.File))
	for _, f := range zr.File {
		fmt.Fprintf(s.out, "    %-24s %8d bytes\n", f.Name, f.UncompressedSize64)
	}
	return nil
}

// printEvents prints every event of a progress stream, one per line.
func printEvents(s *state, prefix string, stream *client.Stream[client.Event]) error {
	for ev, err := range stream.All() {
		if err != nil {
			return err
		}
		fmt.Fprintf(s.out, "  %s%-8s %s\n", prefix, ev.Type, ev.Data)
	}
	return nil
}
