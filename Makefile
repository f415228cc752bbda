# Meibel v2 Go client. `make demo` runs the scenario, `make test` runs all tests.
GO ?= go

.PHONY: all demo test vet fmt-check generate local help faults fuzz bench check-generated spec-diff spec-update

all: test

## demo: run the end-to-end scenario (local in-process server unless MEIBEL_API_KEY is set)
demo:
	$(GO) run ./cmd/demo

## test: vet, formatting, spec validation, generated-code check, unit, contract and fault tests, short fuzzing
test: vet fmt-check
	$(GO) test -count=1 ./...
	@echo "smoke run of every benchmark (1 iteration each)"
	@out=$$($(GO) test -count=1 -short -run '^$$' -bench . -benchtime 1x ./client 2>&1) || { echo "$$out"; exit 1; }
	$(MAKE) --no-print-directory fuzz FUZZTIME=30000x

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## generate: regenerate generated/ and client/*.gen.go from api-v2.json
generate:
	$(GO) generate ./...

## faults: run the fault-injection suite; ends with "faults: K kinds, C cases, P passed, 0 leaked keys, 0 leaked goroutines"
faults:
	$(GO) run ./internal/cmd/faults

## fuzz: run each fuzz target FUZZTIME executions (default 500000x); their seed corpora also run in make test
# Budgets are execution counts, not durations: on Go 1.26 a duration-based
# -fuzztime can end with a spurious "context deadline exceeded" failure
# (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= 500000x
fuzz:
	$(GO) test ./client -run '^$$' -fuzz '^FuzzSSEDecoder$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1000x
	$(GO) test ./client -run '^$$' -fuzz '^FuzzErrorBody$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1000x
	$(GO) test ./client -run '^$$' -fuzz '^FuzzParseRetryAfter$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1000x
	$(GO) test ./client -run '^$$' -fuzz '^FuzzDecodeStreaming$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1000x

## bench: run every benchmark (interleaved rounds, medians) and write BENCHMARKS.md (~3 min on 2 cores)
bench:
	@mkdir -p .bench
	$(GO) run ./internal/cmd/benchreport -rounds 7 -out BENCHMARKS.md -raw .bench/bench.txt

## local: run the local Meibel-compatible server on http://localhost:8000/v2
local:
	$(GO) run ./cmd/meibel-local

help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'

# Spec to compare with or move to: a path or an http(s) URL.
NEW ?=
# spec-diff policy: breaking (exit 1 on breaking changes unless
# ALLOW_BREAKING=1), drift (exit 1 on any difference: scheduled CI), never.
FAIL_ON ?= breaking
ALLOW_BREAKING ?=

## check-generated: fail if generated/ or client/*.gen.go differ from what `make generate` produces
check-generated:
	$(GO) test -count=1 -run '^TestGeneratedCodeIsCurrent$$' ./internal/gencheck

## spec-diff: drift report api-v2.json → NEW=<path or URL>, breaking first; ALLOW_BREAKING=1 accepts breaking changes
spec-diff:
	@test -n "$(NEW)" || { echo "usage: make spec-diff NEW=<path or URL> [ALLOW_BREAKING=1] [FAIL_ON=breaking|drift|never]" >&2; exit 2; }
	ALLOW_BREAKING=$(ALLOW_BREAKING) $(GO) run ./internal/cmd/specdiff -new '$(NEW)' -fail-on $(FAIL_ON)

## spec-update: replace api-v2.json with NEW=<path or URL>, regenerate, build, vet, test, report, update CHANGELOG.md
spec-update:
	@test -n "$(NEW)" || { echo "usage: make spec-update NEW=<path or URL>" >&2; exit 2; }
	$(GO) run ./internal/cmd/specupdate -new '$(NEW)'
