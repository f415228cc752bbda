package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

// listServer holds n items ("item-0" …) and serves them in every pagination
// style the spec uses, counting requests.
type listServer struct {
	t        *testing.T
	n        int
	requests atomic.Int64
	// maxPage caps the page size whatever the client asks (0: no cap).
	maxPage int
	// lieTotal, when set, is reported as the total instead of n.
	lieTotal int
	// failAt makes request number failAt (1-based) answer 422.
	failAt int64
	// fixedToken, when set, is the token of every page (a loop); for
	// next_offset it makes every next_offset 0.
	fixedToken string
}

func (s *listServer) limit(r *http.Request, def int) int {
	l := def
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		if l, err = strconv.Atoi(v); err != nil {
			s.t.Errorf("limit %q: %v", v, err)
		}
	}
	if s.maxPage > 0 && l > s.maxPage {
		l = s.maxPage
	}
	return l
}

func (s *listServer) offset(r *http.Request, name string) int {
	v := r.URL.Query().Get(name)
	if v == "" || v == s.fixedToken {
		return 0
	}
	o, err := strconv.Atoi(v)
	if err != nil {
		s.t.Errorf("%s %q: %v", name, v, err)
	}
	return o
}

func (s *listServer) window(from, limit int) (ids []string, end int) {
	end = min(from+limit, s.n)
	for i := from; i < end; i++ {
		ids = append(ids, "item-"+strconv.Itoa(i))
	}
	return ids, end
}

func (s *listServer) total() int {
	if s.lieTotal > 0 {
		return s.lieTotal
	}
	return s.n
}

func (s *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	num := s.requests.Add(1)
	w.Header().Set("Content-Type", "application/json")
	if num == s.failAt {
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"detail":[{"loc":["query","limit"],"msg":"bad limit","type":"value_error"}]}`)
		return
	}
	var out any
	switch r.URL.Path {
	case "/v2/agents": // offset + total (top level), limit echoed
		off, lim := s.offset(r, "offset"), s.limit(r, 20)
		ids, _ := s.window(off, lim)
		data := []map[string]any{}
		for _, id := range ids {
			data = append(data, map[string]any{"id": id})
		}
		out = map[string]any{"data": data, "total": s.total(), "offset": off, "limit": lim}
	case "/v2/artifact-schemas": // offset + total, no limit echoed
		off, lim := s.offset(r, "offset"), s.limit(r, 20)
		ids, _ := s.window(off, lim)
		data := []map[string]any{}
		for _, id := range ids {
			data = append(data, map[string]any{"id": id})
		}
		out = map[string]any{"data": data, "total": s.total()}
	case "/v2/batch-executions": // offset + pagination.total
		off, lim := s.offset(r, "offset"), s.limit(r, 20)
		ids, _ := s.window(off, lim)
		data := []map[string]any{}
		for _, id := range ids {
			data = append(data, map[string]any{"id": id})
		}
		out = map[string]any{"data": data, "pagination": map[string]any{"total": s.total(), "offset": off, "limit": lim}}
	case "/v2/documents/deep-transform": // offset + next_offset
		off, lim := s.offset(r, "offset"), s.limit(r, 50)
		ids, end := s.window(off, lim)
		jobs := []map[string]any{}
		for _, id := range ids {
			jobs = append(jobs, map[string]any{"job_id": id})
		}
		var next any
		if end < s.n {
			next = end
		}
		if s.fixedToken != "" {
			next = 0
		}
		out = map[string]any{"jobs": jobs, "offset": off, "limit": lim, "next_offset": next}
	case "/v2/datasources/ds-1/content": // continuation token, handed back as is
		off, lim := s.offset(r, "continuation_token"), s.limit(r, 1000)
		ids, end := s.window(off, lim)
		items := []map[string]any{}
		for _, id := range ids {
			items = append(items, map[string]any{"path": id, "name": id})
		}
		page := map[string]any{"items": items}
		if end < s.n {
			page["continuation_token"] = strconv.Itoa(end)
		}
		if s.fixedToken != "" {
			page["continuation_token"] = s.fixedToken
		}
		out = page
	case "/v2/datasources/ds-1/data-elements", "/v2/datasources/ds-1/data-elements/search": // cursor + has_next
		off, lim := s.offset(r, "cursor"), s.limit(r, 100)
		ids, end := s.window(off, lim)
		items := []map[string]any{}
		for _, id := range ids {
			items = append(items, map[string]any{"id": id, "datasource_id": "ds-1"})
		}
		page := map[string]any{"items": items, "has_next": end < s.n, "next_cursor": nil}
		if end < s.n {
			page["next_cursor"] = strconv.Itoa(end)
		}
		out = page
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"detail":"no route %s"}`, r.URL.Path)
		return
	}
	json.NewEncoder(w).Encode(out)
}

