package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// route finds the operation for r by its escaped path alone (host-agnostic),
// with path parameters unescaped.
func (v *Validator) route(r *http.Request) (*routers.Route, map[string]string, error) {
	lookup := &http.Request{Method: r.Method, URL: &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath}}
	route, params, err := v.router.FindRoute(lookup)
	if err != nil {
		return nil, nil, err
	}
	for k, p := range params {
		if u, err := url.PathUnescape(p); err == nil {
			params[k] = u
		}
	}
	return route, params, nil
}

// ValidateRequest checks r against its operation. It validates a clone, so
// r's URL is not touched (openapi3filter writes query defaults). A body that
// fits the body cap is read, validated and put back as r.Body; a larger one
// is left streaming (its prefix re-attached) and only parameters, headers and
// content type are checked. Errors are *RequestError.
func (v *Validator) ValidateRequest(r *http.Request) error {
	_, err := v.validateRequest(r)
	return err
}

func (v *Validator) validateRequest(r *http.Request) (*openapi3filter.RequestValidationInput, error) {
	reqErr := func(op string, err error) *RequestError {
		status, vs := violations(err)
		return &RequestError{Method: r.Method, Path: r.URL.EscapedPath(), Operation: op, Status: status, Violations: vs, Err: err}
	}
	route, params, err := v.route(r)
	if err != nil {
		return nil, reqErr("", err)
	}
	op := route.Operation.OperationID

	clone := r.Clone(r.Context())
	opts := &openapi3filter.Options{AuthenticationFunc: v.auth, MultiError: true}
	if r.Body != nil && r.Body != http.NoBody {
		body, whole, err := peek(r.Body, v.maxBodyBytes)
		if err != nil {
			return nil, reqErr(op, fmt.Errorf("read request body: %w", err))
		}
		if whole {
			r.Body = io.NopCloser(bytes.NewReader(body))
			clone.Body = io.NopCloser(bytes.NewReader(body))
			clone.ContentLength = int64(len(body))
		} else {
			r.Body = &prefixedBody{Reader: io.MultiReader(bytes.NewReader(body), r.Body), Closer: r.Body}
			clone.Body = http.NoBody
			opts.ExcludeRequestBody = true
			if err := checkRequestContentType(route, r.Header.Get("Content-Type")); err != nil {
				return nil, reqErr(op, err)
			}
		}
	}
	in := &openapi3filter.RequestValidationInput{Request: clone, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return nil, reqErr(op, err)
	}
	return in, nil
}

// checkRequestContentType is the part of body validation kept for bodies too
// large to buffer: the content type must be one the operation declares.
func checkRequestContentType(route *routers.Route, ct string) error {
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	if rb.Value.Content.Get(ct) == nil {
		return &openapi3filter.RequestError{RequestBody: rb.Value, Reason: fmt.Sprintf("unsupported content type %q", ct)}
	}
	return nil
}

// peek reads up to max bytes of body. whole reports whether that was all of it.
func peek(body io.Reader, max int64) (data []byte, whole bool, err error) {
	if max < 0 {
		max = 0
	}
	data, err = io.ReadAll(io.LimitReader(body, max+1))
	if err != nil {
		return nil, false, err
	}
	return data, int64(len(data)) <= max, nil
}

type prefixedBody struct {
	io.Reader
	io.Closer
}

// ValidateResponse checks a whole response to req (status, header, body).
// Errors are *ResponseError (or *RequestError when req matches no operation).
func (v *Validator) ValidateResponse(req *http.Request, status int, header http.Header, body []byte) error {
	return v.validateResponse(req, status, header, body, false)
}

// validateResponse validates; with streamed it ignores body and checks only
// status, headers and content type.
func (v *Validator) validateResponse(req *http.Request, status int, header http.Header, body []byte, streamed bool) error {
	route, params, err := v.route(req)
	if err != nil {
		st, vs := violations(err)
		return &RequestError{Method: req.Method, Path: req.URL.EscapedPath(), Status: st, Violations: vs, Err: err}
	}
	fail := func(err error) error {
		return &ResponseError{Method: req.Method, Path: req.URL.EscapedPath(), Operation: route.Operation.OperationID, Status: status, Err: err}
	}
	responses := route.Operation.Responses
	declared := responses.Status(status)
	if declared == nil {
		declared = responses.Default()
	}
	if declared == nil {
		if !slices.Contains(AllowedUndeclaredStatuses, status) {
			return fail(fmt.Errorf("status %d is not declared by the operation", status))
		}
		if streamed {
			return nil
		}
		return checkErrorBody(header, body, fail)
	}
	ct := header.Get("Content-Type")
	if declared.Value != nil && len(declared.Value.Content) > 0 {
		if declared.Value.Content.Get(ct) == nil {
			return fail(fmt.Errorf("content type %q is not declared for status %d", ct, status))
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: streamed},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fail(err)
	}
	return nil
}

// checkErrorBody checks an undeclared error status: a JSON body must be a
// FastAPI error object, {"detail": <string or array>}.
func checkErrorBody(header http.Header, body []byte, fail func(error) error) error {
	if len(body) == 0 {
		return nil
	}
	if !isJSON(header.Get("Content-Type")) {
		return fail(fmt.Errorf("error body has content type %q, want application/json", header.Get("Content-Type")))
	}
	var e struct {
		Detail json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return fail(fmt.Errorf("error body is not a JSON object: %w", err))
	}
	d := bytes.TrimSpace(e.Detail)
	if len(d) == 0 || (d[0] != '"' && d[0] != '[') {
		return fail(errors.New(`error body lacks FastAPI's "detail" (string or array)`))
	}
	return nil
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

func isJSON(ct string) bool {
	mt := mediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// isStream reports whether a response with this content type is checked
// without reading its body.
func isStream(ct string) bool {
	switch mediaType(ct) {
	case "text/event-stream", "application/zip", "application/octet-stream":
		return true
	}
	return false
}

// Route names the operation r addresses: its operationId, its ServeMux-style
// pattern ("GET /v2/agents/{agent_id}") and its unescaped path parameters.
// Routing uses the escaped path only, so "a%2Fb" stays one segment, and a
// literal segment wins over a parameter (/datasources/uploads/... is
// streamUploadProgress, not a datasource called "uploads").
func (v *Validator) Route(r *http.Request) (operationID, pattern string, params map[string]string, err error) {
	route, params, err := v.route(r)
	if err != nil {
		return "", "", nil, err
	}
	return route.Operation.OperationID, route.Method + " " + BasePath + route.Path, params, nil
}
