package client

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Event is one Server-Sent Event, as dispatched by the SSE format
// (https://html.spec.whatwg.org/multipage/server-sent-events.html).
type Event struct {
	// Type is the event field; "message" when the event had none.
	Type string
	// Data is the event's data lines joined with "\n".
	Data string
	// ID is the last event ID: the most recent id field of the stream, which
	// carries over to later events that have none.
	ID string
	// Retry is the reconnection time the event's block set with a retry
	// field, or 0 when it set none.
	Retry time.Duration
}

// DefaultMaxEventSize bounds the data of one event read by an SSEDecoder
// unless SetMaxEventSize changes it. Lines have no cap of their own.
const DefaultMaxEventSize = 16 << 20

// EventTooLargeError is returned when an event (or one of its lines) is larger
// than the decoder's maximum event size. The event is never truncated: the
// stream stops with this error.
type EventTooLargeError struct {
	Limit int // the maximum event size in bytes
}

// Error says the limit and how to raise it.
func (e *EventTooLargeError) Error() string {
	return fmt.Sprintf("meibel: server-sent event larger than the %d-byte maximum (see Stream.SetMaxEventSize)", e.Limit)
}

// ErrUnterminatedEvent is returned (wrapping io.ErrUnexpectedEOF) when the
// stream ends inside an event, after some of its fields but before the blank
// line that dispatches it. As the SSE standard requires, that incomplete
// event is not delivered; unlike a plain end of stream it is reported,
// because it usually means the connection was cut mid-event.
var ErrUnterminatedEvent = fmt.Errorf("meibel: stream ended inside an unterminated server-sent event: %w", io.ErrUnexpectedEOF)

// SSEDecoder reads Server-Sent Events from a text/event-stream body. It
// implements the whole format: event, data (several data lines join with
// "\n"), id, retry, comments, fields without a colon, one optional space
// after the colon, and LF, CRLF or CR line endings, wherever reads split
// them; a UTF-8 byte order mark at the very start is skipped. It has no
// line-length cap; SetMaxEventSize bounds one event.
//
// Like the standard, it does not dispatch a block without data lines (an id
// or retry there still takes effect). An SSEDecoder is not safe for
// concurrent use; every Stream reads through one.
type SSEDecoder struct {
	r       io.Reader
	buf     []byte // buf[start:end] is read but not yet parsed
	start   int
	end     int
	eof     bool
	err     error // sticky read error
	skipLF  bool  // the last line ended with CR: a following LF belongs to it
	bomDone bool  // the stream's start was checked for a UTF-8 BOM
	scanned int   // buf[start:start+scanned] holds no LF (long lines are searched once)
	crAt    int   // buf[start:crAt] holds no CR; crAt is end or a CR's index
	maxSize int

	// The event being built.
	data     []byte
	hasData  bool
	pending  bool // any field seen since the last dispatch
	typ      []byte
	retry    time.Duration
	lastID   string
	typCache string // the last type string, reused while it repeats
}

const sseReadSize = 32 << 10

// NewSSEDecoder returns a decoder reading from r.
func NewSSEDecoder(r io.Reader) *SSEDecoder {
	return &SSEDecoder{r: r, maxSize: DefaultMaxEventSize}
}

// SetMaxEventSize sets the largest event data, in bytes, Next accepts before
// failing with *EventTooLargeError. n <= 0 restores DefaultMaxEventSize.
func (d *SSEDecoder) SetMaxEventSize(n int) {
	if n <= 0 {
		n = DefaultMaxEventSize
	}
	d.maxSize = n
}

// LastEventID is the most recent id the stream set (the value a reconnecting
// client sends as Last-Event-ID).
func (d *SSEDecoder) LastEventID() string { return d.lastID }

// Next returns the next event. At the clean end of the stream it returns
// io.EOF; ErrUnterminatedEvent when the stream ends inside an event;
// *EventTooLargeError for an oversized event; otherwise the read error.
// After an error every later call returns it again.
func (d *SSEDecoder) Next() (Event, error) {
	for {
		line, err := d.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && d.pending {
				d.pending = false
				d.err = ErrUnterminatedEvent
				return Event{}, d.err
			}
			return Event{}, err
		}
		if len(line) == 0 {
			var ev Event // filled in place: an Event is copied once, not twice
			if d.dispatch(&ev) {
				return ev, nil
			}
			continue
		}
		if err := d.field(line); err != nil {
			d.err = err
			return Event{}, err
		}
	}
}

// dispatch ends the current block, filling ev with its event and reporting
// true when it had data.
func (d *SSEDecoder) dispatch(ev *Event) bool {
	hasData := d.hasData
	d.pending, d.hasData = false, false
	ev.ID, ev.Retry = d.lastID, d.retry
	d.retry = 0
	if !hasData {
		d.typ = d.typ[:0]
		d.data = d.data[:0]
		return false
	}
	switch {
	case len(d.typ) == 0:
		ev.Type = "message"
	case string(d.typ) == d.typCache: // compares without allocating
		ev.Type = d.typCache
	default:
		d.typCache = string(d.typ)
		ev.Type = d.typCache
	}
	data := d.data
	if n := len(data); n > 0 && data[n-1] == '\n' {
		data = data[:n-1]
	}
	ev.Data = string(data)
	d.typ = d.typ[:0]
	d.data = d.data[:0]
	if cap(d.data) > 1<<20 {
		d.data = nil // do not pin a huge buffer after a large event
	}
	return true
}