func newListClient(t *testing.T, s *listServer) *client.Client {
	t.Helper()
	s.t = t
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	clearEnv(t)
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// collect ranges over seq, returning ids and the errors yielded.
func collect[T any](seq iter.Seq2[T, error], id func(T) string) (ids []string, errs []error) {
	for item, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, id(item))
	}
	return ids, errs
}

// checkAll asserts ids are item-0 … item-(n-1), each exactly once, in order.
func checkAll(t *testing.T, ids []string, n int) {
	t.Helper()
	if len(ids) != n {
		t.Fatalf("saw %d items, want %d", len(ids), n)
	}
	for i, id := range ids {
		if want := "item-" + strconv.Itoa(i); id != want {
			t.Fatalf("item %d = %q, want %q (duplicate or skipped item)", i, id, want)
		}
	}
}

// styles runs one iterator per pagination style with the given page size.
var styles = []struct {
	name string
	run  func(c *client.Client, limit int) ([]string, []error)
}{
	{"offset+total/listAgents", func(c *client.Client, limit int) ([]string, []error) {
		return collect(c.Agents.ListAgentsIter(context.Background(), &client.ListAgentsParams{Limit: &limit}), func(a client.AgentSummary) string { return a.Id })
	}},
	{"offset+total,no limit echoed/listArtifactSchemas", func(c *client.Client, limit int) ([]string, []error) {
		return collect(c.ArtifactSchemas.ListArtifactSchemasIter(context.Background(), &client.ListArtifactSchemasParams{Limit: &limit}), func(a client.ArtifactSchemaSummary) string { return a.Id })
	}},
	{"offset+pagination.total/listExecutions", func(c *client.Client, limit int) ([]string, []error) {
		return collect(c.BatchExecutions.ListExecutionsIter(context.Background(), &client.ListExecutionsParams{Limit: &limit}), func(e client.BatchExecutionResponse) string { return e.Id })
	}},
	{"next_offset/listDeepTransforms", func(c *client.Client, limit int) ([]string, []error) {
		return collect(c.Documents.ListDeepTransformsIter(context.Background(), &client.ListDeepTransformsParams{Limit: &limit}), func(j client.DeepTransformJob) string { return j.JobId })
	}},
	{"continuation_token/listContent", func(c *client.Client, limit int) ([]string, []error) {
		return collect(c.FileUpload.ListContentIter(context.Background(), "ds-1", &client.ListContentParams{Limit: &limit}), func(i client.ContentItem) string { return i.Path })
	}},
	{"cursor+has_next/listDataElements", func(c *client.Client, limit int) ([]string, []error) {
		return collect(c.DataElements.ListDataElementsIter(context.Background(), "ds-1", &client.ListDataElementsParams{Limit: &limit}), func(e client.DataElementResponse) string { return e.Id })
	}},
	{"cursor+has_next/searchDataElements", func(c *client.Client, limit int) ([]string, []error) {
		return collect(c.DataElements.SearchDataElementsIter(context.Background(), "ds-1", &client.SearchDataElementsParams{Limit: &limit}, client.DataElementSearchRequest{}), func(e client.DataElementResponse) string { return e.Id })
	}},
}

func TestIteratorsSeeEveryItemOnceWithExactRequests(t *testing.T) {
	const n = 1001
	for _, st := range styles {
		for _, size := range []int{1, 7, 100, 1000} {
			t.Run(fmt.Sprintf("%s/limit=%d", st.name, size), func(t *testing.T) {
				s := &listServer{n: n}
				c := newListClient(t, s)
				ids, errs := st.run(c, size)
				if len(errs) != 0 {
					t.Fatalf("errors: %v", errs)
				}
				checkAll(t, ids, n)
				// Every style knows the last page when it sees it: no extra request.
				if want := int64((n + size - 1) / size); s.requests.Load() != want {
					t.Errorf("requests = %d, want %d", s.requests.Load(), want)
				}
			})
		}
	}
}

func TestIteratorsStopOnEmptyPage(t *testing.T) {
	// The server claims 5000 items but has 1001: the empty page ends the loop.
	s := &listServer{n: 1001, lieTotal: 5000}
	c := newListClient(t, s)
	ids, errs := styles[0].run(c, 100)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	checkAll(t, ids, 1001)
	if got := s.requests.Load(); got != 12 {
		t.Errorf("requests = %d, want 11 pages + 1 empty", got)
	}
}

func TestOffsetIteratorTrustsTotalOverCappedPageSize(t *testing.T) {
	// Asked for 1000 per page, the server sends at most 100 (and says so for
	// listAgents, not for listArtifactSchemas): the total keeps the iterator going.
	for _, st := range styles[:3] {
		t.Run(st.name, func(t *testing.T) {
			s := &listServer{n: 1001, maxPage: 100}
			c := newListClient(t, s)
			ids, errs := st.run(c, 1000)
			if len(errs) != 0 {
				t.Fatal(errs)
			}
			checkAll(t, ids, 1001)
			if got := s.requests.Load(); got != 11 {
				t.Errorf("requests = %d, want 11", got)
			}
		})
	}
}

