// Package contract checks HTTP traffic against the Meibel v2 OpenAPI document
// (meibel.Spec, i.e. api-v2.json) with kin-openapi's openapi3filter.
//
// It is used on both sides of the wire: [Validator.RoundTripper] checks what a
// client sends and receives, [Validator.Middleware] checks what a server
// receives and answers. Rules beyond plain openapi3filter:
//
//   - Routing is host-agnostic: any URL whose path starts with /v2 (the base
//     path shared by every server in the spec) is matched on its path alone.
//   - Request bodies are validated only when they fit in the body cap
//     ([WithMaxBodyBytes], default [DefaultMaxBodyBytes]). A larger body (for
//     example a 1 GiB multipart upload) is not buffered: its parameters,
//     headers and declared content type are still checked, and the body
//     streams on to the handler untouched apart from the peeked prefix.
//   - Response statuses the operation does not declare are violations, except
//     the generic error statuses a FastAPI service emits without declaring
//     them (see [AllowedUndeclaredStatuses]); their body, when JSON, must be a
//     FastAPI error object with a "detail" member.
//   - Streamed responses (text/event-stream, application/zip,
//     application/octet-stream) are checked for status, headers and content
//     type only, so they keep streaming.
//   - A kin-openapi false rejection is worked around: a schema with no type
//     (such as ValidationError.input) accepts null. See permitNullInTypelessSchemas.
package contract

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	meibel "github.com/meibel-ai/meibel-go"
)

// DefaultMaxBodyBytes is the default cap on request bodies buffered for
// validation (8 MiB).
const DefaultMaxBodyBytes int64 = 8 << 20

// BasePath is the path prefix every server in the spec shares.
const BasePath = "/v2"

// AllowedUndeclaredStatuses lists the statuses accepted although an operation
// does not declare them: the generic errors a FastAPI service raises outside
// its declared responses (401/403 auth, 404 missing resource, 409 conflict,
// 500 server error) and 501 for operations a local server does not implement.
var AllowedUndeclaredStatuses = []int{
	http.StatusUnauthorized,
	http.StatusForbidden,
	http.StatusNotFound,
	http.StatusConflict,
	http.StatusInternalServerError,
	http.StatusNotImplemented,
}

// Validator validates requests and responses against api-v2.json. It is safe
// for concurrent use.
type Validator struct {
	doc          *openapi3.T
	router       routers.Router
	maxBodyBytes int64
	auth         openapi3filter.AuthenticationFunc
}

// Option configures a Validator.
type Option func(*Validator)

// WithMaxBodyBytes sets the cap on request bodies buffered for validation;
// bodies above it are not body-validated (n <= 0 disables body validation of
// every request whose body is not empty).
func WithMaxBodyBytes(n int64) Option { return func(v *Validator) { v.maxBodyBytes = n } }

// WithAuthenticationFunc checks the spec's security scheme (the
// Meibel-API-Key header). The default accepts everything; a server uses this
// to reject missing or wrong keys before any other validation, as FastAPI does.
// Middleware answers a failed check with 401 {"detail":"Not authenticated"}.
func WithAuthenticationFunc(f openapi3filter.AuthenticationFunc) Option {
	return func(v *Validator) { v.auth = f }
}

type loaded struct {
	doc    *openapi3.T
	router routers.Router
}

// load parses and validates the spec once per process.
var load = sync.OnceValues(func() (loaded, error) {
	registerDecoders()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(meibel.Spec)
	if err != nil {
		return loaded{}, fmt.Errorf("contract: load api-v2.json: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return loaded{}, fmt.Errorf("contract: api-v2.json is not a valid OpenAPI document: %w", err)
	}
	permitNullInTypelessSchemas(doc)
	// Route on the path only: every server shares the /v2 base path, and the
	// host differs between production, dev, local and httptest servers.
	routed := *doc
	routed.Servers = openapi3.Servers{{URL: BasePath}}
	router, err := legacy.NewRouter(&routed)
	if err != nil {
		return loaded{}, fmt.Errorf("contract: build router: %w", err)
	}
	return loaded{doc: doc, router: router}, nil
})

// New returns a Validator for api-v2.json. The spec is loaded and validated
// once per process; the error reports a spec kin-openapi cannot use.
func New(opts ...Option) (*Validator, error) {
	l, err := load()
	if err != nil {
		return nil, err
	}
	v := &Validator{doc: l.doc, router: l.router, maxBodyBytes: DefaultMaxBodyBytes,
		auth: openapi3filter.NoopAuthenticationFunc}
	for _, o := range opts {
		o(v)
	}
	if v.auth == nil {
		v.auth = openapi3filter.NoopAuthenticationFunc
	}
	return v, nil
}

// Doc returns the loaded document (shared; do not modify it).
func (v *Validator) Doc() *openapi3.T { return v.doc }

// registerDecoders teaches openapi3filter the content types it lacks.
func registerDecoders() {
	// Event streams are declared as {type: string}: the whole stream is the value.
	openapi3filter.RegisterBodyDecoder("text/event-stream",
		func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
			data, err := io.ReadAll(body)
			if err != nil {
				return nil, err
			}
			return string(data), nil
		})
}
