package meibeltest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/meibel-ai/meibel-go/generated"
	"github.com/meibel-ai/meibel-go/internal/contract"
)

func TestInvalidRequestGetsFastAPI422(t *testing.T) {
	_, ts := NewHTTPTest(t)
	r := do(t, ts, "POST", "/agents", map[string]any{"display_name": 7})
	expect(t, r, 422)
	var body struct {
		Detail []struct {
			Loc  []any  `json:"loc"`
			Msg  string `json:"msg"`
			Type string `json:"type"`
		}
	}
	r.json(t, &body)
	if len(body.Detail) != 2 {
		t.Fatalf("detail %s", r.raw)
	}
	locs := map[string]string{}
	for _, d := range body.Detail {
		if len(d.Loc) != 2 || d.Loc[0] != "body" || d.Msg == "" {
			t.Fatalf("entry %+v", d)
		}
		locs[d.Loc[1].(string)] = d.Type
	}
	if locs["instructions"] != "missing" || locs["display_name"] == "" {
		t.Fatalf("locs %v", locs)
	}
	r = do(t, ts, "GET", "/agents?limit=ten", nil)
	expect(t, r, 422)
	if !strings.Contains(string(r.raw), `"loc":["query","limit"]`) {
		t.Fatalf("query 422 %s", r.raw)
	}
	r = do(t, ts, "POST", "/agents", []byte("{not json"))
	expect(t, r, 422)
}

func TestAuthentication(t *testing.T) {
	_, ts := NewHTTPTest(t)
	r := doKey(t, ts, "GET", "/agents", nil, "")
	expect(t, r, 401)
	if d := detail(t, r); d != "Not authenticated" {
		t.Fatalf("detail %q", d)
	}
	expect(t, doKey(t, ts, "GET", "/agents", nil, "anything"), 200)

	_, ts = NewHTTPTest(t, WithAPIKey("s3cret"))
	expect(t, doKey(t, ts, "GET", "/agents", nil, "wrong"), 401)
	expect(t, doKey(t, ts, "GET", "/agents", nil, "s3cret"), 200)
}

func TestRequestIDs(t *testing.T) {
	_, ts := NewHTTPTest(t)
	seen := map[string]bool{}
	for _, r := range []reply{
		do(t, ts, "GET", "/agents", nil),
		do(t, ts, "GET", "/agents/nope", nil),
		doKey(t, ts, "GET", "/agents", nil, ""),
		do(t, ts, "GET", "/not-a-path", nil),
	} {
		id := r.header.Get(RequestIDHeader)
		if id == "" || seen[id] {
			t.Fatalf("request id %q (status %d)", id, r.status)
		}
		seen[id] = true
	}
}

// The 501 mechanism: the strict middleware answers an operation *handlers
// lacks with 501 and a FastAPI detail naming it, and leaves implemented
// operations alone. It calls the wrapper directly, with a method name
// *handlers does not define, so it holds however many operations are
// implemented.
func TestNotImplementedNamesOperation(t *testing.T) {
	called := false
	next := func(context.Context, http.ResponseWriter, *http.Request, any) (any, error) {
		called = true
		return "ok", nil
	}
	req := httptest.NewRequest("GET", "/v2/anything", nil)

	_, err := notImplemented(next, "FrobnicateWidgets")(context.Background(), httptest.NewRecorder(), req, nil)
	if called {
		t.Fatal("the wrapper called an unimplemented operation")
	}
	rec := httptest.NewRecorder()
	writeError(rec, req, err)
	if rec.Code != 501 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	r := reply{status: rec.Code, raw: rec.Body.Bytes()}
	if d := detail(t, r); d != "meibeltest: operation frobnicateWidgets is not implemented" {
		t.Fatalf("detail %q", d)
	}

	got, err := notImplemented(next, "ListAgents")(context.Background(), httptest.NewRecorder(), req, nil)
	if !called || got != "ok" || err != nil {
		t.Fatalf("implemented operation: called %v, %v, %v", called, got, err)
	}
}

// TestOperationsMapToStrictMethods checks that every operationId in the spec
// is a strict-server method (so 501 details name real operations), and lists
// which are not implemented yet: an operation a spec update adds answers 501
// until the server implements it, without failing the suite.
func TestOperationsMapToStrictMethods(t *testing.T) {
	v, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	iface := reflect.TypeFor[generated.StrictServerInterface]()
	var done int
	var todo []string
	for _, item := range v.Doc().Paths.Map() {
		for _, op := range item.Operations() {
			method := strings.ToUpper(op.OperationID[:1]) + op.OperationID[1:]
			if _, ok := iface.MethodByName(method); !ok || operationID(method) != op.OperationID {
				t.Errorf("operation %s has no strict method %s", op.OperationID, method)
			}
			if implemented(method) {
				done++
			} else {
				todo = append(todo, op.OperationID)
			}
		}
	}
	if done == 0 {
		t.Fatal("no operation is implemented")
	}
	t.Logf("implemented %d of %d operations; answering 501: %v", done, done+len(todo), todo)
}

func TestConcurrentUse(t *testing.T) {
	_, ts := NewHTTPTest(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			id := createAgent(t, ts, map[string]any{"display_name": "agent", "instructions": "x", "name": string(rune('a' + i))})
			do(t, ts, "GET", "/agents/"+id, nil)
			do(t, ts, "GET", "/agents", nil)
		})
	}
	wg.Wait()
	var page struct{ Total int }
	do(t, ts, "GET", "/agents", nil).json(t, &page)
	if page.Total != 8 {
		t.Fatalf("total %d", page.Total)
	}
}
