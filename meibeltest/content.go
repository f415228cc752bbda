package meibeltest

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// maxContentPage caps the limit of content listings (the spec's default,
// and object storage's usual page size).
const maxContentPage = 1000

// contentObjects returns a datasource's stored content as object storage
// lists it: one object per path (a later upload of the same name replaces
// the earlier one), sorted by path.
func contentObjects(uploads []*storedFile) []*storedFile {
	byPath := map[string]*storedFile{}
	for _, f := range uploads {
		byPath[f.name] = f
	}
	out := make([]*storedFile, 0, len(byPath))
	for _, f := range byPath {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *storedFile) int { return strings.Compare(a.name, b.name) })
	return out
}

func (f *storedFile) contentItem() generated.ContentItem {
	sum := md5.Sum(f.data)
	item := generated.ContentItem{
		Name: f.name, Path: f.name, Type: nullable.NewNullableWithValue("file"),
		Size:         nullable.NewNullableWithValue(int(f.size)),
		LastModified: nullable.NewNullableWithValue(timestamp(f.uploaded)),
		Etag:         nullable.NewNullableWithValue(hex.EncodeToString(sum[:])),
	}
	if f.contentType != "" {
		item.MediaType = nullable.NewNullableWithValue(f.contentType)
	}
	return item
}

// Continuation tokens are opaque to clients: base64 of "after:<path>", the
// last path of the previous page. Like object storage's start-after key, a
// token stays valid while content is added or replaced.
func encodeContentToken(after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("after:" + after))
}

func decodeContentToken(tok *string) (string, bool, error) {
	if tok == nil || *tok == "" {
		return "", false, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*tok)
	if after, ok := strings.CutPrefix(string(raw), "after:"); err == nil && ok {
		return after, true, nil
	}
	return "", false, invalid("invalid continuation token: pass continuation_token from the previous page", "query", "continuation_token")
}

// ListContent lists the datasource's uploaded content, sorted by path, whose
// path starts with prefix. It pages by limit (default and maximum 1000;
// below 1 is a 422) and continuation_token; every page but the last carries
// a continuation_token, the last one has null.
func (h *handlers) ListContent(_ context.Context, req generated.ListContentRequestObject) (generated.ListContentResponseObject, error) {
	p := req.Params
	after, resume, err := decodeContentToken(p.ContinuationToken)
	if err != nil {
		return nil, err
	}
	limit := maxContentPage
	if p.Limit != nil {
		if *p.Limit < 1 {
			return nil, invalid("Input should be greater than or equal to 1", "query", "limit")
		}
		limit = min(*p.Limit, maxContentPage)
	}
	prefix := ""
	if p.Prefix != nil {
		prefix = *p.Prefix
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.datasource(req.DatasourceId); err != nil {
		return nil, err
	}
	h.files.init()
	var matched []*storedFile
	for _, f := range contentObjects(h.files.content[req.DatasourceId]) {
		if strings.HasPrefix(f.name, prefix) && (!resume || f.name > after) {
			matched = append(matched, f)
		}
	}
	out := generated.ListContentResponse{Items: []generated.ContentItem{},
		ContinuationToken: nullable.NewNullNullable[string]()}
	for _, f := range matched[:min(limit, len(matched))] {
		out.Items = append(out.Items, f.contentItem())
	}
	if len(matched) > limit {
		out.ContinuationToken = nullable.NewNullableWithValue(encodeContentToken(matched[limit-1].name))
	}
	return generated.ListContent200JSONResponse(out), nil
}
