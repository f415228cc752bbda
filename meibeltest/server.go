// Package meibeltest is an in-memory, Meibel-compatible API server for tests,
// demos and local development.
//
// It is built on the strict server interface oapi-codegen generates from
// api-v2.json, and every request and response passes through the contract
// validator (internal/contract): a request that breaks the spec is answered
// with FastAPI's 422 HTTPValidationError, and a response that breaks it is
// reported (see [WithViolationHandler]) and, unless streamed, replaced by a
// 500 naming the violation.
//
// Serve [Server.Handler] at the root of an HTTP server; the API lives under
// /v2, so clients use <server URL>/v2 as their base URL (the spec's "Local
// Development" server is http://localhost:8000/v2).
//
// It implements all 83 operations of the spec: agents (create, get, list,
// update, delete, publish, list versions), sessions (create, create by agent
// name, list, get, chat, messages), datasources (create, get, list, update,
// delete), table descriptions (list and describe tables and columns; see
// [Server.SeedTables]), data elements (list, get, update, search), the chat
// stream (SSE), content upload (with its progress stream, or synchronous
// with the resulting listing), content listing (prefix and
// continuation-token paging), ingest trigger/status, documents (parse with
// status, result, trace and structured result; synchronous processing; a
// zip's entries as child documents; moves into a datasource), transforms
// (synchronous, or asynchronous with the document status), deep transforms
// (submit from a file or a parsed document, list, status, artifact
// downloads), datasource downloads (job, progress stream, streamed zip,
// one-call export), the metadata model catalog (list by scope, get; a fixed
// set of models), confidence scoring (get and list jobs, agent and session
// summaries; every assistant reply is scored, see [Score]), execution
// policies (create, get, list, update, delete), artifact schemas (create,
// get, list, update, delete), batch definitions (create, get by id or
// catalog URN, list, update, delete, list versions, execute) and batch
// executions (create, get, list, update, cancel, retry failed items,
// realtime progress).
//
// Document parsing and transforms are simulated over the file's text: form
// feeds separate pages, lines are elements ("# " headings, "|" table rows,
// "- " list items), and a schema's properties are filled from "Key: value"
// lines. An operation added to the spec before the server implements it
// answers 501 with a detail naming it.
package meibeltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/meibel-ai/meibel-go/generated"
	"github.com/meibel-ai/meibel-go/internal/contract"
)

// APIKeyHeader is the header the spec's APIKeyHeader security scheme names.
const APIKeyHeader = "Meibel-API-Key"

// RequestIDHeader is set on every response to a unique id.
const RequestIDHeader = "x-request-id"

// Server is an in-memory Meibel API. It is safe for concurrent use.
type Server struct {
	store   *store
	handler http.Handler
	apiKey  string // for the server's own requests (SeedExamples)
}

// Option configures a Server.
type Option func(*config)

type config struct {
	apiKey    string
	violation func(error)
}

// WithAPIKey makes the server accept only this Meibel-API-Key. By default any
// non-empty key is accepted. A missing or wrong key gets 401
// {"detail":"Not authenticated"}.
func WithAPIKey(key string) Option { return func(c *config) { c.apiKey = key } }

// WithViolationHandler receives every response that breaks api-v2.json (a bug
// in the server). The default logs it. Tests pass t.Error-like functions.
func WithViolationHandler(f func(error)) Option { return func(c *config) { c.violation = f } }

// New returns an empty server; [Server.SeedExamples] adds example data.
func New(opts ...Option) *Server {
	cfg := config{violation: func(err error) { log.Printf("meibeltest: %v", err) }}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.violation == nil {
		cfg.violation = func(error) {}
	}
	s := &Server{store: newStore(), apiKey: cfg.apiKey}
	if s.apiKey == "" {
		s.apiKey = "meibeltest"
	}
	s.handler = withRequestID(s.build(cfg))
	return s
}

// NewHTTPTest starts New(opts...) on a loopback httptest server closed when
// tb ends. Clients use ts.URL + "/v2" as base URL. Unless opts say otherwise,
// a response that breaks the spec fails tb.
func NewHTTPTest(tb testing.TB, opts ...Option) (*Server, *httptest.Server) {
	tb.Helper()
	opts = append([]Option{WithViolationHandler(func(err error) { tb.Errorf("meibeltest: %v", err) })}, opts...)
	s := New(opts...)
	ts := httptest.NewServer(s.Handler())
	tb.Cleanup(ts.Close)
	return s, ts
}

// Handler returns the HTTP handler; the API is served under /v2.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) build(cfg config) http.Handler {
	v, err := contract.New(contract.WithAuthenticationFunc(authenticate(cfg.apiKey)))
	if err != nil {
		// The embedded spec is tested; if it ever fails to load, say so on every call.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			contract.WriteDetail(w, http.StatusInternalServerError, "meibeltest: "+err.Error())
		})
	}
	strict := generated.NewStrictHandlerWithOptions(
		strictServer{handlers: &handlers{s.store}},
		[]generated.StrictMiddlewareFunc{notImplemented},
		generated.StrictHTTPServerOptions{
			RequestErrorHandlerFunc:  writeRequestError,
			ResponseErrorHandlerFunc: writeError,
		})
	mux := generated.HandlerWithOptions(strict, generated.StdHTTPServerOptions{
		BaseURL:          contract.BasePath,
		BaseRouter:       newRouter(v),
		ErrorHandlerFunc: writeRequestError,
	})
	return v.Middleware(mux, cfg.violation)
}

var errNotAuthenticated = errors.New("Not authenticated")

// authenticate checks the Meibel-API-Key header for the contract validator.
func authenticate(want string) openapi3filter.AuthenticationFunc {
	return func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		got := in.RequestValidationInput.Request.Header.Get(APIKeyHeader)
		if got == "" || (want != "" && got != want) {
			return errNotAuthenticated
		}
		return nil
	}
}

func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(RequestIDHeader, newRequestID())
		next.ServeHTTP(w, r)
	})
}

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

// now is the server clock, in UTC with microsecond precision like the API.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
