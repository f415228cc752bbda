# Meibel v2 Go client. `make demo` runs the scenario, `make test` runs all tests.
GO ?= go

.PHONY: all demo test vet fmt-check generate local help

all: test

## demo: run the end-to-end scenario (local in-process server unless MEIBEL_API_KEY is set)
demo:
	$(GO) run ./cmd/demo

## test: vet, formatting, spec validation, generated-code check, unit + contract tests
test: vet fmt-check
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## generate: regenerate generated/ and client/*.gen.go from api-v2.json
generate:
	$(GO) generate ./...

## local: run the local Meibel-compatible server on http://localhost:8000/v2
local:
	$(GO) run ./cmd/meibel-local

help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'
