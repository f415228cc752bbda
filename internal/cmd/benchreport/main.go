// Command benchreport runs the client's benchmarks and writes BENCHMARKS.md.
//
// It builds each package's test binary once, then runs every known benchmark
// (see groups) -rounds times, each in its own process, alternating the order
// of a benchmark and its baseline from round to round, and reports medians.
// The headline is the ratio of each client figure to its baseline measured
// on the same machine in the same run; absolute times are noisy on shared
// machines. Benchmarks absent from the source tree are reported as absent.
//
//	go run ./internal/cmd/benchreport [-rounds 7] [-out BENCHMARKS.md] [-raw bench.txt]
//
// The -raw file holds every benchmark output line, in the format benchstat reads.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

func main() {
	rounds := flag.Int("rounds", 7, "runs of each benchmark; the report shows medians")
	outPath := flag.String("out", "BENCHMARKS.md", "report to write")
	rawPath := flag.String("raw", "", "also write the raw go test -bench output here (benchstat format)")
	only := flag.String("only", "", "run only benchmarks whose name contains this (for a quick look)")
	flag.Parse()
	if err := run(*rounds, *outPath, *rawPath, *only); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(rounds int, outPath, rawPath, only string) error {
	if rounds < 1 {
		return fmt.Errorf("-rounds must be at least 1")
	}
	start := time.Now()
	load0 := loadavg()
	found, err := discover()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "benchreport")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	rn := &runner{dir: dir, bins: map[string]string{}, results: results{}, log: os.Stderr}
	var raw bytes.Buffer
	if rawPath != "" {
		rn.raw = &raw
	}
	var absent []string
	for _, g := range groups {
		for _, name := range g.names {
			if _, ok := found[name]; !ok {
				absent = append(absent, name)
			}
		}
	}
	for round := range rounds {
		fmt.Fprintf(os.Stderr, "round %d/%d\n", round+1, rounds)
		for _, g := range groups {
			names := slices.Clone(g.names)
			if round%2 == 1 {
				slices.Reverse(names)
			}
			for _, name := range names {
				pkg, ok := found[name]
				if !ok || !strings.Contains(name, only) {
					continue
				}
				if err := rn.run(pkg, name, g.benchtime); err != nil {
					return err
				}
			}
		}
	}
	if rawPath != "" {
		if err := os.WriteFile(rawPath, raw.Bytes(), 0o644); err != nil {
			return err
		}
	}
	var md bytes.Buffer
	writeReport(&md, rn.results, reportInfo{
		rounds: rounds, absent: absent, took: time.Since(start), load0: load0, load1: loadavg(),
	})
	if err := os.WriteFile(outPath, md.Bytes(), 0o644); err != nil {
		return err
	}
	// Print the figures too (the headline table, up to the first section).
	headline := md.String()
	if i := strings.Index(headline, "\n## "); i > 0 {
		headline = headline[:i+1]
	}
	fmt.Print(headline)
	fmt.Fprintf(os.Stderr, "wrote %s in %s\n", outPath, time.Since(start).Round(time.Second))
	return nil
}

type reportInfo struct {
	rounds       int
	absent       []string
	took         time.Duration
	load0, load1 string
}

