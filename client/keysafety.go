package client

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// secret holds the API key out of reach of every printer: fmt, slog and
// reflection-based dumpers show a func by its address, never what it returns.
// (fmt does not call methods such as String on unexported fields, so a
// redacting String method would not be enough.)
type secret func() string

func newSecret(key string) secret { return func() string { return key } }

// value is the key, or "" when none was set.
func (k secret) value() string {
	if k == nil {
		return ""
	}
	return k()
}

// isLoopback reports whether host (no port) is localhost or a loopback IP.
func isLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkInsecure refuses a plain-http URL to a non-loopback host, where the
// API key would cross the network in clear text.
func checkInsecure(u *url.URL, allowed bool) error {
	if allowed || u.Scheme != "http" || isLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("refusing to send the API key over plain http:// to %s: use an https:// URL, or pass client.WithInsecureHTTP() if the network is trusted", u.Host)
}

// keyPlan decides, for one request of a redirect chain, whether the API key
// may be sent: only to the host of the chain's first request, and never over
// http once a hop was https.
func keyPlan(req *http.Request) (send bool) {
	first, wasTLS := req, req.URL.Scheme == "https"
	for first.Response != nil && first.Response.Request != nil {
		first = first.Response.Request
		wasTLS = wasTLS || first.URL.Scheme == "https"
	}
	if !strings.EqualFold(canonicalHost(first.URL), canonicalHost(req.URL)) {
		return false
	}
	return !(wasTLS && req.URL.Scheme != "https")
}

// canonicalHost is the lower-cased host with the scheme's default port
// dropped, so http://h and https://h count as the same host but h:8080 and
// h:9090 do not.
func canonicalHost(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" || port == "80" && u.Scheme == "http" || port == "443" && u.Scheme == "https" {
		return host
	}
	return net.JoinHostPort(host, port)
}

// errDowngrade is returned for a redirect from https to plain http.
var errDowngrade = errors.New("refusing a redirect from https:// to http://: the request (and the API key) would travel in clear text")

// checkRedirect refuses https → http redirects, then applies the user's
// policy (or the standard limit of 10 redirects).
func checkRedirect(user func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		for _, prev := range via {
			if prev.URL.Scheme == "https" && req.URL.Scheme != "https" {
				return errDowngrade
			}
		}
		if user != nil {
			return user(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}
