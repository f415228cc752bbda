package main

import (
	"reflect"
	"strings"
	"testing"
)

// The pagination style of every list operation is read from the spec; this
// pins what api-v2.json 0.6.4 yields so that a change is a conscious one.
func TestFindPaginatedReadsStylesFromTheSpec(t *testing.T) {
	ops, err := loadOperations("../../../api-v2.json")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := findPaginated(ops)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range pages {
		desc := p.style + " " + p.pageParam + " items=" + p.items
		for _, f := range []struct {
			k string
			v []string
		}{{"total", p.total}, {"next", p.next}, {"token", p.token}, {"has_next", p.hasNext}} {
			if f.v != nil {
				desc += " " + f.k + "=" + strings.Join(f.v, ".")
			}
		}
		got[p.op.ID] = desc
	}
	want := map[string]string{
		"listAgents":          "offset offset items=data total=total",
		"listAgentVersions":   "offset offset items=data total=total",
		"listSessions":        "offset offset items=data total=total",
		"listArtifactSchemas": "offset offset items=data total=total",
		"listBatches":         "offset offset items=data total=pagination.total",
		"listBatchVersions":   "offset offset items=data total=pagination.total",
		"listExecutions":      "offset offset items=data total=pagination.total",
		"listDeepTransforms":  "next_offset offset items=jobs next=next_offset",
		"listContent":         "token continuation_token items=items token=continuation_token",
		"listDataElements":    "token cursor items=items token=next_cursor has_next=has_next",
		"searchDataElements":  "token cursor items=items token=next_cursor has_next=has_next",
	}
	if !reflect.DeepEqual(got, want) {
		for id, d := range got {
			if want[id] != d {
				t.Errorf("%s: got %q, want %q", id, d, want[id])
			}
		}
		for id := range want {
			if _, ok := got[id]; !ok {
				t.Errorf("%s: not detected as paginated", id)
			}
		}
	}
}
