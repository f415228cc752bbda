package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	meibel "github.com/meibel-ai/meibel-go"
)

func newValidator(t testing.TB, opts ...Option) *Validator {
	t.Helper()
	v, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonReq(method, target, body string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Meibel-API-Key", "k")
	return r
}

func TestSpecLoadsAndValidates(t *testing.T) {
	v := newValidator(t)
	if err := v.Doc().Validate(context.Background()); err != nil {
		t.Fatalf("spec does not validate: %v", err)
	}
	if got := len(v.Doc().Paths.Map()); got == 0 {
		t.Fatal("no paths")
	}
	// Every operation has an operationId, used once: methods, errors and the
	// local server's 501s are named after it.
	seen := map[string]bool{}
	for path, item := range v.Doc().Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" || seen[op.OperationID] {
				t.Errorf("%s %s: operationId %q missing or used twice", method, path, op.OperationID)
			}
			seen[op.OperationID] = true
		}
	}
	if len(seen) == 0 {
		t.Fatal("no operations")
	}
}

func TestRoutingIsHostAgnosticAndKeepsEscapedSegments(t *testing.T) {
	v := newValidator(t)
	for _, target := range []string{
		"http://localhost:8000/v2/agents/name/a%2Fb%20c%25%C3%A9/sessions",
		"https://api.meibel.ai/v2/agents/name/a%2Fb%20c%25%C3%A9/sessions",
		"/v2/agents/name/a%2Fb%20c%25%C3%A9/sessions",
	} {
		r := jsonReq("POST", target, `{}`)
		route, params, err := v.route(r)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if route.Operation.OperationID != "createSessionByName" || params["name"] != "a/b c%é" {
			t.Fatalf("%s: got %s %q", target, route.Operation.OperationID, params)
		}
	}
	r := jsonReq("POST", "/v2/agents/agent-1/sessions", `{}`)
	if route, _, err := v.route(r); err != nil || route.Operation.OperationID != "createSession" {
		t.Fatalf("createSession route: %v %v", route, err)
	}
}

func TestValidateRequestGoodAndBad(t *testing.T) {
	v := newValidator(t)
	good := jsonReq("POST", "/v2/agents", `{"display_name":"Support","instructions":"Be kind"}`)
	if err := v.ValidateRequest(good); err != nil {
		t.Fatalf("good request rejected: %v", err)
	}
	// The body is still readable for the real handler.
	if b, _ := io.ReadAll(good.Body); !strings.Contains(string(b), "Support") {
		t.Fatalf("body not restored: %q", b)
	}

	bad := jsonReq("POST", "/v2/agents", `{"display_name":42}`)
	err := v.ValidateRequest(bad)
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("bad request: got %v, want *RequestError", err)
	}
	if re.Status != 422 || re.Operation != "createAgent" {
		t.Fatalf("status %d op %q", re.Status, re.Operation)
	}
	var sawMissing, sawType bool
	for _, vi := range re.Violations {
		if vi.Type == "missing" && len(vi.Loc) == 2 && vi.Loc[0] == "body" && vi.Loc[1] == "instructions" {
			sawMissing = true
		}
		if len(vi.Loc) == 2 && vi.Loc[1] == "display_name" {
			sawType = true
		}
	}
	if !sawMissing || !sawType {
		t.Fatalf("violations = %+v", re.Violations)
	}

	q := jsonReq("GET", "/v2/agents?offset=-1&limit=abc", "")
	if err := v.ValidateRequest(q); !errors.As(err, &re) || len(re.Violations) != 2 || re.Violations[0].Loc[0] != "query" {
		t.Fatalf("bad query: %v %+v", err, re)
	}
	if q.URL.RawQuery != "offset=-1&limit=abc" {
		t.Fatalf("request URL mutated: %q", q.URL.RawQuery)
	}

	if err := v.ValidateRequest(jsonReq("GET", "/v2/nope", "")); !errors.As(err, &re) || re.Status != 404 {
		t.Fatalf("unknown path: %v", err)
	}
	if err := v.ValidateRequest(jsonReq("PATCH", "/v2/agents", "")); !errors.As(err, &re) || re.Status != 405 {
		t.Fatalf("unknown method: %v", err)
	}
}

func TestValidateRequestQueryDefaultsDoNotLeak(t *testing.T) {
	v := newValidator(t)
	r := jsonReq("GET", "/v2/agents", "")
	if err := v.ValidateRequest(r); err != nil {
		t.Fatal(err)
	}
	if r.URL.RawQuery != "" {
		t.Fatalf("defaults written into the caller's URL: %q", r.URL.RawQuery)
	}
}

