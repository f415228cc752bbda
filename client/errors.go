package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error classes for errors.Is. An *APIError matches the class of its status.
var (
	ErrBadRequest   = errors.New("meibel: bad request")               // 400
	ErrUnauthorized = errors.New("meibel: unauthorized or forbidden") // 401, 403
	ErrNotFound     = errors.New("meibel: not found")                 // 404
	ErrConflict     = errors.New("meibel: conflict")                  // 409
	ErrValidation   = errors.New("meibel: request failed validation") // 422
	ErrRateLimited  = errors.New("meibel: rate limited")              // 429
	ErrServer       = errors.New("meibel: server error")              // 5xx
)

// MaxErrorBody is how much of an error response body is read and kept.
const MaxErrorBody = 64 << 10

// APIError is returned for every response with a non-2xx status.
type APIError struct {
	StatusCode int    // HTTP status code, e.g. 404
	Operation  string // operationId, e.g. "createSessionByName"
	Method     string // HTTP method
	Path       string // escaped request path, e.g. /v2/agents/name/a%2Fb/sessions
	RequestID  string // the server's request id header, when sent
	// Message is the server's explanation: FastAPI's "detail" string, the
	// first validation error, or the start of a plain-text body.
	Message string
	// Detail holds FastAPI's validation errors (422 responses).
	Detail []FieldError
	// Body is the start of the response body (at most MaxErrorBody bytes).
	Body []byte
	// Header holds the response headers (e.g. Retry-After, X-RateLimit-*).
	Header http.Header
	// Attempts is how many attempts the call made (1 when not retried).
	Attempts int
	// RetryAfter is the wait the server asked for (Retry-After or
	// X-RateLimit-Reset), or 0 when it gave none.
	RetryAfter time.Duration

	// waitRefused: the call was not retried because RetryAfter exceeds
	// maxRetryWait (WithMaxRetryWait).
	waitRefused  bool
	maxRetryWait time.Duration
}

// FieldError is one entry of a FastAPI 422 response's detail list.
type FieldError struct {
	// Loc is where the error is: e.g. ["body", "name"] or ["query", "limit"];
	// elements are strings or ints (list indexes).
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// Field is Loc joined with dots, e.g. "body.items.0.name".
func (f FieldError) Field() string {
	parts := make([]string, len(f.Loc))
	for i, p := range f.Loc {
		switch v := p.(type) {
		case float64:
			parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			parts[i] = fmt.Sprint(v)
		}
	}
	return strings.Join(parts, ".")
}

// Error is one line: "meibel: <operation>: <status>: <message>".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("meibel: ")
	b.WriteString(e.Operation)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var notes []string
	if e.Attempts > 1 {
		notes = append(notes, strconv.Itoa(e.Attempts)+" attempts")
	}
	if e.RetryAfter > 0 {
		notes = append(notes, "server asks to retry after "+e.RetryAfter.String())
	}
	if e.waitRefused {
		notes = append(notes, "not retried: longer than client.WithMaxRetryWait("+e.maxRetryWait.String()+") allows")
	}
	if len(notes) > 0 {
		b.WriteString(" (" + strings.Join(notes, "; ") + ")")
	}
	return b.String()
}

// Is reports whether e belongs to the class target (ErrNotFound, …).
func (e *APIError) Is(target error) bool {
	s := e.StatusCode
	switch target {
	case ErrBadRequest:
		return s == http.StatusBadRequest
	case ErrUnauthorized:
		return s == http.StatusUnauthorized || s == http.StatusForbidden
	case ErrNotFound:
		return s == http.StatusNotFound
	case ErrConflict:
		return s == http.StatusConflict
	case ErrValidation:
		return s == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return s == http.StatusTooManyRequests
	case ErrServer:
		return s >= 500
	}
	return false
}

// requestIDHeaders are the headers servers use for a request id, in order.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Amzn-Requestid"}

// newAPIError reads at most MaxErrorBody bytes of resp's body, closes it, and
// describes the failure. secret (the API key) is scrubbed from everything kept.
func newAPIError(op *operation, resp *http.Response, key string) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	drainAndClose(resp.Body)
	if key != "" {
		capped := len(body) == MaxErrorBody
		body = bytes.ReplaceAll(body, []byte(key), []byte(redacted))
		if capped { // the cap may have cut the key: drop a trailing part of it
			for i := len(key) - 1; i > 0; i-- {
				if bytes.HasSuffix(body, []byte(key[:i])) {
					body = body[:len(body)-i]
					break
				}
			}
		}
	}
	e := &APIError{
		StatusCode: resp.StatusCode,
		Operation:  op.ID,
		Body:       body,
		Header:     redactHeader(resp.Header, key),
	}
	if req := resp.Request; req != nil {
		e.Method = req.Method
		e.Path = req.URL.EscapedPath()
	}
	for _, h := range requestIDHeaders {
		if v := resp.Header.Get(h); v != "" {
			e.RequestID = v
			break
		}
	}
	e.Message, e.Detail = parseErrorBody(resp.Header.Get("Content-Type"), body)
	return e
}

