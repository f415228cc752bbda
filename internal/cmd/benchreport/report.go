package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// value is one figure of the report: a median, possibly derived.
type value struct {
	v    float64
	ok   bool
	unit string
}

func (r results) get(bench string, units ...string) value {
	for _, u := range units {
		if m, ok := r.median(bench, u); ok {
			return value{m, true, u}
		}
	}
	return value{}
}

// perElement divides bench's B/op by its element count.
func (r results) perElement(bench string, n float64, unit string) value {
	v := r.get(bench, unit)
	if !v.ok {
		return v
	}
	return value{v.v / n, true, strings.TrimSuffix(unit, "/op") + "/element"}
}

// row is one line of the headline table.
type row struct {
	figure   string
	client   value
	baseline value  // zero when the figure has no baseline
	target   string // what the issue asks for
	// check says whether the target is met; ratio is client/baseline when
	// there is a baseline. nil: reported only.
	check func(client, baseline value) bool
}

func ratioAtMost(max float64) func(c, b value) bool {
	return func(c, b value) bool { return b.ok && c.v/b.v <= max }
}

func ratioAtLeast(min float64) func(c, b value) bool {
	return func(c, b value) bool { return b.ok && c.v/b.v >= min }
}

func atMost(max float64) func(c, b value) bool {
	return func(c, _ value) bool { return c.v <= max }
}

func lessThanBaseline(c, b value) bool { return b.ok && c.v < b.v }

