package meibeltest

import (
	"fmt"
	"sync"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// store is the server's in-memory state; mu guards everything in it.
type store struct {
	mu          sync.Mutex
	seq         int
	agents      map[string]*agent
	sessions    map[string]*session
	datasources map[string]*datasource
	elements    map[string][]*dataElement // by datasource id, in creation order
	files       fileStore                 // uploads, documents, downloads (files.go)
	policies    map[string]*executionPolicy
	artifacts   map[string]*artifactSchema
	batches     map[string]*batchDef
	executions  map[string]*execution
	scoring     []*scoringJob // in creation order (scoring.go)
	deep        []*deepJob    // deep transforms, in creation order (deeptransforms.go)
}

func newStore() *store {
	return &store{
		agents:      map[string]*agent{},
		sessions:    map[string]*session{},
		datasources: map[string]*datasource{},
		elements:    map[string][]*dataElement{},
		policies:    map[string]*executionPolicy{},
		artifacts:   map[string]*artifactSchema{},
		batches:     map[string]*batchDef{},
		executions:  map[string]*execution{},
	}
}

// next returns a new sequence number and an id with the given prefix.
func (s *store) next(prefix string) (int, string) {
	s.seq++
	return s.seq, fmt.Sprintf("%s_%06d", prefix, s.seq)
}

// orNull is a value, or JSON null when v is nil: like FastAPI, which writes
// every field of a response model and None as null, the server sends a
// nullable field it has no value for as null rather than leaving it out.
func orNull[T any](v *T) nullable.Nullable[T] {
	if v == nil {
		return nullable.NewNullNullable[T]()
	}
	return nullable.NewNullableWithValue(*v)
}

// get returns the value of a nullable that is set and not null.
func get[T any](n nullable.Nullable[T]) (T, bool) {
	v, err := n.Get()
	return v, err == nil
}

func ptr[T any](v T) *T { return &v }

func timestamp(t time.Time) string { return t.Format(time.RFC3339Nano) }

// Compile-time check: the strict server covers the generated interface.
var _ generated.StrictServerInterface = strictServer{}