func writeReport(w io.Writer, r results, info reportInfo) {
	fmt.Fprintf(w, "# Benchmarks\n\n")
	fmt.Fprintf(w, "Written by `make bench` (`go run ./internal/cmd/benchreport`). Every figure is the median of %d runs; "+
		"each benchmark ran in its own process, alternating with its baseline from round to round. "+
		"Baselines are hand-written `net/http` + `json.Decoder` code (or the naive equivalent) measured on the same "+
		"loopback server in the same run, so **the ratio is the headline**: absolute numbers depend on the machine and its load.\n\n", info.rounds)
	met, checked := writeTable(w, rows(r))
	fmt.Fprintf(w, "\n%d of %d checked targets met.", met, checked)
	if len(info.absent) > 0 {
		fmt.Fprintf(w, " Not in this source tree (not measured): %s.", strings.Join(info.absent, ", "))
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "\n## What each benchmark does\n\n")
	for _, line := range []string{
		"`BenchmarkGetAgent` / `…RawBaseline`: one `getAgent` call (~1.5 KB JSON) at a time over a kept-alive loopback connection, decoded into `AgentDetailResponse`.",
		"`BenchmarkGetAgentOverhead` / `…RawBaseline`: the same call over an in-memory transport, isolating the client's own per-call cost (most of what remains is decoding `AgentDetailResponse`, the same on both sides).",
		"`BenchmarkListDataElements` / `…RawBaseline`: `listDataElements` returning 10,000 elements (~9 MB JSON) decoded into `DataElementListResponse`. Peak heap is sampled with `runtime/metrics` (`/memory/classes/heap/objects:bytes`, every 100 µs) during one extra call, above a base taken after a GC, with the result kept alive; \"decoded result\" is what is still live after a GC, \"beyond the result\" is peak minus that.",
		"`BenchmarkListDataElementsGrowth/n=…`: the client's list call at 1k, 10k and 100k elements of the same shape.",
		"`BenchmarkConcurrency` / `…RawBaseline`: 64 goroutines share 20,000 `getAgent` calls through one new client with the default transport; connections are counted on the server with a `ConnState` hook; goroutines are counted again after the server closes every connection.",
		"`BenchmarkSSEDecode`, `BenchmarkUpload`, `BenchmarkDownload` and their baselines: the streaming benchmarks (see their doc comments). `BenchmarkSSEDecodeLongLine`: one 8 MiB `data:` line arriving in 16 KiB reads (the decoder has no line cap and searches each byte once).",
	} {
		fmt.Fprintf(w, "- %s\n", line)
	}

	fmt.Fprintf(w, "\n## All medians\n\n| Benchmark | Unit | Median | Min | Max | Runs |\n|---|---|---:|---:|---:|---:|\n")
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		units := make([]string, 0, len(r[n]))
		for u := range r[n] {
			units = append(units, u)
		}
		slices.Sort(units)
		for _, u := range units {
			m, _ := r.median(n, u)
			lo, hi := r.spread(n, u)
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d |\n", n, u, num(value{m, true, u}), num(value{lo, true, u}), num(value{hi, true, u}), len(r[n][u]))
		}
	}

	fmt.Fprintf(w, "\n## How to reproduce\n\n")
	fmt.Fprintf(w, "- Whole report: `make bench` (or `go run ./internal/cmd/benchreport -rounds %d -out BENCHMARKS.md -raw bench.txt`; `-raw` keeps the raw lines for `benchstat`).\n", info.rounds)
	fmt.Fprintf(w, "- One pair by hand: `go test -run '^$' -bench '^BenchmarkGetAgent' -benchmem -count 5 ./client`.\n")
	fmt.Fprintf(w, "- Heavy fixed-size workloads run once per process: `go test -run '^$' -bench '^BenchmarkConcurrency' -benchtime 1x -count 5 ./client`.\n")
	fmt.Fprintf(w, "- Only part of the report: `go run ./internal/cmd/benchreport -only GetAgent -rounds 3 -out /tmp/b.md`.\n")

	fmt.Fprintf(w, "\n## Machine\n\n")
	fmt.Fprintf(w, "- %s, %s/%s, %d CPUs (GOMAXPROCS %d), %s RAM\n", cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), memTotal())
	fmt.Fprintf(w, "- %s; run took %s on %s\n", goVersion(), info.took.Round(time.Second), time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- load average at start: %s; at end: %s. A load near or above the CPU count means other work shared the machine: absolute figures are then pessimistic, ratios much less affected.\n", info.load0, info.load1)
}

func goVersion() string {
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	var kb int64
	for _, line := range strings.Split(string(b), "\n") {
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
			return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
		}
	}
	return "unknown"
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
