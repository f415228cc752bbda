package client

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Option configures a Client when passed to New, or a single call when passed
// as the trailing argument of an operation method. Options that only make
// sense for a whole client (WithAPIKey, WithServer, WithBaseURL,
// WithHTTPClient, WithUserAgent) are rejected with an error when given to a call.
type Option struct {
	name       string
	clientOnly bool
	err        error // a bad argument, reported by New or the call
	apply      func(*settings)
}

// settings is the configuration a call runs with: the client's settings with
// the call's options applied on top of a copy.
type settings struct {
	apiKey     secret
	server     string // a named server, see Servers
	baseURL    string // a custom base URL; wins over server when set last
	serverFrom string // where server or baseURL came from, for errors: an option or an env var
	httpClient *http.Client
	userAgent  string

	headers  http.Header
	timeout  time.Duration
	response **http.Response

	policy policy // retries, timeouts, logging, key safety (policy.go)
}

// clone copies s so that a call's options never change the client's settings.
func (s settings) clone() settings {
	s.headers = s.headers.Clone()
	return s
}

// WithAPIKey sets the API key sent in the Meibel-API-Key header. Without it,
// New reads the MEIBEL_API_KEY environment variable.
func WithAPIKey(key string) Option {
	return Option{name: "WithAPIKey", clientOnly: true, apply: func(s *settings) { s.apiKey = newSecret(key) }}
}

// WithServer selects one of the spec's servers by name: "production" (the
// default), "development" or "local". See Servers.
func WithServer(name string) Option {
	return Option{name: "WithServer", clientOnly: true, apply: func(s *settings) { s.server, s.baseURL, s.serverFrom = name, "", "client.WithServer" }}
}

// WithBaseURL sends requests to any absolute http(s) URL, such as
// "http://127.0.0.1:8000/v2". It wins over WithServer and the environment.
func WithBaseURL(rawURL string) Option {
	return Option{name: "WithBaseURL", clientOnly: true, apply: func(s *settings) { s.baseURL, s.server, s.serverFrom = rawURL, "", "client.WithBaseURL" }}
}

// WithHTTPClient makes the client send requests through hc. The client never
// modifies hc: it uses a shallow copy whose transport wraps hc.Transport with
// the library's behaviour (auth header, user agent).
func WithHTTPClient(hc *http.Client) Option {
	return Option{name: "WithHTTPClient", clientOnly: true, apply: func(s *settings) { s.httpClient = hc }}
}

// WithUserAgent adds a product token (e.g. "my-service/1.2") in front of the
// library's own User-Agent.
func WithUserAgent(product string) Option {
	var err error
	if !validHeaderValue(product) {
		err = fmt.Errorf("WithUserAgent(%q): contains characters not allowed in an HTTP header (e.g. a newline)", product)
	}
	return Option{name: "WithUserAgent", clientOnly: true, err: err, apply: func(s *settings) { s.userAgent = product }}
}

// WithHeader sets an extra request header, on every call (with New) or on one
// call. It cannot override Meibel-API-Key or User-Agent.
func WithHeader(key, value string) Option {
	var err error
	switch {
	case !validHeaderName(key):
		err = fmt.Errorf("WithHeader(%q, …): %q is not a valid header name (letters, digits and !#$%%&'*+-.^_`|~, not empty)", key, key)
	case !validHeaderValue(value):
		err = fmt.Errorf("WithHeader(%q, …): the value contains characters not allowed in an HTTP header (e.g. a newline)", key)
	}
	return Option{name: "WithHeader", err: err, apply: func(s *settings) {
		if s.headers == nil {
			s.headers = http.Header{}
		}
		s.headers.Set(key, value)
	}}
}

// WithTimeout bounds each call (with New) or one call. A JSON call must
// finish, body read and decoded, within d. A stream or download must start
// (its response headers must arrive) within d; once it has, it is not cut
// off however long it flows: the stall timeout (WithStallTimeout) and the
// context still end it. Timeouts match errors.Is(err, context.DeadlineExceeded).
func WithTimeout(d time.Duration) Option {
	return Option{name: "WithTimeout", apply: func(s *settings) { s.timeout = d }}
}

// WithResponse stores the raw *http.Response of the call in *dst, for its
// status and headers (request id, rate-limit headers). The body has already
// been consumed by the time the call returns.
func WithResponse(dst **http.Response) Option {
	return Option{name: "WithResponse", apply: func(s *settings) { s.response = dst }}
}

// validHeaderName reports whether k is an HTTP field name (an RFC 9110 token).
func validHeaderName(k string) bool {
	return k != "" && strings.IndexFunc(k, func(r rune) bool {
		return r >= 0x80 || !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r))
	}) < 0
}