// rows builds the headline table from the medians.
func rows(r results) []row {
	const list = "BenchmarkListDataElements"
	listBase := list + "RawBaseline"
	g := func(n int) string { return fmt.Sprintf("BenchmarkListDataElementsGrowth/n=%d", n) }
	out := []row{
		{"Small call (getAgent): time", r.get("BenchmarkGetAgent", "ns/op"), r.get("BenchmarkGetAgentRawBaseline", "ns/op"), "≤ 1.25× raw", ratioAtMost(1.25)},
		{"Small call: allocations", r.get("BenchmarkGetAgent", "allocs/op"), r.get("BenchmarkGetAgentRawBaseline", "allocs/op"), "report", nil},
		{"Small call: bytes allocated", r.get("BenchmarkGetAgent", "B/op"), r.get("BenchmarkGetAgentRawBaseline", "B/op"), "report", nil},
		{"Small call without network (in-memory transport): time", r.get("BenchmarkGetAgentOverhead", "ns/op"), r.get("BenchmarkGetAgentOverheadRawBaseline", "ns/op"), "report", nil},
		{"Small call without network: allocations", r.get("BenchmarkGetAgentOverhead", "allocs/op"), r.get("BenchmarkGetAgentOverheadRawBaseline", "allocs/op"), "report", nil},
		{"Large list (10,000 elements): time", r.get(list, "ns/op"), r.get(listBase, "ns/op"), "≤ 1.15× raw", ratioAtMost(1.15)},
		{"Large list: body size", r.get(list, "body-MB"), value{}, "~10 MB", nil},
		{"Large list: peak heap ÷ body size", r.get(list, "peak-heap/body"), r.get(listBase, "peak-heap/body"), "≤ 2", atMost(2)},
		{"Large list: peak heap", r.get(list, "peak-heap-MiB"), r.get(listBase, "peak-heap-MiB"), "report", nil},
		{"Large list: decoded result ÷ body size", r.get(list, "result-heap/body"), r.get(listBase, "result-heap/body"), "report", nil},
		{"Large list: peak heap beyond the result ÷ body size", r.get(list, "decode-heap/body"), r.get(listBase, "decode-heap/body"), "report", nil},
		{"Concurrency (64 goroutines, 20,000 calls): calls/s", r.get("BenchmarkConcurrency", "calls/s"), r.get("BenchmarkConcurrencyRawBaseline", "calls/s"), "report", nil},
		{"Concurrency: p50 latency (µs)", r.get("BenchmarkConcurrency", "p50-µs"), r.get("BenchmarkConcurrencyRawBaseline", "p50-µs"), "report", nil},
		{"Concurrency: p99 latency (µs)", r.get("BenchmarkConcurrency", "p99-µs"), r.get("BenchmarkConcurrencyRawBaseline", "p99-µs"), "report", nil},
		{"Concurrency: TCP connections accepted", r.get("BenchmarkConcurrency", "conns"), r.get("BenchmarkConcurrencyRawBaseline", "conns"), "≤ 72", atMost(72)},
		{"Concurrency: connections closed during the run", r.get("BenchmarkConcurrency", "conns-closed"), r.get("BenchmarkConcurrencyRawBaseline", "conns-closed"), "report (std transport: hundreds)", nil},
		{"Concurrency: errors", r.get("BenchmarkConcurrency", "errors"), r.get("BenchmarkConcurrencyRawBaseline", "errors"), "0", atMost(0)},
		{"Concurrency: goroutine growth after the run", r.get("BenchmarkConcurrency", "goroutine-growth"), r.get("BenchmarkConcurrencyRawBaseline", "goroutine-growth"), "0", atMost(0)},
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		out = append(out,
			row{fmt.Sprintf("Cost growth, %d elements: ns/element", n), r.get(g(n), "ns/element"), value{}, "flat", nil},
			row{fmt.Sprintf("Cost growth, %d elements: B/element", n), r.perElement(g(n), float64(n), "B/op"), value{}, "flat", nil})
	}
	out = append(out,
		row{"Cost growth: ns/element at 100k ÷ at 1k", r.get(g(100_000), "ns/element"), r.get(g(1_000), "ns/element"), "≤ 1.5 (linear)", ratioAtMost(1.5)},
		row{"Cost growth: B/element at 100k ÷ at 1k", r.perElement(g(100_000), 100_000, "B/op"), r.perElement(g(1_000), 1_000, "B/op"), "≤ 1.1 (linear)", ratioAtMost(1.1)},
		row{"SSE decode: throughput", r.get("BenchmarkSSEDecode", "events/s", "MB/s"), r.get("BenchmarkSSEDecodeNaiveBaseline", "events/s", "MB/s"), "≥ 1× naive", ratioAtLeast(1)},
		row{"SSE decode: allocations", r.get("BenchmarkSSEDecode", "allocs/event", "allocs/op"), r.get("BenchmarkSSEDecodeNaiveBaseline", "allocs/event", "allocs/op"), "< naive", lessThanBaseline},
		row{"SSE decode, one 8 MiB data line in 16 KiB reads: throughput", r.get("BenchmarkSSEDecodeLongLine", "MB/s"), value{}, "report (linear, no line cap)", nil},
		row{"Upload 1 GiB: throughput", r.get("BenchmarkUpload", "MB/s"), r.get("BenchmarkUploadRawBaseline", "MB/s"), "≥ 0.9× raw", ratioAtLeast(0.9)},
		row{"Upload 1 GiB: peak heap (MiB)", r.get("BenchmarkUpload", "peak-heap-MiB"), r.get("BenchmarkUploadRawBaseline", "peak-heap-MiB"), "≤ 32", atMost(32)},
		row{"Download 1 GiB: throughput", r.get("BenchmarkDownload", "MB/s"), r.get("BenchmarkDownloadRawBaseline", "MB/s"), "≥ 0.9× raw", ratioAtLeast(0.9)},
		row{"Download 1 GiB: peak heap (MiB)", r.get("BenchmarkDownload", "peak-heap-MiB"), r.get("BenchmarkDownloadRawBaseline", "peak-heap-MiB"), "≤ 32", atMost(32)},
	)
	return out
}

func num(v value) string {
	if !v.ok {
		return "—"
	}
	a := math.Abs(v.v)
	switch {
	case a == math.Trunc(a) || a >= 1000:
		return fmt.Sprintf("%.0f", v.v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v.v)
	default:
		return fmt.Sprintf("%.3g", v.v)
	}
}

// writeTable writes the headline table; it returns how many targets were
// met and how many were checked.
func writeTable(w io.Writer, rs []row) (met, checked int) {
	fmt.Fprintln(w, "| Figure | Client | Baseline | Ratio | Target | Met? |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---|")
	for _, rw := range rs {
		unit := rw.client.unit
		ratio := "—"
		if rw.client.ok && rw.baseline.ok && rw.baseline.v != 0 {
			ratio = fmt.Sprintf("%.2f×", rw.client.v/rw.baseline.v)
		}
		verdict := "report"
		switch {
		case !rw.client.ok:
			verdict = "not measured"
		case rw.check != nil:
			checked++
			if rw.check(rw.client, rw.baseline) {
				met++
				verdict = "yes"
			} else {
				verdict = "**no**"
			}
		}
		if unit != "" {
			unit = " " + unit
		}
		fmt.Fprintf(w, "| %s | %s%s | %s | %s | %s | %s |\n", rw.figure, num(rw.client), unit, num(rw.baseline), ratio, rw.target, verdict)
	}
	return met, checked
}
