// Package nullable holds Nullable, the three-state type (absent, null, value)
// that the generated models use for every field the spec lets be null.
//
// It has the method set of github.com/oapi-codegen/nullable, which
// oapi-codegen's nullable-type option targets, but is a small struct instead
// of a map: a field costs no allocation of its own, where the map costs one
// map per field (a decoded list of records came out about four times larger
// than with pointers). An absent field is the zero value and is left out of
// JSON by the `omitzero` tag option (Go 1.24+), which the generator config
// adds to every nullable field.
//
// Users reach it as client.Nullable, with client.Value, client.Null and
// client.ValueOf; importing this package is not needed.
package nullable

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// state is which of the three states a Nullable is in; the zero value is
// absent.
type state uint8

const (
	absent state = iota
	null
	present
)

// Nullable is a value of type T that may also be JSON null or absent. The
// zero value is absent: with `omitzero` the field is left out of JSON.
type Nullable[T any] struct {
	value T
	state state
}

// NewNullableWithValue returns a Nullable holding v (sent even when v is the
// zero value of T).
func NewNullableWithValue[T any](v T) Nullable[T] { return Nullable[T]{value: v, state: present} }

// NewNullNullable returns a Nullable that is JSON null.
func NewNullNullable[T any]() Nullable[T] { return Nullable[T]{state: null} }

// Errors returned by Get.
var (
	ErrNull        = errors.New("value is null")
	ErrUnspecified = errors.New("value is not specified")
)

// Get returns the value, or ErrNull or ErrUnspecified when there is none.
func (n Nullable[T]) Get() (T, error) {
	switch n.state {
	case present:
		return n.value, nil
	case null:
		var zero T
		return zero, ErrNull
	default:
		var zero T
		return zero, ErrUnspecified
	}
}

// GetOrEmpty returns the value, or the zero value of T when null or absent.
func (n Nullable[T]) GetOrEmpty() T { return n.value }

// MustGet returns the value and panics when there is none; prefer Get.
func (n Nullable[T]) MustGet() T {
	v, err := n.Get()
	if err != nil {
		panic(err)
	}
	return v
}

// Set makes n hold v.
func (n *Nullable[T]) Set(v T) { *n = Nullable[T]{value: v, state: present} }

// SetNull makes n JSON null.
func (n *Nullable[T]) SetNull() { *n = Nullable[T]{state: null} }

// SetUnspecified makes n absent.
func (n *Nullable[T]) SetUnspecified() { *n = Nullable[T]{} }

// IsNull reports whether n is an explicit JSON null.
func (n Nullable[T]) IsNull() bool { return n.state == null }

// IsSpecified reports whether n is present, as a value or as null.
func (n Nullable[T]) IsSpecified() bool { return n.state != absent }

// IsZero reports whether n is absent; encoding/json's `omitzero` uses it to
// leave the field out.
func (n Nullable[T]) IsZero() bool { return n.state == absent }

// MarshalJSON encodes the value, or null when n is null. An absent Nullable
// in a field without `omitzero` is also encoded as null.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.state != present {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// UnmarshalJSON decodes null or a value of T. It is not called for a field
// missing from the JSON, which stays absent.
func (n *Nullable[T]) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		n.SetNull()
		return nil
	}
	// The common case, a string with no escapes, is its own bytes: skip
	// json.Unmarshal's allocations (encoding/json has validated the value;
	// invalid UTF-8, which it would replace, takes the general path).
	if s, ok := any(&n.value).(*string); ok && len(data) >= 2 && data[0] == '"' && data[len(data)-1] == '"' &&
		bytes.IndexByte(data[1:len(data)-1], '\\') < 0 && utf8.Valid(data) {
		*s = string(data[1 : len(data)-1])
		n.state = present
		return nil
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	n.Set(v)
	return nil
}

// Format prints the value, "null" or "absent", so %v and %+v show what a
// field holds.
func (n Nullable[T]) Format(f fmt.State, verb rune) {
	switch n.state {
	case present:
		fmt.Fprintf(f, fmt.FormatString(f, verb), n.value)
	case null:
		fmt.Fprint(f, "null")
	default:
		fmt.Fprint(f, "absent")
	}
}
