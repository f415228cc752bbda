package client

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"path/filepath"
)

// File is a file to upload: its content is streamed from Reader.
type File struct {
	Name        string    // the filename sent to the server
	Reader      io.Reader // the content
	ContentType string    // optional; default from the extension of Name
}

// Form is a multipart/form-data request body. It is streamed to the server
// as the request is sent, so files are never held in memory.
type Form struct {
	parts []formPart
}

type formPart struct {
	field string
	value string
	file  *File
}

// NewForm returns an empty form.
func NewForm() *Form { return &Form{} }

// AddField adds a text field.
func (f *Form) AddField(name, value string) *Form {
	f.parts = append(f.parts, formPart{field: name, value: value})
	return f
}

// AddFile adds a file field. Add several files under the same field name
// where the API takes a list.
func (f *Form) AddFile(field string, file File) *Form {
	f.parts = append(f.parts, formPart{field: field, file: &file})
	return f
}

// open starts writing the form into a pipe and returns the content type and
// the reading end. The writer stops when the request is done or ctx ends.
func (f *Form) open(ctx context.Context) (string, io.Reader) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var parts []formPart
	if f != nil {
		parts = f.parts
	}
	go func() {
		pw.CloseWithError(writeParts(ctx, mw, parts))
	}()
	return mw.FormDataContentType(), pr
}

func writeParts(ctx context.Context, mw *multipart.Writer, parts []formPart) error {
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
		ct := p.file.ContentType
		if ct == "" {
			ct = mime.TypeByExtension(filepath.Ext(p.file.Name))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": p.field, "filename": p.file.Name}))
		h.Set("Content-Type", ct)
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if p.file.Reader == nil {
			return fmt.Errorf("file %q for field %q has no Reader", p.file.Name, p.field)
		}
		if _, err := io.Copy(w, p.file.Reader); err != nil {
			return fmt.Errorf("reading file %q: %w", p.file.Name, err)
		}
	}
	return mw.Close()
}