func multipartUpload(t *testing.T, size int) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("files", "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(bytes.Repeat([]byte("x"), size))
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestMultipartValidatesBelowCapAndStreamsAbove(t *testing.T) {
	v := newValidator(t, WithMaxBodyBytes(1024))

	small, ct := multipartUpload(t, 10)
	r := httptest.NewRequest("POST", "/v2/datasources/ds1/content", small)
	r.Header.Set("Content-Type", ct)
	if err := v.ValidateRequest(r); err != nil {
		t.Fatalf("small multipart rejected: %v", err)
	}

	// A form without the required "files" part fails when validated in full.
	var empty bytes.Buffer
	mw := multipart.NewWriter(&empty)
	mw.WriteField("other", "1")
	mw.Close()
	r = httptest.NewRequest("POST", "/v2/datasources/ds1/content", &empty)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if err := v.ValidateRequest(r); err == nil {
		t.Fatal("multipart without required files part accepted")
	}

	big, ct := multipartUpload(t, 4096)
	want := big.Len()
	r = httptest.NewRequest("POST", "/v2/datasources/ds1/content", big)
	r.Header.Set("Content-Type", ct)
	if err := v.ValidateRequest(r); err != nil {
		t.Fatalf("large multipart rejected: %v", err)
	}
	got, _ := io.ReadAll(r.Body)
	if len(got) != want {
		t.Fatalf("large body after validation: %d bytes, want %d", len(got), want)
	}
	r = httptest.NewRequest("POST", "/v2/datasources/ds1/content", strings.NewReader(strings.Repeat("y", 4096)))
	r.Header.Set("Content-Type", "application/json")
	if err := v.ValidateRequest(r); err == nil {
		t.Fatal("large body with undeclared content type accepted")
	}
}

const null422 = `{"detail":[{"loc":["body","display_name"],"msg":"Field required","type":"missing","input":null}]}`

func TestResponse422WithNullInputPasses(t *testing.T) {
	v := newValidator(t)
	h := http.Header{"Content-Type": {"application/json"}}
	req := jsonReq("POST", "/v2/agents", `{}`)
	if err := v.ValidateResponse(req, 422, h, []byte(null422)); err != nil {
		t.Fatalf("422 with null input rejected: %v", err)
	}
	// The workaround must not loosen anything else.
	if err := v.ValidateResponse(req, 422, h, []byte(`{"detail":[{"loc":["body"],"msg":null,"type":"missing"}]}`)); err == nil {
		t.Fatal("null msg accepted")
	}
}

// TestKinStillRejectsNullInput documents why permitNullInTypelessSchemas
// exists: plain kin-openapi rejects the valid body. When this test fails,
// kin-openapi fixed the bug and the workaround can go.
func TestKinStillRejectsNullInput(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(meibel.Spec)
	if err != nil {
		t.Fatal(err)
	}
	doc.Servers = openapi3.Servers{{URL: "/v2"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	req := jsonReq("POST", "/v2/agents", `{}`)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route, PathParams: params},
		Status:                 422,
		Header:                 http.Header{"Content-Type": {"application/json"}},
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes([]byte(null422))
	if err := openapi3filter.ValidateResponse(context.Background(), in); err == nil || !strings.Contains(err.Error(), "not nullable") {
		t.Fatalf("kin-openapi now accepts null input (err=%v): drop permitNullInTypelessSchemas", err)
	}
}

func TestResponseStatusRules(t *testing.T) {
	v := newValidator(t)
	h := http.Header{"Content-Type": {"application/json"}}
	req := jsonReq("GET", "/v2/agents/a1", "")
	for _, st := range AllowedUndeclaredStatuses {
		if err := v.ValidateResponse(req, st, h, []byte(`{"detail":"x"}`)); err != nil {
			t.Errorf("%d: %v", st, err)
		}
	}
	if err := v.ValidateResponse(req, 404, h, []byte(`{"message":"x"}`)); err == nil {
		t.Error("404 without detail accepted")
	}
	if err := v.ValidateResponse(req, 418, h, []byte(`{"detail":"x"}`)); err == nil {
		t.Error("undeclared 418 accepted")
	}
	if err := v.ValidateResponse(req, 200, h, []byte(`{"id":"a1"}`)); err == nil {
		t.Error("incomplete AgentDetailResponse accepted")
	}
	if err := v.ValidateResponse(jsonReq("DELETE", "/v2/agents/a1", ""), 204, http.Header{}, nil); err != nil {
		t.Errorf("204: %v", err)
	}
}

func TestSSEResponsePasses(t *testing.T) {
	v := newValidator(t)
	req := httptest.NewRequest("GET", "/v2/datasources/uploads/u1/progress", nil)
	h := http.Header{"Content-Type": {"text/event-stream"}}
	body := []byte("event: progress\ndata: {\"bytes\":10}\n\nevent: done\ndata: {}\n\n")
	if err := v.ValidateResponse(req, 200, h, body); err != nil {
		t.Fatalf("SSE rejected: %v", err)
	}
	if err := v.ValidateResponse(req, 200, http.Header{"Content-Type": {"application/json"}}, []byte(`"x"`)); err == nil {
		t.Fatal("JSON answer to a stream operation accepted")
	}
}

// TestAnyOfViolationNamesTheRealProblem: kin-openapi says only "doesn't
// match any schema from anyOf" for a nullable number out of range; the
// violation must say what is wrong with the value instead.
func TestAnyOfViolationNamesTheRealProblem(t *testing.T) {
	v := newValidator(t)
	err := v.ValidateRequest(jsonReq("POST", "/v2/agents", `{"display_name":"S","instructions":"x","temperature":5}`))
	var re *RequestError
	if !errors.As(err, &re) || len(re.Violations) != 1 {
		t.Fatalf("got %v, want one violation", err)
	}
	vi := re.Violations[0]
	if fmt.Sprint(vi.Loc) != "[body temperature]" || strings.Contains(vi.Msg, "anyOf") || !strings.Contains(vi.Msg, "2") {
		t.Errorf("violation = %+v, want loc [body temperature] and the maximum named", vi)
	}
	t.Logf("message: %s", vi.Msg)
	// A null is still fine, and a string still fails (on type, not range).
	if err := v.ValidateRequest(jsonReq("POST", "/v2/agents", `{"display_name":"S","instructions":"x","temperature":null}`)); err != nil {
		t.Errorf("null temperature rejected: %v", err)
	}
	if err := v.ValidateRequest(jsonReq("POST", "/v2/agents", `{"display_name":"S","instructions":"x","temperature":"hot"}`)); err == nil {
		t.Error("string temperature accepted")
	}
}
