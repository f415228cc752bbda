package meibeltest

import (
	"net/http"
	"sync"

	"github.com/meibel-ai/meibel-go/internal/contract"
)

// router is the generated.ServeMux the generated handlers register on.
//
// net/http's ServeMux cannot take the spec's routes: it panics on
// "GET /v2/datasources/uploads/{upload_id}/progress" against
// "GET /v2/datasources/{datasource_id}/data-elements/{data_element_id}"
// (both match /v2/datasources/uploads/data-elements/progress). router
// dispatches with the contract's route finder instead, which matches escaped
// segments and prefers literals, and sets the path values the generated
// wrappers read with r.PathValue.
type router struct {
	v        *contract.Validator
	mu       sync.RWMutex
	handlers map[string]http.HandlerFunc
}

func newRouter(v *contract.Validator) *router {
	return &router{v: v, handlers: map[string]http.HandlerFunc{}}
}

// HandleFunc registers a handler for a "METHOD /v2/path/{param}" pattern.
func (rt *router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.handlers[pattern] = h
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, pattern, params, err := rt.v.Route(r)
	rt.mu.RLock()
	h := rt.handlers[pattern]
	rt.mu.RUnlock()
	if err != nil || h == nil {
		contract.WriteDetail(w, http.StatusNotFound, "Not Found")
		return
	}
	for k, val := range params {
		r.SetPathValue(k, val)
	}
	h(w, r)
}
