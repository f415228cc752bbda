package client

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
)

// Event is one Server-Sent Event.
type Event struct {
	Type string // the event field; "message" when absent
	Data string // the data lines joined with "\n"
	ID   string
}

// Stream reads the events of a text/event-stream response:
//
//	for stream.Next() { ev := stream.Event() ... }
//	if err := stream.Err(); err != nil { ... }
//
// Close it when done (it is safe to call Close more than once).
type Stream struct {
	body  io.ReadCloser
	r     *bufio.Reader
	ev    Event
	err   error
	close sync.Once
}

func callStream(ctx context.Context, c *Client, op *operation, opts []Option, fn sendFunc) (*Stream, error) {
	resp, err := c.send(ctx, op, opts, fn)
	if err != nil {
		return nil, err
	}
	return &Stream{body: resp.Body, r: bufio.NewReader(resp.Body)}, nil
}

// Next reads the next event; it returns false at the end of the stream or on
// an error (see Err).
func (s *Stream) Next() bool {
	if s.err != nil {
		return false
	}
	var ev Event
	var data []string
	seen := false
	for {
		line, err := s.r.ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			if !errors.Is(err, io.EOF) {
				s.err = err
			} else {
				s.err = io.EOF
			}
			return false
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if !seen {
				continue
			}
			ev.Data = strings.Join(data, "\n")
			if ev.Type == "" {
				ev.Type = "message"
			}
			s.ev = ev
			return true
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		seen = true
		switch field {
		case "event":
			ev.Type = value
		case "data":
			data = append(data, value)
		case "id":
			ev.ID = value
		}
	}
}

// Event is the event read by the last successful Next.
func (s *Stream) Event() Event { return s.ev }

// Err is the error that stopped the stream, or nil at a clean end.
func (s *Stream) Err() error {
	if errors.Is(s.err, io.EOF) {
		return nil
	}
	return s.err
}

// Close ends the stream and releases its connection.
func (s *Stream) Close() error {
	var err error
	s.close.Do(func() { err = s.body.Close() })
	return err
}
