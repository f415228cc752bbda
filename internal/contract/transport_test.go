package contract

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

type reports struct {
	mu   sync.Mutex
	errs []error
}

func (r *reports) add(err error) { r.mu.Lock(); r.errs = append(r.errs, err); r.mu.Unlock() }
func (r *reports) all() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]error(nil), r.errs...)
}

// server answers per path: a good agent, a bad agent, and an SSE stream that
// waits for the client to read the first event before sending the second.
func testServer(t *testing.T, v *Validator, rep *reports, gate chan struct{}) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/agents/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.PathValue("id") == "bad" {
			fmt.Fprint(w, `{"id":"bad"}`)
			return
		}
		fmt.Fprint(w, `{"id":"a","name":"a","display_name":"A","catalog_urn":"u","version":"1","type":"t","llm_model":"m",
			"fallback_models":[],"datasources":[],"instructions":"i","tools":[],"artifacts":[],"confidence_configs":[],"temperature":0.5,"tags":[]}`)
	})
	mux.HandleFunc("GET /v2/datasources/uploads/{id}/progress", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: one\n\n")
		http.NewResponseController(w).Flush()
		<-gate
		fmt.Fprint(w, "data: two\n\n")
	})
	ts := httptest.NewServer(v.Middleware(mux, rep.add))
	t.Cleanup(ts.Close)
	return ts
}

func TestMiddlewareAndRoundTripper(t *testing.T) {
	v := newValidator(t)
	var serverSide, clientSide reports
	gate := make(chan struct{})
	ts := testServer(t, v, &serverSide, gate)
	client := &http.Client{Transport: v.RoundTripper(http.DefaultTransport, clientSide.add)}

	resp, err := client.Get(ts.URL + "/v2/agents/good")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("good: %v %v", resp, err)
	}
	resp.Body.Close()
	if len(serverSide.all())+len(clientSide.all()) != 0 {
		t.Fatalf("unexpected reports: %v %v", serverSide.all(), clientSide.all())
	}

	// A bad response becomes a loud 500 naming the violation, reported on the server.
	resp, err = client.Get(ts.URL + "/v2/agents/bad")
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Detail string }
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(body.Detail, "getAgent") {
		t.Fatalf("bad response: %d %q", resp.StatusCode, body.Detail)
	}
	var re *ResponseError
	if errs := serverSide.all(); len(errs) != 1 || !errors.As(errs[0], &re) {
		t.Fatalf("server reports: %v", errs)
	}

	// A request that breaks the contract is answered 422 and reported by the client side.
	req, _ := http.NewRequest("GET", ts.URL+"/v2/agents?limit=x", nil)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 422 {
		t.Fatalf("bad query: %d", resp.StatusCode)
	}
	var rq *RequestError
	if errs := clientSide.all(); len(errs) != 1 || !errors.As(errs[0], &rq) {
		t.Fatalf("client reports: %v", errs)
	}

	// SSE streams through both: the first event arrives before the second is written.
	resp, err = client.Get(ts.URL + "/v2/datasources/uploads/u1/progress")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "data: one\n" {
		t.Fatalf("first event: %q %v", line, err)
	}
	close(gate)
	rest, _ := br.ReadString(0)
	if !strings.Contains(rest, "data: two") {
		t.Fatalf("rest: %q", rest)
	}
	if n := len(clientSide.all()) + len(serverSide.all()); n != 2 {
		t.Fatalf("stream reported violations: %v %v", clientSide.all(), serverSide.all())
	}
}
