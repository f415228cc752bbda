// Package faultsuite holds the client's fault-injection suite (see
// faults_test.go): every fault and retry case of the resilience policy run
// against a GET, a JSON POST, a multipart upload, an SSE stream and a
// download, served by internal/faultserver on loopback.
//
// It runs with `go test ./...`; `go run ./internal/cmd/faults` runs it alone
// and prints one summary line.
package faultsuite

// SummaryEnv names the environment variable holding a file path: when set,
// the suite writes its one-line summary there.
const SummaryEnv = "MEIBEL_FAULTS_SUMMARY"
