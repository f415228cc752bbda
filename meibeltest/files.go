package meibeltest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"strings"
	"time"
)

// fileStore is the state of the file operations: uploaded content, upload
// and download jobs, document jobs and ingest runs. store.mu guards it; its
// maps are created on first use.
type fileStore struct {
	content   map[string][]*storedFile // by datasource id, in upload order
	uploads   map[string]*uploadJob
	documents map[string]*documentJob
	downloads map[string]*downloadJob
	ingests   map[string]*ingestRun // by datasource id
}

func (f *fileStore) init() {
	if f.content == nil {
		f.content = map[string][]*storedFile{}
		f.uploads = map[string]*uploadJob{}
		f.documents = map[string]*documentJob{}
		f.downloads = map[string]*downloadJob{}
		f.ingests = map[string]*ingestRun{}
	}
}

// MaxStoredFileBytes is how much of one uploaded file the server keeps (and
// exports). Larger uploads are read and counted in full, so clients can
// stream any size, but only this prefix is stored.
const MaxStoredFileBytes = 8 << 20

// storedFile is one uploaded file.
type storedFile struct {
	name, contentType string
	size              int64  // bytes received
	data              []byte // the first MaxStoredFileBytes of them
	uploaded          time.Time
}

// formPart is one part of a multipart request as the server read it.
type formPart struct {
	field, filename, contentType string
	size                         int64
	data                         []byte // text fields whole; files up to MaxStoredFileBytes
}

// readForm reads every part of a multipart body, streaming file content:
// only the first MaxStoredFileBytes of each file are kept in memory.
func readForm(mr *multipart.Reader) ([]formPart, error) {
	if mr == nil {
		return nil, invalid("Field required", "body")
	}
	var parts []formPart
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return parts, nil
		}
		if err != nil {
			return nil, invalid("invalid multipart body: "+err.Error(), "body")
		}
		fp := formPart{field: p.FormName(), filename: p.FileName(), contentType: p.Header.Get("Content-Type")}
		var keep strings.Builder
		n, err := io.Copy(&capWriter{w: &keep, left: MaxStoredFileBytes}, p)
		if err != nil {
			return nil, invalid("reading part "+fp.field+": "+err.Error(), "body", fp.field)
		}
		fp.size, fp.data = n, []byte(keep.String())
		parts = append(parts, fp)
	}
}

// capWriter keeps the first left bytes written and counts the rest.
type capWriter struct {
	w    io.Writer
	left int64
}

func (c *capWriter) Write(p []byte) (int, error) {
	if c.left > 0 {
		k := min(int64(len(p)), c.left)
		if _, err := c.w.Write(p[:k]); err != nil {
			return 0, err
		}
		c.left -= k
	}
	return len(p), nil
}

// field returns the value of the first text part named name.
func field(parts []formPart, name string) (string, bool) {
	for _, p := range parts {
		if p.field == name && p.filename == "" {
			return string(p.data), true
		}
	}
	return "", false
}

// files returns the file parts named name.
func files(parts []formPart, name string) []formPart {
	var out []formPart
	for _, p := range parts {
		if p.field == name && p.filename != "" {
			out = append(out, p)
		}
	}
	return out
}

// sseStream returns a body that the strict server streams and flushes
// chunk by chunk: emit's frames are written into a pipe as the client reads.
// When the client goes away the pipe closes and emit's next send fails.
func sseStream(ctx context.Context, pause time.Duration, emit func(send func(event, data string) error) error) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		first := true
		send := func(event, data string) error {
			if !first && pause > 0 {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(pause):
				}
			}
			first = false
			var b strings.Builder
			if event != "" {
				b.WriteString("event: " + event + "\n")
			}
			for _, line := range strings.Split(data, "\n") {
				b.WriteString("data: " + line + "\n")
			}
			b.WriteString("\n")
			_, err := io.WriteString(pw, b.String())
			return err
		}
		pw.CloseWithError(emit(send))
	}()
	return pr
}

// jsonData is the JSON text of v, for event data.
func jsonData(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return string(b)
}
