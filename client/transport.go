package client

import (
	"net"
	"net/http"
	"time"
)

// newHTTPClient builds the *http.Client the client sends through: a shallow
// copy of the user's client (never modified) or a default one, whose
// transport is wrapped with the library's RoundTripper chain.
func newHTTPClient(s settings) *http.Client {
	var hc http.Client
	if s.httpClient != nil {
		hc = *s.httpClient
	}
	base := hc.Transport
	if base == nil {
		if s.httpClient != nil {
			base = http.DefaultTransport
		} else {
			base = defaultTransport()
		}
	}
	// auth/headers → retries and timeouts → the user's or default transport.
	retry := &retryTransport{defaults: s.policy, next: base}
	hc.Transport = &headerTransport{apiKey: s.apiKey, userAgent: userAgent(s.userAgent), insecureHTTP: s.policy.insecureHTTP, next: retry}
	hc.CheckRedirect = checkRedirect(hc.CheckRedirect)
	return &hc
}

// DefaultMaxConnsPerHost is how many connections the default transport opens
// to the API host at most. Over HTTP/2 (the production servers) each carries
// many concurrent calls; over HTTP/1.1 a call beyond it waits for a free
// connection (bounded by its context). Bring an *http.Client to change it.
const DefaultMaxConnsPerHost = 64

// defaultTransport is tuned for many concurrent calls to one API host: the
// standard transport keeps only 2 idle connections per host, which makes a
// busy service open and close connections constantly. It keeps every
// connection it may open, and caps them: without a cap, a burst of N new
// calls dials well over N connections (a call that finds a connection freed
// by another still completes its own dial, measured at 64 callers: 74–108
// connections; with the cap: 64).
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxConnsPerHost = DefaultMaxConnsPerHost
	t.MaxIdleConnsPerHost = DefaultMaxConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	t.ResponseHeaderTimeout = 0 // bounded per call instead; streams must not be cut off
	t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return t
}

// headerTransport sets the API key and User-Agent on every request and the
// per-call extra headers, on a clone so the caller's request is untouched.
// It runs for every redirect hop: the key goes only to the host of the
// call's first request, never over http after https, and never over plain
// http to a non-loopback host unless WithInsecureHTTP was given.
type headerTransport struct {
	apiKey       secret
	userAgent    string
	insecureHTTP bool
	next         http.RoundTripper
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if st := callFrom(req.Context()); st != nil {
		for k, vs := range st.settings.headers {
			r.Header[k] = append([]string(nil), vs...)
		}
	}
	if keyPlan(req) {
		if err := checkInsecure(req.URL, t.insecureHTTP); err != nil {
			closeBody(req)
			return nil, err
		}
		r.Header.Set(APIKeyHeader, t.apiKey.value())
	} else {
		r.Header.Del(APIKeyHeader)
	}
	r.Header.Set("User-Agent", t.userAgent)
	resp, err := t.next.RoundTrip(r)
	if resp != nil {
		// resp.Request would be the clone, key and all: hand back the
		// request as the caller made it, so a logged response shows no key.
		resp.Request = req
		// A server that echoes the key in a header must not hand it to
		// whatever the caller does with the headers (Download.Header,
		// Stream.Response, WithResponse, APIError.Header).
		resp.Header = redactHeader(resp.Header, t.apiKey.value())
	}
	return resp, err
}

// CloseIdleConnections forwards to the next transport so that
// (*http.Client).CloseIdleConnections reaches the real connection pool.
func (t *headerTransport) CloseIdleConnections() { closeIdle(t.next) }

// CloseIdleConnections forwards to the next transport.
func (t *retryTransport) CloseIdleConnections() { closeIdle(t.next) }

func closeIdle(rt http.RoundTripper) {
	if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
