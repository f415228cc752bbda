package client

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"sync"
)

// Download is a file response (a zip export, an artifact): the body streams
// from the network as it is read, never held whole in memory. Close it (Close
// is idempotent).
type Download struct {
	io.ReadCloser
	// ContentType is the media type the server sent, e.g. application/zip.
	ContentType string
	// ContentLength is the body size in bytes, or -1 when unknown.
	ContentLength int64
	// Filename is the name from Content-Disposition, when the server sent one
	// (filename* is decoded).
	Filename string
	// Header holds all response headers.
	Header http.Header

	op        string
	closeOnce sync.Once
	closeErr  error
}

func callDownload(ctx context.Context, c *Client, op *operation, opts []Option, fn sendFunc) (*Download, error) {
	resp, err := c.send(ctx, op, opts, fn)
	if err != nil {
		return nil, err
	}
	// A file is never JSON or an HTML page: such a body is an error envelope
	// or a proxy's page, not the export.
	ct := resp.Header.Get("Content-Type")
	if mediaType, _, _ := mime.ParseMediaType(ct); mediaType == "text/html" || mediaType == "application/json" {
		drainAndClose(resp.Body)
		return nil, newDecodeError(op, resp, fmt.Errorf("expected a file (%s), not %s", op.ContentType, mediaType))
	}
	d := &Download{
		ReadCloser:    resp.Body,
		ContentType:   resp.Header.Get("Content-Type"),
		ContentLength: resp.ContentLength,
		Header:        resp.Header,
		op:            op.ID,
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		d.Filename = params["filename"]
	}
	return d, nil
}

// Close releases the connection. It is safe to call more than once.
func (d *Download) Close() error {
	d.closeOnce.Do(func() { d.closeErr = d.ReadCloser.Close() })
	return d.closeErr
}

// SaveFile streams the rest of the body into the file at path (created or
// truncated), closes the download, and returns the number of bytes written.
// On failure the partial file is removed.
func (d *Download) SaveFile(path string) (int64, error) {
	defer d.Close()
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("meibel: %s: save: %w", d.op, err)
	}
	n, err := io.Copy(f, d.ReadCloser)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && d.ContentLength >= 0 && n != d.ContentLength {
		err = fmt.Errorf("got %d of %d bytes", n, d.ContentLength)
	}
	if err != nil {
		_ = os.Remove(path)
		return n, fmt.Errorf("meibel: %s: save %s: %w", d.op, filepath.Base(path), err)
	}
	return n, nil
}
