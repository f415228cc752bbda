package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestReportVerdicts(t *testing.T) {
	r := results{}
	r.parse(strings.NewReader(`
BenchmarkGetAgent-2 1000 110 ns/op 220 allocs/op
BenchmarkGetAgentRawBaseline-2 1000 100 ns/op 199 allocs/op
BenchmarkListDataElements-2 5 130 ns/op 1.5 peak-heap/body
BenchmarkListDataElementsRawBaseline-2 5 100 ns/op 2.5 peak-heap/body
BenchmarkConcurrency-2 1 1 ns/op 88 conns 0 errors
`))
	var b bytes.Buffer
	met, checked := writeTable(&b, rows(r))
	out := b.String()
	for _, want := range []string{
		"| Small call (getAgent): time | 110 ns/op | 100 | 1.10× | ≤ 1.25× raw | yes |",
		"| Large list (10,000 elements): time | 130 ns/op | 100 | 1.30× | ≤ 1.15× raw | **no** |",
		"| Large list: peak heap ÷ body size | 1.5 peak-heap/body | 2.5 | 0.60× | ≤ 2 | yes |",
		"| Concurrency: TCP connections accepted | 88 conns | — | — | ≤ 72 | **no** |",
		"| Concurrency: errors | 0 errors | — | — | 0 | yes |",
		"| Upload 1 GiB: throughput | — | — | — | ≥ 0.9× raw | not measured |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if met != 3 || checked != 5 {
		t.Errorf("met %d of %d, want 3 of 5", met, checked)
	}
}
