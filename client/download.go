package client

import (
	"context"
	"io"
	"mime"
	"net/http"
)

// Download is a file response (a zip export, an artifact): the body streams
// from the network as it is read, never held whole in memory. Close it.
type Download struct {
	io.ReadCloser
	// ContentType is the media type the server sent, e.g. application/zip.
	ContentType string
	// ContentLength is the body size in bytes, or -1 when unknown.
	ContentLength int64
	// Filename is the name from Content-Disposition, when the server sent one.
	Filename string
	// Header holds all response headers.
	Header http.Header
}

func callDownload(ctx context.Context, c *Client, op *operation, opts []Option, fn sendFunc) (*Download, error) {
	resp, err := c.send(ctx, op, opts, fn)
	if err != nil {
		return nil, err
	}
	d := &Download{
		ReadCloser:    resp.Body,
		ContentType:   resp.Header.Get("Content-Type"),
		ContentLength: resp.ContentLength,
		Header:        resp.Header,
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		d.Filename = params["filename"]
	}
	return d, nil
}
