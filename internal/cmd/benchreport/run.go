package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// group is a set of benchmarks compared with each other (a client benchmark
// and its baseline). Each runs in its own process, one after the other, in
// alternating order from round to round, so slow phases of a shared machine
// hit both sides alike.
type group struct {
	names     []string
	benchtime string // -test.benchtime: "1x" for the heavy, fixed-size workloads
}

// groups lists every benchmark the report knows. Benchmarks that are not in
// the source tree (for example the streaming ones before that work lands)
// are skipped and shown as absent in the report.
var groups = []group{
	{[]string{"BenchmarkGetAgent", "BenchmarkGetAgentRawBaseline"}, "1s"},
	{[]string{"BenchmarkGetAgentOverhead", "BenchmarkGetAgentOverheadRawBaseline"}, "1s"},
	{[]string{"BenchmarkListDataElements", "BenchmarkListDataElementsRawBaseline"}, "1s"},
	{[]string{"BenchmarkListDataElementsGrowth"}, "1s"}, // 100k elements take > 1 s, so run once
	{[]string{"BenchmarkConcurrency", "BenchmarkConcurrencyRawBaseline"}, "1x"},
	{[]string{"BenchmarkSSEDecode", "BenchmarkSSEDecodeNaiveBaseline"}, "1s"},
	{[]string{"BenchmarkSSEDecodeLongLine"}, "1s"},
	{[]string{"BenchmarkUpload", "BenchmarkUploadRawBaseline"}, "1x"},     // 1 GiB each
	{[]string{"BenchmarkDownload", "BenchmarkDownloadRawBaseline"}, "1x"}, // 1 GiB each
}

var benchFunc = regexp.MustCompile(`(?m)^func (Benchmark\w+)\(\w+ \*testing\.B\)`)

// discover maps each benchmark function name in the module's test files to
// its package import path.
func discover() (map[string]string, error) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{.Dir}}|{{join .TestGoFiles ","}},{{join .XTestGoFiles ","}}`, "./...").Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	found := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			continue
		}
		for _, f := range strings.Split(parts[2], ",") {
			if f == "" {
				continue
			}
			src, err := os.ReadFile(filepath.Join(parts[1], f))
			if err != nil {
				return nil, err
			}
			for _, m := range benchFunc.FindAllSubmatch(src, -1) {
				found[string(m[1])] = parts[0]
			}
		}
	}
	return found, nil
}

// runner builds each package's test binary once and runs benchmarks in it.
type runner struct {
	dir     string            // temporary directory for the binaries
	bins    map[string]string // import path → test binary
	raw     io.Writer         // every benchmark output line, for benchstat
	results results
	log     io.Writer
}

func (r *runner) binary(pkg string) (string, error) {
	if bin, ok := r.bins[pkg]; ok {
		return bin, nil
	}
	bin := filepath.Join(r.dir, fmt.Sprintf("pkg%d.test", len(r.bins)))
	fmt.Fprintf(r.log, "building %s\n", pkg)
	cmd := exec.Command("go", "test", "-c", "-o", bin, pkg)
	cmd.Stdout, cmd.Stderr = r.log, r.log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go test -c %s: %w", pkg, err)
	}
	r.bins[pkg] = bin
	return bin, nil
}

// run runs one benchmark once (one process) and records its results.
func (r *runner) run(pkg, name, benchtime string) error {
	bin, err := r.binary(pkg)
	if err != nil {
		return err
	}
	start := time.Now()
	var out bytes.Buffer
	cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", "^"+name+"$", "-test.benchmem",
		"-test.benchtime", benchtime, "-test.count", "1", "-test.timeout", "8m")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s in %s: %w\n%s", name, pkg, err, out.String())
	}
	if r.raw != nil {
		r.raw.Write(out.Bytes())
	}
	if r.results.parse(bytes.NewReader(out.Bytes())) == 0 {
		return fmt.Errorf("%s in %s: no benchmark result in the output:\n%s", name, pkg, out.String())
	}
	fmt.Fprintf(r.log, "  %-40s %6.1fs\n", name, time.Since(start).Seconds())
	return nil
}
