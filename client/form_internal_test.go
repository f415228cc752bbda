package client

import (
	"context"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// A form body the transport never reads (the request failed before it was
// sent) starts no writer, so closing it, or just dropping it, leaks nothing;
// one closed mid-read stops its writer.
func TestFormBodyWriterStartsOnFirstRead(t *testing.T) {
	defer goleak.VerifyNone(t)
	form := &UploadContentForm{Files: []File{NewFile("a.txt", strings.NewReader(strings.Repeat("x", 1<<20)), "")}}

	if _, _, err := openForm(context.Background(), form); err != nil { // dropped unread
		t.Fatal(err)
	}
	_, unread, err := openForm(context.Background(), form)
	if err != nil {
		t.Fatal(err)
	}
	if err := unread.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := unread.Read(make([]byte, 10)); n != 0 || err != io.ErrClosedPipe {
		t.Fatalf("Read after Close = %d, %v; want 0, io.ErrClosedPipe", n, err)
	}

	_, partly, err := openForm(context.Background(), form)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(partly, make([]byte, 4096)); err != nil {
		t.Fatal(err)
	}
	partly.Close() // the writer, blocked on the pipe, ends
}
