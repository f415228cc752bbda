package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Middleware validates server traffic around next.
//
// A request that breaks the contract never reaches next: it is answered the
// way FastAPI would, 401 {"detail":"Not authenticated"} when the
// authentication check fails (see [WithAuthenticationFunc]), 404/405 with a
// string detail when no operation matches, and otherwise 422 with an
// HTTPValidationError body listing every violation.
//
// Every response next writes is validated and each violation passed to report
// (nil: ignored). A buffered (non-stream) response that breaks the contract
// is replaced by 500 {"detail":"<the violation>"}, so it cannot go unnoticed;
// a streamed response (text/event-stream, application/zip,
// application/octet-stream) is checked on status, headers and content type
// when its header is written, then streams unchanged (Flush is supported).
func (v *Validator) Middleware(next http.Handler, report func(error)) http.Handler {
	if report == nil {
		report = func(error) {}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := v.ValidateRequest(r); err != nil {
			var re *RequestError
			if errors.As(err, &re) {
				writeRequestError(w, re)
				return
			}
			WriteDetail(w, http.StatusInternalServerError, err.Error())
			return
		}
		rec := &recorder{w: w, v: v, req: r, report: report}
		next.ServeHTTP(rec, r)
		rec.finish()
	})
}

func writeRequestError(w http.ResponseWriter, re *RequestError) {
	switch re.Status {
	case http.StatusUnprocessableEntity:
		WriteDetail(w, re.Status, re.Violations)
	case http.StatusUnauthorized:
		WriteDetail(w, re.Status, "Not authenticated")
	default:
		msg := http.StatusText(re.Status)
		if len(re.Violations) > 0 {
			msg = re.Violations[0].Msg
		}
		WriteDetail(w, re.Status, msg)
	}
}

// WriteDetail writes a FastAPI error body, {"detail": detail}, with status.
func WriteDetail(w http.ResponseWriter, status int, detail any) {
	body, err := json.Marshal(map[string]any{"detail": detail})
	if err != nil {
		body = []byte(`{"detail":"unencodable error detail"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// recorder buffers a non-stream response until the handler returns, and
// passes a stream through after checking its header.
type recorder struct {
	w      http.ResponseWriter
	v      *Validator
	req    *http.Request
	report func(error)

	status    int
	streaming bool
	buf       bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.w.Header() }

func (rec *recorder) WriteHeader(status int) {
	if rec.status != 0 {
		return
	}
	if status >= 100 && status < 200 {
		rec.w.WriteHeader(status)
		return
	}
	rec.status = status
	if isStream(rec.w.Header().Get("Content-Type")) {
		rec.streaming = true
		if err := rec.v.validateResponse(rec.req, status, rec.w.Header(), nil, true); err != nil {
			rec.report(err)
		}
		rec.w.WriteHeader(status)
	}
}

func (rec *recorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		if rec.w.Header().Get("Content-Type") == "" {
			rec.w.Header().Set("Content-Type", http.DetectContentType(p))
		}
		rec.WriteHeader(http.StatusOK)
	}
	if rec.streaming {
		return rec.w.Write(p)
	}
	return rec.buf.Write(p)
}

// Flush flushes a streamed response; buffered responses flush when done.
func (rec *recorder) Flush() {
	if rec.streaming {
		http.NewResponseController(rec.w).Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.w }

func (rec *recorder) finish() {
	if rec.streaming {
		return
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	body := rec.buf.Bytes()
	if err := rec.v.ValidateResponse(rec.req, rec.status, rec.w.Header(), body); err != nil {
		rec.report(err)
		rec.w.Header().Del("Content-Length")
		WriteDetail(rec.w, http.StatusInternalServerError, fmt.Sprintf("response rejected by the contract check: %v", err))
		return
	}
	if len(body) > 0 {
		rec.w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	rec.w.WriteHeader(rec.status)
	rec.w.Write(body)
}
