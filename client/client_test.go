package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	meibel "github.com/meibel-ai/meibel-go"
	"github.com/meibel-ai/meibel-go/client"
)

// clearEnv makes a test independent of the developer's environment.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{client.EnvAPIKey, client.EnvBaseURL, client.EnvEnvironment} {
		t.Setenv(k, "")
	}
}

func TestNewConfigErrors(t *testing.T) {
	clearEnv(t)
	cases := []struct {
		name string
		opts []client.Option
		want []string // substrings of the error
	}{
		{"missing key", nil, []string{"no API key", "MEIBEL_API_KEY", "WithAPIKey"}},
		{"blank key", []client.Option{client.WithAPIKey("  ")}, []string{"MEIBEL_API_KEY"}},
		{"key with newline", []client.Option{client.WithAPIKey("abc\nX-Evil: 1")}, []string{"not allowed in an HTTP header"}},
		{"relative URL", []client.Option{client.WithAPIKey("k"), client.WithBaseURL("/v2")}, []string{"invalid base URL", "absolute"}},
		{"unparsable URL", []client.Option{client.WithAPIKey("k"), client.WithBaseURL("http://[::1")}, []string{"invalid base URL"}},
		{"URL with a query", []client.Option{client.WithAPIKey("k"), client.WithBaseURL("https://api.example/v2?api_key=X-Evil")}, []string{"https://api.example/v2", "must not have a query"}},
		{"ftp URL", []client.Option{client.WithAPIKey("k"), client.WithBaseURL("ftp://example.com/v2")}, []string{"http:// or https://"}},
		{"unknown server", []client.Option{client.WithAPIKey("k"), client.WithServer("staging")}, []string{`unknown server "staging"`, "development, local, production"}},
		{"zero option", []client.Option{{}}, []string{"zero Option"}},
		{"empty base URL option", []client.Option{client.WithAPIKey("k"), client.WithBaseURL("")}, []string{`client.WithBaseURL("")`, "empty"}},
		{"empty server option", []client.Option{client.WithAPIKey("k"), client.WithServer("")}, []string{`client.WithServer("")`, "empty"}},
		{"option named in the error", []client.Option{client.WithAPIKey("k"), client.WithBaseURL("/v2")}, []string{"(from client.WithBaseURL)"}},
		{"bad MEIBEL_BASE_URL", []client.Option{client.WithAPIKey("k")}, []string{"invalid base URL", "(from MEIBEL_BASE_URL)"}},
		{"bad MEIBEL_ENVIRONMENT", []client.Option{client.WithAPIKey("k")}, []string{`unknown server "staging"`, "(from MEIBEL_ENVIRONMENT)"}},
		{"user agent with newline", []client.Option{client.WithAPIKey("k"), client.WithUserAgent("svc/1\r\nX: y")}, []string{"WithUserAgent", "not allowed in an HTTP header"}},
		{"header name with a space", []client.Option{client.WithAPIKey("k"), client.WithHeader("X Trace", "1")}, []string{`WithHeader("X Trace"`, "not a valid header name"}},
		{"empty header name", []client.Option{client.WithAPIKey("k"), client.WithHeader("", "1")}, []string{`WithHeader(""`, "not a valid header name"}},
		{"header value with newline", []client.Option{client.WithAPIKey("k"), client.WithHeader("X-Trace", "a\nb")}, []string{`WithHeader("X-Trace"`, "not allowed in an HTTP header"}},
	}
	env := map[string][2]string{
		"bad MEIBEL_BASE_URL":    {client.EnvBaseURL, "not a url"},
		"bad MEIBEL_ENVIRONMENT": {client.EnvEnvironment, "staging"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if kv, ok := env[tc.name]; ok {
				t.Setenv(kv[0], kv[1])
			}
			c, err := client.New(tc.opts...)
			if err == nil {
				t.Fatalf("New succeeded with base %s", c.BaseURL())
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "X-Evil") {
				t.Errorf("error echoes the key: %q", err)
			}
		})
	}
}

