// Command meibel-local runs the in-memory Meibel-compatible server
// (package meibeltest) standalone, by default at the spec's "Local
// Development" server URL http://localhost:8000/v2.
//
//	go run ./cmd/meibel-local [-addr localhost:8000] [-api-key KEY] [-seed=false]
//
// It starts with a published agent named "support-bot" and a datasource
// named "handbook" (unless -seed=false), so the README's examples work as is.
//
// Every request and response is validated against api-v2.json; contract
// violations by the server are logged. State lives in memory and is lost on
// exit. SIGINT or SIGTERM shuts it down gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/meibel-ai/meibel-go/meibeltest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "meibel-local:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "localhost:8000", "listen address")
	key := flag.String("api-key", "", "accept only this Meibel-API-Key (default: any non-empty key)")
	withSeed := flag.Bool("seed", true, `start with a published agent "support-bot" and a datasource "handbook"`)
	flag.Parse()

	var opts []meibeltest.Option
	if *key != "" {
		opts = append(opts, meibeltest.WithAPIKey(*key))
	}
	local := meibeltest.New(opts...)
	if *withSeed {
		if err := local.SeedExamples(); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: local.Handler(), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Printf("meibel-local: serving the Meibel API at http://%s/v2 (Ctrl-C to stop)", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Print("meibel-local: shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
