package client

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// decodeAll reads every event of input, delivered by r.
func decodeAll(t testing.TB, r io.Reader, max int) ([]Event, error) {
	t.Helper()
	d := NewSSEDecoder(r)
	d.SetMaxEventSize(max)
	var out []Event
	for {
		ev, err := d.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		out = append(out, ev)
		if len(out) > 1<<20 {
			t.Fatal("runaway decoder")
		}
	}
}

// chunked delivers s in pieces of the given sizes (then the rest), so that
// line endings fall across reads.
type chunked struct {
	s     string
	sizes []int
}

func (c *chunked) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := len(c.s)
	if len(c.sizes) > 0 {
		n, c.sizes = min(c.sizes[0], n), c.sizes[1:]
	}
	n = copy(p, c.s[:n])
	c.s = c.s[n:]
	return n, nil
}

func TestSSEDecoder(t *testing.T) {
	big := strings.Repeat("x", 4<<20) // a 4 MiB data line
	tests := []struct {
		name  string
		in    string
		max   int
		want  []Event
		err   error
		errAs any
	}{
		{name: "one event", in: "event: a\ndata: hello\n\n",
			want: []Event{{Type: "a", Data: "hello"}}},
		{name: "default type is message", in: "data: x\n\n",
			want: []Event{{Type: "message", Data: "x"}}},
		{name: "multi-line data joins with LF", in: "data: one\ndata: two\ndata:\ndata: three\n\n",
			want: []Event{{Type: "message", Data: "one\ntwo\n\nthree"}}},
		{name: "CRLF line endings", in: "event: a\r\ndata: 1\r\ndata: 2\r\n\r\n",
			want: []Event{{Type: "a", Data: "1\n2"}}},
		{name: "CR line endings", in: "event: a\rdata: 1\rdata: 2\r\rdata: b\r\r",
			want: []Event{{Type: "a", Data: "1\n2"}, {Type: "message", Data: "b"}}},
		{name: "mixed line endings", in: "data: a\r\ndata: b\rdata: c\n\r\n",
			want: []Event{{Type: "message", Data: "a\nb\nc"}}},
		{name: "comments ignored", in: ": keep-alive\ndata: x\n:another\n\n: tail\n",
			want: []Event{{Type: "message", Data: "x"}}},
		{name: "field without colon", in: "data\n\ndata\ndata\n\n",
			want: []Event{{Type: "message", Data: ""}, {Type: "message", Data: "\n"}}},
		{name: "only one optional space removed", in: "data:no space\n\ndata:  two spaces\n\n",
			want: []Event{{Type: "message", Data: "no space"}, {Type: "message", Data: " two spaces"}}},
		{name: "colon in value kept", in: "data: a:b: c\n\n",
			want: []Event{{Type: "message", Data: "a:b: c"}}},
		{name: "id carries over", in: "id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n",
			want: []Event{{Type: "message", Data: "a", ID: "7"}, {Type: "message", Data: "b", ID: "7"}, {Type: "message", Data: "c"}}},
		{name: "id with NUL ignored", in: "id: 1\ndata: a\n\nid: x\x00y\ndata: b\n\n",
			want: []Event{{Type: "message", Data: "a", ID: "1"}, {Type: "message", Data: "b", ID: "1"}}},
		{name: "retry digits only", in: "retry: 1500\ndata: a\n\nretry: 1.5\ndata: b\n\nretry: x\ndata: c\n\n",
			want: []Event{{Type: "message", Data: "a", Retry: 1500 * time.Millisecond}, {Type: "message", Data: "b"}, {Type: "message", Data: "c"}}},
		{name: "block without data not dispatched", in: "event: ping\n\nid: 3\n\ndata: a\n\n",
			want: []Event{{Type: "message", Data: "a", ID: "3"}}},
		{name: "unknown fields ignored", in: "foo: bar\ndata: a\n\n",
			want: []Event{{Type: "message", Data: "a"}}},
		{name: "BOM-free leading blank lines", in: "\n\n\ndata: a\n\n",
			want: []Event{{Type: "message", Data: "a"}}},
		{name: "leading BOM skipped", in: "\ufeffevent: x\ndata: a\n\n",
			want: []Event{{Type: "x", Data: "a"}}},
		{name: "BOM before data skipped", in: "\ufeffdata: a\n\n",
			want: []Event{{Type: "message", Data: "a"}}},
		{name: "only the first BOM is skipped", in: "\ufeff\ufeffdata: a\n\ndata: b\n\n",
			want: []Event{{Type: "message", Data: "b"}}},
		{name: "BOM later in the stream is data", in: "data: a\n\n\ufeffdata: b\n\ndata: \ufeffc\n\n",
			want: []Event{{Type: "message", Data: "a"}, {Type: "message", Data: "\ufeffc"}}},
		{name: "a lone BOM is an empty stream", in: "\ufeff", want: nil},
		{name: "a BOM prefix is not a BOM", in: "\xef\xbbdata: a\n\ndata: b\n\n",
			want: []Event{{Type: "message", Data: "b"}}},
		{name: "non-ASCII data", in: "data: héllo, 世界\n\n",
			want: []Event{{Type: "message", Data: "héllo, 世界"}}},
		{name: "4 MiB data line delivered whole", in: "data: " + big + "\n\ndata: after\n\n",
			want: []Event{{Type: "message", Data: big}, {Type: "message", Data: "after"}}},
		{name: "event over the maximum is a typed error", in: "data: 12345\ndata: 67890\n\n", max: 8,
			errAs: new(*EventTooLargeError)},
		{name: "line over the maximum is a typed error", in: "data: " + big + "\n\n", max: 1 << 20,
			errAs: new(*EventTooLargeError)},
		{name: "event exactly at the maximum", in: "data: 1234\ndata: 567\n\n", max: 8,
			want: []Event{{Type: "message", Data: "1234\n567"}}},
		// Decision (pinned): an event cut off by the end of the stream is not
		// delivered (as the SSE standard says) and the stream reports
		// ErrUnterminatedEvent, because the connection was likely cut mid-event.
		{name: "unterminated event at EOF", in: "data: a\n\ndata: partial",
			want: []Event{{Type: "message", Data: "a"}}, err: ErrUnterminatedEvent},
		{name: "event missing only the blank line", in: "data: a\n\ndata: b\n",
			want: []Event{{Type: "message", Data: "a"}}, err: ErrUnterminatedEvent},
		{name: "fields without data cut off at EOF are reported too", in: "data: a\n\nid: 5\nevent: x\n",
			want: []Event{{Type: "message", Data: "a"}}, err: ErrUnterminatedEvent},
		{name: "trailing comment at EOF is a clean end", in: "data: a\n\n: bye",
			want: []Event{{Type: "message", Data: "a"}}},
		{name: "empty stream", in: "", want: nil},
	}
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"halves":   func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	}
	for _, tt := range tests {
		for rname, mk := range readers {
			if rname == "one byte" && len(tt.in) > 1<<16 {
				continue
			}
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				got, err := decodeAll(t, mk(tt.in), tt.max)
				switch {
				case tt.errAs != nil:
					if !errors.As(err, tt.errAs) {
						t.Fatalf("err = %v, want %T", err, tt.errAs)
					}
				case tt.err != nil:
					if !errors.Is(err, tt.err) {
						t.Fatalf("err = %v, want %v", err, tt.err)
					}
				case err != nil:
					t.Fatalf("unexpected error: %v", err)
				}
				if tt.errAs == nil && !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("events:\n got %.200q\nwant %.200q", got, tt.want)
				}
			})
		}
	}
}