// maxMessage bounds APIError.Message so Error() stays one readable line.
const maxMessage = 300

// parseErrorBody extracts a message and FastAPI validation details from an
// error body. It never fails: unknown shapes give a summary of the body.
func parseErrorBody(contentType string, body []byte) (string, []FieldError) {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", nil
	}
	if mediaType == "application/json" || strings.HasSuffix(mediaType, "+json") || trimmed[0] == '{' {
		var doc struct {
			Detail  json.RawMessage `json:"detail"`
			Message string          `json:"message"`
			Error   json.RawMessage `json:"error"`
		}
		if json.Unmarshal(trimmed, &doc) == nil {
			var s string
			var details []FieldError
			switch {
			case json.Unmarshal(doc.Detail, &s) == nil && s != "":
				return oneLine(s), nil
			case json.Unmarshal(doc.Detail, &details) == nil && len(details) > 0:
				return summarizeDetails(details), details
			case doc.Message != "":
				return oneLine(doc.Message), nil
			case json.Unmarshal(doc.Error, &s) == nil && s != "":
				return oneLine(s), nil
			}
		}
	}
	if mediaType == "text/html" || bytes.HasPrefix(bytes.ToLower(trimmed), []byte("<!doctype html")) || bytes.HasPrefix(bytes.ToLower(trimmed), []byte("<html")) {
		return "the server answered with an HTML page (" + strconv.Itoa(len(body)) + " bytes), not the API's JSON: is the base URL right?", nil
	}
	return oneLine(string(trimmed)), nil
}

func summarizeDetails(details []FieldError) string {
	first := details[0]
	msg := first.Msg
	if f := first.Field(); f != "" {
		msg = f + ": " + msg
	}
	if len(details) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(details)-1)
	}
	return oneLine(msg)
}

// oneLine folds whitespace, drops control characters and invalid UTF-8, and
// caps the length.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || r == ' ' {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
		if b.Len() >= maxMessage {
			return strings.TrimSpace(b.String()) + "…"
		}
	}
	return strings.TrimSpace(b.String())
}

// DecodeError is returned when a success response cannot be read as the
// operation's result: wrong content type, empty or truncated body.
type DecodeError struct {
	Operation   string
	StatusCode  int
	ContentType string
	// Attempts is how many attempts the call made (the last one got this
	// response; earlier ones were retried).
	Attempts int
	Err      error
}

// newDecodeError describes resp, the response of a call made by send.
func newDecodeError(op *operation, resp *http.Response, err error) *DecodeError {
	e := &DecodeError{Operation: op.ID, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Attempts: 1, Err: err}
	if b, ok := resp.Body.(*cancelOnClose); ok {
		e.Attempts = b.attempts
	}
	return e
}

// Error names the operation, the status, the content type and the problem,
// and the number of attempts when the call was retried.
func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	after := ""
	if e.Attempts > 1 {
		after = fmt.Sprintf(" (attempt %d)", e.Attempts)
	}
	return fmt.Sprintf("meibel: %s: %d %s with %s%s: %v", e.Operation, e.StatusCode, http.StatusText(e.StatusCode), ct, after, e.Err)
}

// Unwrap returns the underlying decoding or read error.
func (e *DecodeError) Unwrap() error { return e.Err }

// drainAndClose reads a bounded remainder of body so the connection can be
// reused, then closes it.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 256<<10)
	_ = body.Close()
}

// redacted replaces the API key wherever a server echoed it back.
const redacted = "[REDACTED]"

// redactHeader returns h, or a copy with the key replaced in every value
// that contains it (a server echoing the key must not put it in an error).
func redactHeader(h http.Header, key string) http.Header {
	if key == "" {
		return h
	}
	var out http.Header
	for name, vs := range h {
		for i, v := range vs {
			if !strings.Contains(v, key) {
				continue
			}
			if out == nil {
				out = h.Clone()
			}
			out[name][i] = strings.ReplaceAll(v, key, redacted)
		}
	}
	if out == nil {
		return h
	}
	return out
}
