package meibeltest

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// maxElementPage caps the limit of data element listings.
const maxElementPage = 1000

// dataElement is one piece of ingested content.
type dataElement struct {
	id, datasourceID, name, mediaType string
	createdAt, updatedAt              string
	description                       *string
	metadata                          map[string]any // nil: null
}

var seedTypes = []struct{ ext, mediaType string }{
	{"txt", "text/plain"}, {"pdf", "application/pdf"}, {"csv", "text/csv"}, {"md", "text/markdown"},
}

// SeedDataElements adds n deterministic data elements to an existing
// datasource (names doc-00001.txt, doc-00002.pdf, ..., media types rotating
// through text/plain, application/pdf, text/csv, text/markdown). It returns
// an error when the datasource does not exist or n is negative.
func (s *Server) SeedDataElements(datasourceID string, n int) error {
	if n < 0 {
		return fmt.Errorf("meibeltest: SeedDataElements: n = %d, want >= 0", n)
	}
	st := s.store
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, err := st.datasource(datasourceID); err != nil {
		return fmt.Errorf("meibeltest: SeedDataElements: %w", err)
	}
	have := len(st.elements[datasourceID])
	t := timestamp(now())
	for i := have + 1; i <= have+n; i++ {
		kind := seedTypes[(i-1)%len(seedTypes)]
		_, id := st.next("de")
		st.elements[datasourceID] = append(st.elements[datasourceID], &dataElement{
			id: id, datasourceID: datasourceID, name: fmt.Sprintf("doc-%05d.%s", i, kind.ext),
			mediaType: kind.mediaType, createdAt: t, updatedAt: t, metadata: map[string]any{"index": i},
		})
	}
	return nil
}

func (e *dataElement) response() generated.DataElementResponse {
	r := generated.DataElementResponse{
		Id: e.id, DatasourceId: e.datasourceID, Name: e.name, Description: orNull(e.description),
		MediaType: nullable.NewNullableWithValue(e.mediaType), Metadata: nullable.NewNullNullable[map[string]any](),
		CreatedAt: nullable.NewNullableWithValue(e.createdAt), UpdatedAt: nullable.NewNullableWithValue(e.updatedAt),
	}
	if e.metadata != nil {
		r.Metadata = nullable.NewNullableWithValue(e.metadata)
	}
	return r
}

// Cursors are opaque to clients: base64 of "offset:N".
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(c *string) (int, error) {
	if c == nil || *c == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*c)
	if s, ok := strings.CutPrefix(string(raw), "offset:"); err == nil && ok {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, invalid("invalid cursor: pass next_cursor from the previous page", "query", "cursor")
}

// elementPage pages list with cursor/limit (default 100, at most 1000).
func elementPage(list []*dataElement, cursor *string, limit *int) (generated.DataElementListResponse, error) {
	off, err := decodeCursor(cursor)
	if err != nil {
		return generated.DataElementListResponse{}, err
	}
	if limit != nil && *limit > maxElementPage {
		limit = ptr(maxElementPage)
	}
	w, err := window(len(list), &off, limit, 100)
	if err != nil {
		return generated.DataElementListResponse{}, err
	}
	items := make([]generated.DataElementResponse, 0, w.hi-w.lo)
	for _, e := range list[w.lo:w.hi] {
		items = append(items, e.response())
	}
	out := generated.DataElementListResponse{Items: items, HasNext: ptr(w.hi < len(list)),
		NextCursor: nullable.NewNullNullable[string]()}
	if w.hi < len(list) {
		out.NextCursor = nullable.NewNullableWithValue(encodeCursor(w.hi))
	}
	return out, nil
}

// ListDataElements pages a datasource's elements in creation order.
func (h *handlers) ListDataElements(_ context.Context, req generated.ListDataElementsRequestObject) (generated.ListDataElementsResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.datasource(req.DatasourceId); err != nil {
		return nil, err
	}
	page, err := elementPage(h.elements[req.DatasourceId], req.Params.Cursor, req.Params.Limit)
	if err != nil {
		return nil, err
	}
	return generated.ListDataElements200JSONResponse(page), nil
}

