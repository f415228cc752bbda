// Command faults runs the fault-injection suite (internal/faultsuite) and
// ends with its one-line summary:
//
//	faults: K kinds, C cases, P passed, 0 leaked keys, 0 leaked goroutines
//
// It exits non-zero when a case fails, the API key or a goroutine leaked, or
// the suite did not run. go test's output is shown on failure, or with -v.
//
// Usage (from the module): go run ./internal/cmd/faults [-v] [-race]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/meibel-ai/meibel-go/internal/faultsuite"
)

var summaryRE = regexp.MustCompile(`^faults: (\d+) kinds, (\d+) cases, (\d+) passed, (\d+) leaked keys, (\d+) leaked goroutines$`)

func main() {
	verbose := flag.Bool("v", false, "show go test's output even when the suite passes")
	race := flag.Bool("race", false, "run the suite with the race detector")
	flag.Parse()
	os.Exit(run(*verbose, *race))
}

func run(verbose, race bool) int {
	f, err := os.CreateTemp("", "meibel-faults-*.txt")
	if err != nil {
		fmt.Fprintln(os.Stderr, "faults:", err)
		return 2
	}
	path := f.Name()
	f.Close()
	defer os.Remove(path)

	args := []string{"test", "-count=1", "-run", "^TestFaults$"}
	if race {
		args = append(args, "-race")
	}
	if verbose {
		args = append(args, "-v")
	}
	args = append(args, "github.com/meibel-ai/meibel-go/internal/faultsuite")
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), faultsuite.SummaryEnv+"="+path)
	out, testErr := cmd.CombinedOutput()
	if testErr != nil || verbose {
		os.Stderr.Write(out)
	}

	raw, _ := os.ReadFile(path)
	line := strings.TrimSpace(string(raw))
	m := summaryRE.FindStringSubmatch(line)
	if m == nil {
		fmt.Printf("faults: no summary: the suite did not run (%v)\n", testErr)
		return 1
	}
	fmt.Println(line)
	if testErr != nil || m[2] != m[3] || m[4] != "0" || m[5] != "0" {
		return 1
	}
	return 0
}