// A CRLF split across two reads is one line ending, not a line and an empty
// line (which would dispatch the event early).
func TestSSEDecoderCRLFSplitAcrossReads(t *testing.T) {
	in := "data: a\r\ndata: b\r\n\r\n"
	for split := 1; split < len(in); split++ {
		r := &chunked{s: in, sizes: []int{split, 1, 1, 1, 1}}
		got, err := decodeAll(t, r, 0)
		want := []Event{{Type: "message", Data: "a\nb"}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("split at %d: got %q, %v; want %q", split, got, err, want)
		}
	}
}

func TestSSEDecoderStickyError(t *testing.T) {
	boom := errors.New("boom")
	d := NewSSEDecoder(io.MultiReader(strings.NewReader("data: a\n\n"), iotest.ErrReader(boom)))
	if ev, err := d.Next(); err != nil || ev.Data != "a" {
		t.Fatalf("first = %v, %v", ev, err)
	}
	for i := 0; i < 2; i++ {
		if _, err := d.Next(); !errors.Is(err, boom) {
			t.Fatalf("call %d: err = %v, want boom", i, err)
		}
	}
}

func TestSSEDecoderLastEventID(t *testing.T) {
	d := NewSSEDecoder(strings.NewReader("id: 42\ndata: a\n\n"))
	if _, err := d.Next(); err != nil {
		t.Fatal(err)
	}
	if got := d.LastEventID(); got != "42" {
		t.Fatalf("LastEventID = %q", got)
	}
	e := (&EventTooLargeError{Limit: 10}).Error()
	if !strings.Contains(e, "10-byte") {
		t.Fatalf("EventTooLargeError message %q does not name the limit", e)
	}
}

