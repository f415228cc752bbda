package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// File is a file to upload. Its content is streamed from Reader while the
// request is sent, so a file of any size uses constant memory.
type File struct {
	// Name is the filename sent to the server; any characters are allowed
	// (quotes, spaces, non-ASCII).
	Name string
	// Reader is the content. The client reads it once and does not close it
	// (files from OpenFile are opened and closed by the client).
	Reader io.Reader
	// ContentType is optional; by default it comes from the extension of
	// Name, else application/octet-stream.
	ContentType string
	// Size is the content length when known (for progress totals); 0 means
	// unknown unless Reader can tell (Len or Stat).
	Size int64

	open func() (io.ReadCloser, error) // set by OpenFile
}

// NewFile returns a File that streams r under the given filename. contentType
// is optional ("" picks one from the extension).
func NewFile(name string, r io.Reader, contentType string) File {
	return File{Name: name, Reader: r, ContentType: contentType}
}

// OpenFile returns a File for the file at path, named after its base name. It
// checks that the file exists now; the client opens it when the request is
// sent and closes it when done.
func OpenFile(path string) (File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return File{}, fmt.Errorf("meibel: upload file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return File{}, fmt.Errorf("meibel: upload file %s: not a regular file", path)
	}
	return File{
		Name: filepath.Base(path),
		Size: st.Size(),
		open: func() (io.ReadCloser, error) { return os.Open(path) },
	}, nil
}

// ProgressFunc is called as an upload's file content is sent: sent is the
// number of file bytes written to the request so far, total is the sum of
// the files' sizes, or -1 when a size is unknown. It is called from the
// goroutine that writes the request body.
type ProgressFunc func(sent, total int64)

// formPart is one part of a multipart body: a text field or a file.
type formPart struct {
	field string
	value string
	file  *File
}

// multipartForm is implemented by the generated per-operation form types.
type multipartForm interface {
	formParts() ([]formPart, ProgressFunc, error)
}

func textPart(field, value string) formPart { return formPart{field: field, value: value} }

func intPart(field string, v int) formPart { return textPart(field, strconv.Itoa(v)) }

func boolPart(field string, v bool) formPart { return textPart(field, strconv.FormatBool(v)) }

func floatPart(field string, v float64) formPart {
	return textPart(field, strconv.FormatFloat(v, 'g', -1, 64))
}

func filePart(field string, f File) (formPart, error) {
	if f.Reader == nil && f.open == nil {
		return formPart{}, fmt.Errorf("form field %q: file %q has no Reader", field, f.Name)
	}
	return formPart{field: field, file: &f}, nil
}

func errMissingField(field string) error {
	return fmt.Errorf("form field %q is required", field)
}

var errNilForm = errors.New("nil form: the operation needs a multipart body")

// openForm returns the content type and a body that streams form's parts
// through a pipe. The writer goroutine starts with the transport's first Read,
// so a request that fails before it is sent leaves nothing behind; the
// transport's Close of the body stops it, and so does the end of ctx.
func openForm(ctx context.Context, form multipartForm) (string, io.ReadCloser, error) {
	parts, progress, err := form.formParts()
	if err != nil {
		return "", nil, err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	body := &formBody{pr: pr, start: func() {
		go func() { pw.CloseWithError(writeParts(ctx, mw, parts, progress)) }()
	}}
	return mw.FormDataContentType(), body, nil
}

// formBody is the reading end of a form's pipe; its writer starts on the
// first Read.
type formBody struct {
	pr    *io.PipeReader
	start func()
	once  sync.Once
}

func (b *formBody) Read(p []byte) (int, error) {
	b.once.Do(b.start)
	return b.pr.Read(p)
}

// Close ends the body; a writer that never started never will.
func (b *formBody) Close() error {
	b.once.Do(func() {})
	return b.pr.Close()
}

// copyBufs holds the buffers used to copy file content into the pipe.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func writeParts(ctx context.Context, mw *multipart.Writer, parts []formPart, progress ProgressFunc) error {
	var sent, total int64
	if progress != nil {
		total = totalSize(parts)
		progress(0, total)
	}
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p.file == nil {
			if err := mw.WriteField(p.field, p.value); err != nil {
				return err
			}
			continue
		}
		w, err := mw.CreatePart(fileHeader(p.field, p.file))
		if err != nil {
			return err
		}
		_, err = copyFile(ctx, w, p.file, func(n int64) {
			sent += n
			if progress != nil {
				progress(sent, total)
			}
		})
		if err != nil {
			return err
		}
	}
	return mw.Close()
}

// copyFile streams f into w through a pooled buffer, checking ctx between
// chunks and reporting each chunk written.
func copyFile(ctx context.Context, w io.Writer, f *File, report func(int64)) (int64, error) {
	r := f.Reader
	if f.open != nil {
		rc, err := f.open()
		if err != nil {
			return 0, fmt.Errorf("opening file %q: %w", f.Name, err)
		}
		defer rc.Close()
		r = rc
	}
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	var written int64
	for {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return written, err
			}
			written += int64(n)
			report(int64(n))
		}
		if errors.Is(rerr, io.EOF) {
			return written, nil
		}
		if rerr != nil {
			return written, fmt.Errorf("reading file %q: %w", f.Name, rerr)
		}
	}
}

// fileHeader builds a part header whose filename survives quotes, spaces and
// non-ASCII characters: a quoted string with backslash escapes, UTF-8 kept
// as is (what browsers send and multipart parsers, Go's and Python's, read).
func fileHeader(field string, f *File) textproto.MIMEHeader {
	ct := f.ContentType
	if ct == "" {
		ct = mime.TypeByExtension(filepath.Ext(f.Name))
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+quoteEscape(field)+`"; filename="`+quoteEscape(f.Name)+`"`)
	h.Set("Content-Type", ct)
	return h
}

// quoteEscape escapes a value for a quoted-string in Content-Disposition the
// way browsers and Go's mime/multipart do: backslash and double quote are
// backslash-escaped, CR and LF (which would break the header) become spaces.
var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", " ", "\n", " ")

func quoteEscape(s string) string { return quoteEscaper.Replace(s) }

// totalSize sums the sizes of the files in parts, or returns -1 when one is
// unknown.
func totalSize(parts []formPart) int64 {
	var total int64
	for _, p := range parts {
		if p.file == nil {
			continue
		}
		n := fileSize(p.file)
		if n < 0 {
			return -1
		}
		total += n
	}
	return total
}

func fileSize(f *File) int64 {
	if f.Size > 0 {
		return f.Size
	}
	switch r := f.Reader.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case interface{ Stat() (os.FileInfo, error) }:
		if st, err := r.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size()
		}
	}
	return -1
}

// Ptr returns a pointer to v, for the optional fields of forms:
//
//	&client.SendChatMessageStreamForm{UserMessage: client.Ptr("Hi")}
func Ptr[T any](v T) *T { return &v }
