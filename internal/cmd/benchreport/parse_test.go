package main

import (
	"strings"
	"testing"
)

func TestParseAndMedian(t *testing.T) {
	out := `goos: linux
BenchmarkGetAgent-2              	   10000	    107721 ns/op	   18557 B/op	     219 allocs/op
BenchmarkGetAgent-2              	   12820	     94506 ns/op	   18554 B/op	     219 allocs/op
BenchmarkGetAgent-2              	   10000	    105976 ns/op	   18553 B/op	     219 allocs/op
BenchmarkListDataElementsGrowth/n=1000-2 	      62	  19810599 ns/op	  46.07 MB/s	         0.9127 body-MB	     19811 ns/element
BenchmarkConcurrency 1 3709547637 ns/op 5413 calls/s 88.00 conns
PASS
ok  	github.com/meibel-ai/meibel-go/client	6.842s
`
	r := results{}
	if n := r.parse(strings.NewReader(out)); n != 5 {
		t.Fatalf("parsed %d lines, want 5", n)
	}
	if m, ok := r.median("BenchmarkGetAgent", "ns/op"); !ok || m != 105976 {
		t.Errorf("median ns/op = %v, %v; want 105976", m, ok)
	}
	if m, _ := r.median("BenchmarkListDataElementsGrowth/n=1000", "ns/element"); m != 19811 {
		t.Errorf("sub-benchmark ns/element = %v, want 19811", m)
	}
	if m, _ := r.median("BenchmarkConcurrency", "conns"); m != 88 {
		t.Errorf("conns = %v, want 88 (name without -N suffix)", m)
	}
	r.parse(strings.NewReader("BenchmarkConcurrency-2 1 1 ns/op 90 conns\n"))
	if m, _ := r.median("BenchmarkConcurrency", "conns"); m != 89 {
		t.Errorf("even-count median = %v, want 89", m)
	}
	if _, ok := r.median("BenchmarkUpload", "ns/op"); ok {
		t.Error("median of an absent benchmark reported as measured")
	}
}
