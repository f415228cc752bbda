package meibeltest

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/meibel-ai/meibel-go/internal/contract"
)

// apiError is an error a handler returns to answer with status and a FastAPI
// body {"detail": detail}; detail is a string or []contract.Violation.
type apiError struct {
	status int
	detail any
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %v", e.status, e.detail) }

func notFound(format string, args ...any) error {
	return &apiError{status: http.StatusNotFound, detail: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &apiError{status: http.StatusConflict, detail: fmt.Sprintf(format, args...)}
}

// invalid is a 422 for one field, shaped like FastAPI's.
func invalid(msg string, loc ...any) error {
	return &apiError{status: http.StatusUnprocessableEntity,
		detail: []contract.Violation{{Loc: loc, Msg: msg, Type: "value_error"}}}
}

// writeError answers a handler error: apiError as given, anything else 500.
func writeError(w http.ResponseWriter, _ *http.Request, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		contract.WriteDetail(w, ae.status, ae.detail)
		return
	}
	contract.WriteDetail(w, http.StatusInternalServerError, "meibeltest: "+err.Error())
}

// writeRequestError answers a request the generated code could not bind
// (after contract validation passed, so this is rare) with a FastAPI 422.
func writeRequestError(w http.ResponseWriter, _ *http.Request, err error) {
	contract.WriteDetail(w, http.StatusUnprocessableEntity,
		[]contract.Violation{{Loc: []any{"request"}, Msg: err.Error(), Type: "value_error"}})
}
