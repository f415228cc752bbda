package meibeltest

import (
	"context"
	"net/http"
	"reflect"
	"unicode"
	"unicode/utf8"

	"github.com/meibel-ai/meibel-go/generated"
)

// handlers holds one method per implemented operation, spread over files by
// area (agents.go, sessions.go, ...). To implement an operation, define its
// generated.StrictServerInterface method on *handlers: it shadows the
// fallback and the 501 goes away. Nothing else needs to change.
type handlers struct {
	*store
}

// strictServer is what the generated strict handler calls. Methods of
// *handlers (depth 1) win over those of fallback (depth 2).
type strictServer struct {
	*handlers
	fallback
}

// fallback supplies the operations *handlers lacks. Its interface is nil and
// is never called: notImplemented answers those operations first.
type fallback struct {
	generated.StrictServerInterface
}

var handlersType = reflect.TypeFor[*handlers]()

// implemented reports whether *handlers defines the strict method for the
// operation (the generated strict middleware names operations by Go method).
func implemented(method string) bool {
	_, ok := handlersType.MethodByName(method)
	return ok
}

// notImplemented is a strict middleware answering 501 for every operation
// *handlers does not implement, with a detail naming the operationId.
func notImplemented(f generated.StrictHandlerFunc, method string) generated.StrictHandlerFunc {
	if implemented(method) {
		return f
	}
	detail := "meibeltest: operation " + operationID(method) + " is not implemented"
	return func(context.Context, http.ResponseWriter, *http.Request, any) (any, error) {
		return nil, &apiError{status: http.StatusNotImplemented, detail: detail}
	}
}

// operationID turns a generated method name (UploadContent) back into the
// spec's operationId (uploadContent).
func operationID(method string) string {
	r, n := utf8.DecodeRuneInString(method)
	return string(unicode.ToLower(r)) + method[n:]
}