// field processes one non-empty line.
func (d *SSEDecoder) field(line []byte) error {
	if line[0] == ':' {
		return nil // comment
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		if len(d.data)+len(value)+1 > d.maxSize+1 {
			return &EventTooLargeError{Limit: d.maxSize}
		}
		d.data = append(d.data, value...)
		d.data = append(d.data, '\n')
		d.hasData, d.pending = true, true
	case "event":
		d.typ = append(d.typ[:0], value...)
		d.pending = true
	case "id":
		if bytes.IndexByte(value, 0) < 0 { // the standard ignores ids with NUL
			if string(value) != d.lastID {
				d.lastID = string(value)
			}
		}
		d.pending = true
	case "retry":
		if n, ok := parseRetry(value); ok {
			d.retry = time.Duration(n) * time.Millisecond
		}
		d.pending = true
	default:
		// Unknown fields are ignored, as the standard says.
	}
	return nil
}

// parseRetry accepts ASCII digits only, as the standard says.
func parseRetry(v []byte) (int64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n > int64(time.Duration(1<<62)/time.Millisecond) {
		return 0, false
	}
	return n, true
}

// maxLine is the longest line accepted: a data line holding a whole event.
func (d *SSEDecoder) maxLine() int { return d.maxSize + len("data: ") }

// readLine returns the next line without its terminator; the slice is valid
// until the next call. At the end of input a final unterminated line is
// returned first, then io.EOF. A line longer than maxLine is an
// *EventTooLargeError, found without buffering more than that.
func (d *SSEDecoder) readLine() ([]byte, error) {
	if d.err != nil {
		return nil, d.err
	}
	for {
		if !d.bomDone {
			if d.end-d.start < len(utf8BOM) && !d.eof {
				if err := d.fill(); err != nil {
					d.err = err
					return nil, err
				}
				continue
			}
			d.bomDone = true
			if bytes.HasPrefix(d.buf[d.start:d.end], utf8BOM) {
				d.start += len(utf8BOM)
				d.crAt = max(d.crAt, d.start)
			}
		}
		if d.skipLF && d.start < d.end {
			if d.buf[d.start] == '\n' {
				d.start++
			}
			d.skipLF = false
		}
		if line, ok := d.cutLine(); ok {
			if len(line) > d.maxLine() {
				d.err = &EventTooLargeError{Limit: d.maxSize}
				return nil, d.err
			}
			return line, nil
		}
		if d.end-d.start > d.maxLine() {
			d.err = &EventTooLargeError{Limit: d.maxSize}
			return nil, d.err
		}
		if d.eof {
			d.err = io.EOF
			return nil, io.EOF
		}
		if err := d.fill(); err != nil {
			d.err = err
			return nil, err
		}
	}
}

// utf8BOM is the byte order mark the SSE standard skips at a stream's start.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// cutLine takes the next complete line from the buffer (or, at the end of
// input, the final unterminated one). Bytes already searched are not searched
// again, so a long line arriving in many reads costs linear time; CRs are
// looked for once per read (crAt), not once per line, since most streams
// have none.
func (d *SSEDecoder) cutLine() ([]byte, bool) {
	chunk := d.buf[d.start:d.end]
	cr := d.crAt - d.start // index in chunk of the first CR, or len(chunk)
	if i := bytes.IndexByte(chunk[d.scanned:], '\n'); i >= 0 {
		if i += d.scanned; cr < i {
			// A CR ends the line first (a lone CR, or CRLF).
			return d.cut(chunk, cr, true), true
		}
		return d.cut(chunk, i, false), true
	}
	if cr < len(chunk) {
		return d.cut(chunk, cr, true), true // the LF, if any, may come with the next read
	}
	if d.eof && len(chunk) > 0 {
		d.start, d.scanned, d.crAt = d.end, 0, d.end
		return chunk, true
	}
	d.scanned = len(chunk)
	return nil, false
}

// cut returns chunk[:i] as a line whose terminator is at i; afterCR says it
// is a CR, which a following LF belongs to.
func (d *SSEDecoder) cut(chunk []byte, i int, afterCR bool) []byte {
	d.start += i + 1
	d.scanned = 0
	d.skipLF = afterCR
	if afterCR { // find the next CR, if any
		d.crAt = d.start + indexOrLen(d.buf[d.start:d.end], '\r')
	}
	return chunk[:i]
}

// indexOrLen is the index of the first c in b, or len(b).
func indexOrLen(b []byte, c byte) int {
	if i := bytes.IndexByte(b, c); i >= 0 {
		return i
	}
	return len(b)
}

// fill reads more input, compacting or growing the buffer as needed.
func (d *SSEDecoder) fill() error {
	if d.start > 0 {
		n := copy(d.buf, d.buf[d.start:d.end])
		d.crAt -= d.start
		d.start, d.end = 0, n
	}
	if d.end == len(d.buf) {
		// A line longer than the buffer: grow (readLine bounds the line).
		size := 2 * len(d.buf)
		if size < sseReadSize {
			size = sseReadSize
		}
		nb := make([]byte, size)
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := d.r.Read(d.buf[d.end:])
		if d.crAt == d.end { // no CR pending: look in the new data
			d.crAt += indexOrLen(d.buf[d.end:d.end+n], '\r')
		}
		d.end += n
		if err != nil {
			if errors.Is(err, io.EOF) {
				d.eof = true
				return nil
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}