func TestIteratorsYieldErrorOnceThenStop(t *testing.T) {
	for _, st := range styles {
		t.Run(st.name, func(t *testing.T) {
			s := &listServer{n: 1001, failAt: 3}
			c := newListClient(t, s)
			ids, errs := st.run(c, 10)
			if len(ids) != 20 {
				t.Errorf("saw %d items before the error, want 20", len(ids))
			}
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want exactly one", errs)
			}
			var apiErr *client.APIError
			if !errors.As(errs[0], &apiErr) || apiErr.StatusCode != 422 || !errors.Is(errs[0], client.ErrValidation) {
				t.Errorf("error = %v, want the 422 *APIError", errs[0])
			}
			if got := s.requests.Load(); got != 3 {
				t.Errorf("requests = %d, want 3 (none after the error)", got)
			}
		})
	}
}

func TestIteratorsBreakEarlySendsNoFurtherRequest(t *testing.T) {
	s := &listServer{n: 1001}
	c := newListClient(t, s)
	limit := 7
	seen := 0
	for _, err := range c.FileUpload.ListContentIter(context.Background(), "ds-1", &client.ListContentParams{Limit: &limit}) {
		if err != nil {
			t.Fatal(err)
		}
		seen++
		if seen == 7 { // the last item of the first page
			break
		}
	}
	for range c.Agents.ListAgentsIter(context.Background(), &client.ListAgentsParams{Limit: &limit}) {
		break
	}
	if got := s.requests.Load(); got != 2 {
		t.Errorf("requests = %d, want 2 (one page per iterator)", got)
	}
}

func TestIteratorsLoopGuard(t *testing.T) {
	t.Run("repeated continuation token", func(t *testing.T) {
		s := &listServer{n: 1001, fixedToken: "again"}
		c := newListClient(t, s)
		ids, errs := styles[4].run(c, 10)
		if len(ids) != 20 || len(errs) != 1 {
			t.Fatalf("ids=%d errs=%v, want 20 items (two pages) then one loop error", len(ids), errs)
		}
		if got := errs[0].Error(); got != `meibel: listContent: pagination loop: the server sent token "again" a second time` {
			t.Errorf("error = %q", got)
		}
		if got := s.requests.Load(); got != 2 {
			t.Errorf("requests = %d, want 2", got)
		}
	})
	t.Run("next_offset that does not advance", func(t *testing.T) {
		s := &listServer{n: 1001, fixedToken: "x"}
		c := newListClient(t, s)
		ids, errs := styles[3].run(c, 10)
		if len(ids) != 10 || len(errs) != 1 {
			t.Fatalf("ids=%d errs=%v, want one page then one loop error", len(ids), errs)
		}
		if got := s.requests.Load(); got != 1 {
			t.Errorf("requests = %d, want 1", got)
		}
	})
}

func TestIteratorsNeverMutateParamsAndKeepFilters(t *testing.T) {
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("offset") == "12" {
			io.WriteString(w, `{"data":[{"id":"c"}],"total":13,"offset":12}`)
			return
		}
		io.WriteString(w, `{"data":[{"id":"a"},{"id":"b"}],"total":13,"offset":10}`)
	}))
	defer srv.Close()
	clearEnv(t)
	c, err := client.New(client.WithAPIKey("k"), client.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	offset, limit, sortBy := 10, 2, "name"
	params := &client.ListAgentsParams{Offset: &offset, Limit: &limit, SortBy: &sortBy}
	before := *params
	ids, errs := collect(c.Agents.ListAgentsIter(context.Background(), params), func(a client.AgentSummary) string { return a.Id })
	if len(errs) != 0 || !reflect.DeepEqual(ids, []string{"a", "b", "c"}) {
		t.Fatalf("ids=%v errs=%v", ids, errs)
	}
	if *params != before || offset != 10 || limit != 2 || sortBy != "name" {
		t.Errorf("params changed: %+v (offset=%d)", *params, offset)
	}
	want := []string{"offset=10&limit=2&sort_by=name", "offset=12&limit=2&sort_by=name"}
	if !reflect.DeepEqual(queries, want) {
		t.Errorf("queries = %q, want %q", queries, want)
	}
}

func TestIteratorNilParamsAndCanceledContext(t *testing.T) {
	s := &listServer{n: 45}
	c := newListClient(t, s)
	ids, errs := collect(c.Agents.ListAgentsIter(context.Background(), nil), func(a client.AgentSummary) string { return a.Id })
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	checkAll(t, ids, 45)
	if got := s.requests.Load(); got != 3 { // server default page size 20
		t.Errorf("requests = %d, want 3", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ids, errs = collect(c.Agents.ListAgentsIter(ctx, nil), func(a client.AgentSummary) string { return a.Id })
	if len(ids) != 0 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("ids=%v errs=%v, want one context.Canceled error", ids, errs)
	}
}
