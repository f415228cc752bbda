package contract

import (
	"bytes"
	"io"
	"net/http"
)

// RoundTripper returns a transport for client-side contract tests: every
// request is validated before it is sent and every response after it
// arrives; each violation is passed to report (nil: ignored). Traffic is never
// blocked or altered by a violation.
//
// Request bodies are validated when they fit the body cap (a larger streamed
// upload is validated on parameters, headers and content type and then sent
// as it streams). The caller's request is not modified. JSON (and other
// non-stream) response bodies are read whole, validated and handed on as an
// equal in-memory body; text/event-stream, application/zip and
// application/octet-stream responses are checked on status, headers and
// content type only, and their body keeps streaming.
func (v *Validator) RoundTripper(next http.RoundTripper, report func(error)) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if report == nil {
		report = func(error) {}
	}
	return &roundTripper{v: v, next: next, report: report}
}

type roundTripper struct {
	v      *Validator
	next   http.RoundTripper
	report func(error)
}

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		// ValidateRequest swaps in a re-readable body: do it on a copy so the
		// caller's request stays untouched, as RoundTripper requires.
		out = req.Clone(req.Context())
	}
	if err := t.v.ValidateRequest(out); err != nil {
		t.report(err)
	}
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		return resp, err
	}
	ct := resp.Header.Get("Content-Type")
	if isStream(ct) {
		if err := t.v.validateResponse(out, resp.StatusCode, resp.Header, nil, true); err != nil {
			t.report(err)
		}
		return resp, nil
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if readErr != nil {
		return nil, readErr
	}
	if err := t.v.ValidateResponse(out, resp.StatusCode, resp.Header, body); err != nil {
		t.report(err)
	}
	return resp, nil
}