// SearchDataElements pages the elements whose name matches regex_filter (Go
// regexp syntax) and whose media type is one of media_type_filters ("text/*"
// matches a whole type).
func (h *handlers) SearchDataElements(_ context.Context, req generated.SearchDataElementsRequestObject) (generated.SearchDataElementsResponseObject, error) {
	var re *regexp.Regexp
	if pattern, ok := get(req.Body.RegexFilter); ok {
		var err error
		if re, err = regexp.Compile(pattern); err != nil {
			return nil, invalid("invalid regular expression: "+err.Error(), "body", "regex_filter")
		}
	}
	types := req.Body.MediaTypeFilters.GetOrEmpty()
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.datasource(req.DatasourceId); err != nil {
		return nil, err
	}
	var hits []*dataElement
	for _, e := range h.elements[req.DatasourceId] {
		if re != nil && !re.MatchString(e.name) {
			continue
		}
		if len(types) > 0 && !slices.ContainsFunc(types, func(t string) bool { return mediaTypeMatches(t, e.mediaType) }) {
			continue
		}
		hits = append(hits, e)
	}
	page, err := elementPage(hits, req.Params.Cursor, req.Params.Limit)
	if err != nil {
		return nil, err
	}
	return generated.SearchDataElements200JSONResponse(page), nil
}

func mediaTypeMatches(filter, mediaType string) bool {
	if prefix, ok := strings.CutSuffix(filter, "/*"); ok {
		return strings.HasPrefix(mediaType, prefix+"/")
	}
	return strings.EqualFold(filter, mediaType)
}

// element returns one element of a datasource (404 for either missing).
func (s *store) element(datasourceID, elementID string) (*dataElement, error) {
	if _, err := s.datasource(datasourceID); err != nil {
		return nil, err
	}
	for _, e := range s.elements[datasourceID] {
		if e.id == elementID {
			return e, nil
		}
	}
	return nil, notFound("data element %q not found in datasource %q", elementID, datasourceID)
}

// GetDataElement returns one element of a datasource.
func (h *handlers) GetDataElement(_ context.Context, req generated.GetDataElementRequestObject) (generated.GetDataElementResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, err := h.element(req.DatasourceId, req.DataElementId)
	if err != nil {
		return nil, err
	}
	return generated.GetDataElement200JSONResponse(e.response()), nil
}

// UpdateDataElement changes the fields present in the body and bumps
// updated_at. Absent fields are unchanged. A null description is cleared
// (and then absent from responses); a null metadata is cleared to null; a
// metadata object replaces the whole metadata (PUT, not a merge). A null or
// blank name is a 422: an element always has a name.
func (h *handlers) UpdateDataElement(_ context.Context, req generated.UpdateDataElementRequestObject) (generated.UpdateDataElementResponseObject, error) {
	b := req.Body
	if b.Name.IsNull() {
		return nil, invalid("Input should be a valid string", "body", "name")
	}
	name, rename := get(b.Name)
	if rename && strings.TrimSpace(name) == "" {
		return nil, invalid("String should have at least 1 character", "body", "name")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	e, err := h.element(req.DatasourceId, req.DataElementId)
	if err != nil {
		return nil, err
	}
	if rename {
		e.name = name
	}
	if b.Description.IsSpecified() {
		e.description = nil
		if d, ok := get(b.Description); ok {
			e.description = &d
		}
	}
	if b.Metadata.IsSpecified() {
		e.metadata = nil
		if m, ok := get(b.Metadata); ok {
			e.metadata = m
			if m == nil {
				e.metadata = map[string]any{}
			}
		}
	}
	e.updatedAt = timestamp(now())
	return generated.UpdateDataElement200JSONResponse(e.response()), nil
}
