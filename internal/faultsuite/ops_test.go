package faultsuite

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/client"
	fs "github.com/meibel-ai/meibel-go/internal/faultserver"
)

// op is one representative operation: how to call it (reading a stream or
// download to the end) and a good reply for it.
type op struct {
	name       string
	idempotent bool // GET-like: every retryable failure is retried
	replayable bool // the request body can be sent again
	json       bool // the success body is JSON
	ok         fs.Reply
	call       func(ctx context.Context, c *client.Client, a args, opts ...client.Option) error
}

// args varies what a call sends.
type args struct {
	slowUpload bool // the upload's file reader is slow
}

func jsonReply(status int, body string) fs.Reply {
	return fs.Reply{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
}

const sseBody = "event: progress\ndata: {\"percent\": 50}\n\n: keep-alive\n\nevent: progress\nid: 2\ndata: {\"percent\": 100}\n\n"

var downloadBody = "PK\x03\x04" + strings.Repeat("z", 100<<10)

var ops = []op{
	{
		name: "get", idempotent: true, replayable: true, json: true,
		ok: jsonReply(200, `{"agent_id":"a1","display_name":"Support"}`),
		call: func(ctx context.Context, c *client.Client, _ args, opts ...client.Option) error {
			a, err := c.Agents.GetAgent(ctx, "a1", opts...)
			if err == nil && a.DisplayName != "Support" {
				return fmt.Errorf("decoded display_name %q, want Support", a.DisplayName)
			}
			return err
		},
	},
	{
		name: "post", replayable: true, json: true,
		ok: jsonReply(201, `{"id":"a1","name":"support","display_name":"Support","version":"1"}`),
		call: func(ctx context.Context, c *client.Client, _ args, opts ...client.Option) error {
			a, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: "Support"}, opts...)
			if err == nil && a.Id != "a1" {
				return fmt.Errorf("decoded id %q, want a1", a.Id)
			}
			return err
		},
	},
	{
		name: "upload", json: true,
		ok: jsonReply(200, `{"job_id":"j1","status":"queued"}`),
		call: func(ctx context.Context, c *client.Client, a args, opts ...client.Option) error {
			var r io.Reader = strings.NewReader(strings.Repeat("%PDF-1.7 ", 4<<10))
			if a.slowUpload {
				r = &slowReader{parts: 5, every: 100 * time.Millisecond}
			}
			form := &client.ParseDocumentForm{File: client.File{Name: "doc.pdf", Reader: r}}
			res, err := c.Documents.ParseDocument(ctx, form, opts...)
			if err == nil && res.JobId != "j1" {
				return fmt.Errorf("decoded job_id %q, want j1", res.JobId)
			}
			return err
		},
	},
	{
		name: "sse", idempotent: true, replayable: true,
		ok: fs.Reply{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: sseBody},
		call: func(ctx context.Context, c *client.Client, _ args, opts ...client.Option) error {
			s, err := c.DatasourceDownloads.StreamDownloadProgress(ctx, "ds-1", "job-1", opts...)
			if err != nil {
				return err
			}
			defer s.Close()
			n := 0
			for s.Next() {
				n++
			}
			if err := s.Err(); err != nil {
				return err
			}
			if n != 2 {
				return fmt.Errorf("read %d events, want 2", n)
			}
			return nil
		},
	},
	{
		name: "download", idempotent: true, replayable: true,
		ok: fs.Reply{Status: 200, Header: http.Header{"Content-Type": {"application/zip"}, "Content-Disposition": {`attachment; filename="export.zip"`}}, Body: downloadBody},
		call: func(ctx context.Context, c *client.Client, _ args, opts ...client.Option) error {
			d, err := c.DatasourceDownloads.DownloadFile(ctx, "ds-1", "job-1", opts...)
			if err != nil {
				return err
			}
			defer d.Close()
			n, err := io.Copy(io.Discard, d)
			if err != nil {
				return err
			}
			if n != int64(len(downloadBody)) {
				return fmt.Errorf("downloaded %d bytes, want %d", n, len(downloadBody))
			}
			return nil
		},
	},
}

// slowReader yields parts of 1 KiB, one every every.
type slowReader struct {
	parts int
	every time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.parts == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.every)
	r.parts--
	n := min(len(p), 1<<10)
	for i := range p[:n] {
		p[i] = 'u'
	}
	return n, nil
}
