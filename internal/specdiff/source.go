package specdiff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// MaxSpecSize bounds a spec document read from a file or URL.
const MaxSpecSize = 64 << 20

// DefaultFetchTimeout bounds fetching a spec from a URL.
const DefaultFetchTimeout = 30 * time.Second

// Load reads a spec document from a local path or an http(s) URL and checks
// that it is an OpenAPI JSON document. A URL is fetched with client (nil:
// a client with DefaultFetchTimeout).
func Load(ctx context.Context, src string, client *http.Client) ([]byte, error) {
	var data []byte
	var err error
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		data, err = fetch(ctx, src, client)
	} else {
		data, err = readFile(src)
	}
	if err != nil {
		return nil, err
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.OpenAPI == "" {
		return nil, fmt.Errorf("%s is not an OpenAPI JSON document (it starts with %q)", src, head(data))
	}
	return data, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	defer f.Close()
	return readCapped(f, path)
}

func fetch(ctx context.Context, url string, client *http.Client) ([]byte, error) {
	if client == nil {
		client = &http.Client{Timeout: DefaultFetchTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch spec %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		hint := "is the network reachable? pass a local file instead (NEW=path/to/api-v2.json)"
		var te interface{ Timeout() bool }
		if errors.As(err, &te) && te.Timeout() {
			hint = fmt.Sprintf("no answer within %v; %s", client.Timeout, hint)
		}
		return nil, fmt.Errorf("fetch spec %s: %w (%s)", url, err, hint)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch spec %s: %s (want 200 OK)", url, resp.Status)
	}
	return readCapped(resp.Body, url)
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSpecSize+1))
	if err != nil {
		return nil, fmt.Errorf("read spec %s: %w", name, err)
	}
	if len(data) > MaxSpecSize {
		return nil, fmt.Errorf("read spec %s: larger than %d MiB", name, MaxSpecSize>>20)
	}
	return data, nil
}

func head(data []byte) string {
	s := strings.TrimSpace(string(data))
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}
