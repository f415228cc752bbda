package client

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/meibel-ai/meibel-go/generated"
)

// Names of the servers declared in the spec's servers list.
const (
	ServerProduction  = "production"
	ServerDevelopment = "development"
	ServerLocal       = "local"
)

// Servers maps each server name to its base URL, as declared by the spec
// (the URLs are generated from api-v2.json).
var Servers = map[string]string{
	ServerProduction:  generated.ServerUrlMeibelAPIV2,
	ServerDevelopment: generated.ServerUrlMeibelDevAPIV2,
	ServerLocal:       generated.ServerUrlLocalDevelopment,
}

// serverAliases are accepted spellings of the server names.
var serverAliases = map[string]string{"prod": ServerProduction, "dev": ServerDevelopment, "localhost": ServerLocal}

func serverURL(name string) (string, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if alias, ok := serverAliases[key]; ok {
		key = alias
	}
	if u, ok := Servers[key]; ok {
		return u, nil
	}
	names := make([]string, 0, len(Servers))
	for n := range Servers {
		names = append(names, n)
	}
	sort.Strings(names)
	return "", fmt.Errorf("unknown server %q: use one of %s, or a URL with WithBaseURL / MEIBEL_BASE_URL", name, strings.Join(names, ", "))
}

// parseBaseURL checks that raw is an absolute http(s) URL and strips a
// trailing slash.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("invalid base URL %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("invalid base URL %q: want an absolute http:// or https:// URL such as %s", raw, generated.ServerUrlMeibelAPIV2)
	}
	if u.User != nil {
		return nil, fmt.Errorf("invalid base URL: credentials in the URL are not supported; use WithAPIKey")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		// Not quoted: a query may hold a secret someone pasted into the URL.
		return nil, fmt.Errorf("invalid base URL %s://%s%s: it must not have a query or fragment", u.Scheme, u.Host, u.EscapedPath())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}
