package main

import (
	"bufio"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// results holds every value measured: benchmark name (without the
// -GOMAXPROCS suffix) → unit → one value per run.
type results map[string]map[string][]float64

// benchLine matches "BenchmarkName-2   <iterations>   <value> <unit> ...".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// parse adds the benchmark result lines of go test -bench output to r and
// returns how many it found. Other lines are ignored.
func (r results) parse(out io.Reader) int {
	n := 0
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		fields := strings.Fields(m[3])
		if len(fields) < 2 {
			continue
		}
		units := r[m[1]]
		if units == nil {
			units = map[string][]float64{}
			r[m[1]] = units
		}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				break
			}
			units[fields[i+1]] = append(units[fields[i+1]], v)
		}
		n++
	}
	return n
}

// median of bench's unit, and whether it was measured.
func (r results) median(bench, unit string) (float64, bool) {
	vs := r[bench][unit]
	if len(vs) == 0 {
		return 0, false
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

// spread is the min and max of bench's unit.
func (r results) spread(bench, unit string) (lo, hi float64) {
	vs := r[bench][unit]
	return slices.Min(vs), slices.Max(vs)
}
