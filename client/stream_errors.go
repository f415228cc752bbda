package client

import (
	"encoding/json"
	"strings"
)

// StreamError is an error event sent inside a stream (an event named
// "error"). It ends the stream; get it with errors.As:
//
//	var se *client.StreamError
//	if errors.As(stream.Err(), &se) { log.Print(se.Message) }
type StreamError struct {
	Operation string // operationId of the stream, e.g. "sendChatMessageStream"
	// Message is the server's explanation: the data's "detail", "message" or
	// "error" member when it is JSON, else the data itself (one line, capped).
	Message string
	// Code is the data's "code" member, when the data is JSON and has one.
	Code string
	// Event is the raw error event.
	Event Event
}

// Error is the in-stream error event as one line.
func (e *StreamError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "the server sent an error event"
	}
	return "meibel: " + e.Operation + ": error event in stream: " + msg
}

func newStreamError(op string, ev Event) *StreamError {
	e := &StreamError{Operation: op, Event: ev}
	e.Message, _ = parseErrorBody("", []byte(ev.Data))
	var doc struct {
		Code json.RawMessage `json:"code"`
	}
	if strings.HasPrefix(strings.TrimSpace(ev.Data), "{") && json.Unmarshal([]byte(ev.Data), &doc) == nil && len(doc.Code) > 0 {
		var s string
		if json.Unmarshal(doc.Code, &s) != nil {
			s = string(doc.Code)
		}
		e.Code = s
	}
	return e
}