// referenceDecode is a direct, whole-input reading of the SSE standard used
// to cross-check the streaming decoder.
func referenceDecode(in string, max int) ([]Event, error) {
	in = strings.TrimPrefix(in, "\ufeff")
	var lines []string
	for len(in) > 0 {
		i := strings.IndexAny(in, "\r\n")
		if i < 0 {
			lines = append(lines, in)
			in = ""
			break
		}
		lines = append(lines, in[:i])
		if strings.HasPrefix(in[i:], "\r\n") {
			in = in[i+2:]
		} else {
			in = in[i+1:]
		}
	}
	var out []Event
	var data bytes.Buffer
	var typ, id string
	var retry time.Duration
	hasData, pending := false, false
	for _, line := range lines {
		if line == "" {
			if hasData {
				d := strings.TrimSuffix(data.String(), "\n")
				tp := typ
				if tp == "" {
					tp = "message"
				}
				out = append(out, Event{Type: tp, Data: d, ID: id, Retry: retry})
			}
			data.Reset()
			typ, retry, hasData, pending = "", 0, false, false
			continue
		}
		if len(line) > max+len("data: ") {
			return out, &EventTooLargeError{Limit: max}
		}
		if line[0] == ':' {
			continue
		}
		name, value, found := strings.Cut(line, ":")
		if found {
			value = strings.TrimPrefix(value, " ")
		}
		switch name {
		case "data":
			if data.Len()+len(value) > max {
				return out, &EventTooLargeError{Limit: max}
			}
			data.WriteString(value + "\n")
			hasData, pending = true, true
		case "event":
			typ, pending = value, true
		case "id":
			if !strings.Contains(value, "\x00") {
				id = value
			}
			pending = true
		case "retry":
			if n, ok := parseRetry([]byte(value)); ok {
				retry = time.Duration(n) * time.Millisecond
			}
			pending = true
		}
	}
	if pending {
		return out, ErrUnterminatedEvent
	}
	return out, nil
}

func FuzzSSEDecoder(f *testing.F) {
	seeds := []string{
		"", "data: a\n\n", "event: x\r\ndata: 1\r\ndata: 2\r\n\r\n", "data: a\rdata: b\r\r",
		": c\nid: 1\nretry: 10\ndata\n\n", "data:  x\n\nid: a\x00b\ndata: y\n\n", "data: partial",
		"event: error\ndata: {\"detail\":\"boom\"}\n\n", "\r\n\r\n\n\r", "retry: 99999999999999999999\ndata: z\n\n",
	}
	for _, s := range seeds {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, in string, chunk uint8) {
		const max = 1 << 10
		want, wantErr := referenceDecode(in, max)
		size := int(chunk%16) + 1
		sizes := make([]int, len(in))
		for i := range sizes {
			sizes[i] = size
		}
		got, err := decodeAll(t, &chunked{s: in, sizes: sizes}, max)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("events differ from the reference:\n got %q\nwant %q", got, want)
		}
		if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Fatalf("err = %v, reference %v", err, wantErr)
		}
	})
}

// BenchmarkSSEDecodeLongLine decodes one 8 MiB data line arriving in 16 KiB
// reads, as from a network connection: the decoder must not search the
// partial line again after every read (which would make it quadratic).
func BenchmarkSSEDecodeLongLine(b *testing.B) {
	in := "data: " + strings.Repeat("x", 8<<20) + "\n\n"
	sizes := make([]int, len(in)/(16<<10)+1)
	for i := range sizes {
		sizes[i] = 16 << 10
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewSSEDecoder(&chunked{s: in, sizes: sizes})
		if ev, err := d.Next(); err != nil || len(ev.Data) != 8<<20 {
			b.Fatalf("got %d bytes, %v", len(ev.Data), err)
		}
	}
}
