// Command demo runs a real multi-step scenario with the Meibel v2 Go client.
//
// With no MEIBEL_API_KEY in the environment it starts the in-memory local
// Meibel server (package meibeltest) on a free loopback port and runs against
// it. With MEIBEL_API_KEY set (and optionally MEIBEL_BASE_URL or
// MEIBEL_ENVIRONMENT) it runs the same scenario against that server.
// It exits non-zero if any step fails.
//
//	go run ./cmd/demo        # or: make demo
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/meibel-ai/meibel-go/client"
	"github.com/meibel-ai/meibel-go/meibeltest"
)

// state is what the steps share: the client and the ids they create.
type state struct {
	c            *client.Client
	local        *meibeltest.Server // nil when running against a real server
	out          io.Writer
	run          string // a suffix that makes names unique per run
	agentName    string
	agentID      string
	sessionID    string
	datasourceID string
}

// step is one part of the scenario.
type step struct {
	title string
	run   func(ctx context.Context, s *state) error
}

func main() {
	os.Exit(run(os.Stdout))
}

func run(out io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	c, local, where, stop, err := connect()
	if err != nil {
		fmt.Fprintf(out, "demo: %v\n", err)
		return 1
	}
	defer stop()
	fmt.Fprintf(out, "Meibel v2 Go client demo (meibel-go %s)\n%s\n\n", client.Version, where)

	// Names are unique per run (the time, plus random hex for two runs in
	// the same second), so the demo can run again against the same server.
	s := &state{c: c, local: local, out: out, run: time.Now().UTC().Format("20060102-150405") + fmt.Sprintf("-%04x", rand.N(0x10000))}
	steps := scenario()
	for i, st := range steps {
		fmt.Fprintf(out, "[%d/%d] %s\n", i+1, len(steps), st.title)
		if err := st.run(ctx, s); err != nil {
			fmt.Fprintf(out, "  FAILED: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(out, "\nAll %d steps passed.\n", len(steps))
	return 0
}

// connect builds the client: against the server named by the environment when
// MEIBEL_API_KEY is set, else against a local server started in-process.
func connect() (c *client.Client, local *meibeltest.Server, where string, stop func(), err error) {
	if os.Getenv(client.EnvAPIKey) != "" {
		c, err = client.New(client.WithUserAgent("meibel-demo"))
		if err != nil {
			return nil, nil, "", nil, err
		}
		return c, nil, "Server: " + c.BaseURL() + " (from the environment)", func() {}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, "", nil, fmt.Errorf("start the local server: %w", err)
	}
	local = meibeltest.New()
	srv := &http.Server{Handler: local.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String() + "/v2"
	c, err = client.New(client.WithAPIKey("local-demo-key"), client.WithBaseURL(base), client.WithUserAgent("meibel-demo"))
	if err != nil {
		srv.Close()
		return nil, nil, "", nil, err
	}
	return c, local, "No " + client.EnvAPIKey + " set: running against the in-process local Meibel server at " + base,
		func() { srv.Close() }, nil
}