// TestServersComeFromSpec checks the named servers against the spec's servers list.
func TestServersComeFromSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(meibel.Spec)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, s := range doc.Servers {
		urls = append(urls, s.URL)
	}
	want := map[string]string{
		client.ServerProduction:  "https://api.meibel.ai/v2",
		client.ServerDevelopment: "https://api.dev.meibel.ai/v2",
		client.ServerLocal:       "http://localhost:8000/v2",
	}
	for name, u := range want {
		if client.Servers[name] != u {
			t.Errorf("Servers[%q] = %q, want %q", name, client.Servers[name], u)
		}
		if !contains(urls, u) {
			t.Errorf("%s is not in the spec's servers %v", u, urls)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestServerSelection(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		opts []client.Option
		want string
	}{
		{"default is production", nil, nil, "https://api.meibel.ai/v2"},
		{"by name", nil, []client.Option{client.WithServer("development")}, "https://api.dev.meibel.ai/v2"},
		{"local", nil, []client.Option{client.WithServer("local")}, "http://localhost:8000/v2"},
		{"alias prod", nil, []client.Option{client.WithServer("prod")}, "https://api.meibel.ai/v2"},
		{"alias dev", nil, []client.Option{client.WithServer("dev")}, "https://api.dev.meibel.ai/v2"},
		{"alias localhost", nil, []client.Option{client.WithServer("localhost")}, "http://localhost:8000/v2"},
		{"custom URL, trailing slash dropped", nil, []client.Option{client.WithBaseURL("http://127.0.0.1:9999/v2/")}, "http://127.0.0.1:9999/v2"},
		{"env environment", map[string]string{client.EnvEnvironment: "dev"}, nil, "https://api.dev.meibel.ai/v2"},
		{"env base URL wins over env environment", map[string]string{client.EnvEnvironment: "dev", client.EnvBaseURL: "http://127.0.0.1:1/v2"}, nil, "http://127.0.0.1:1/v2"},
		{"option wins over env", map[string]string{client.EnvBaseURL: "http://127.0.0.1:1/v2"}, []client.Option{client.WithServer("production")}, "https://api.meibel.ai/v2"},
		{"last option wins", nil, []client.Option{client.WithBaseURL("http://127.0.0.1:1/v2"), client.WithServer("local")}, "http://localhost:8000/v2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(client.EnvAPIKey, "env-key")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := client.New(tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tc.want {
				t.Errorf("BaseURL = %q, want %q", c.BaseURL(), tc.want)
			}
		})
	}
}

// TestBringYourOwnHTTPClient checks that the user's client and transport are
// used and left unmodified, and that the key comes from the environment.
func TestBringYourOwnHTTPClient(t *testing.T) {
	clearEnv(t)
	t.Setenv(client.EnvAPIKey, "from-env")
	var gotKey string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotKey = r.Header.Get("Meibel-API-Key")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	rt := &countingTransport{next: http.DefaultTransport}
	hc := &http.Client{Transport: rt}
	c, err := client.New(client.WithHTTPClient(hc), client.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Agents.DeleteAgent(context.Background(), "a1"); err != nil {
		t.Fatal(err)
	}
	if rt.n != 1 {
		t.Errorf("user transport saw %d requests, want 1", rt.n)
	}
	if hc.Transport != rt {
		t.Error("the user's http.Client was modified")
	}
	if gotKey != "from-env" {
		t.Errorf("key = %q, want the MEIBEL_API_KEY value", gotKey)
	}
}

type countingTransport struct {
	n    int
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	return c.next.RoundTrip(r)
}

func TestCallRejectsClientOnlyOption(t *testing.T) {
	clearEnv(t)
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL("http://127.0.0.1:1/v2"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Agents.GetAgent(context.Background(), "a", client.WithBaseURL("http://other"))
	if err == nil || !strings.Contains(err.Error(), "getAgent: option WithBaseURL configures a client") {
		t.Fatalf("err = %v", err)
	}
	// A bad per-call header is refused before anything is sent (the base URL
	// above refuses connections, so a sent request would fail differently).
	_, err = c.Agents.GetAgent(context.Background(), "a", client.WithHeader("X-Trace", "a\r\nX-Evil: 1"))
	if err == nil || !strings.Contains(err.Error(), `meibel: getAgent: WithHeader("X-Trace", …)`) {
		t.Fatalf("bad per-call header: err = %v", err)
	}
}
