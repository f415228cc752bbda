package client

import "github.com/meibel-ai/meibel-go/nullable"

// Nullable is a field the spec lets be null. It has three states, so an
// update can say exactly what it means:
//
//	var req client.UpdateAgentDefinitionRequest // zero value: field absent, left unchanged
//	req.Description = client.Value("")          // set, even to "", 0 or false
//	req.Icon = client.Null[string]()            // sent as JSON null: cleared
//
// In a response, read it with [ValueOf] (value and whether there is one);
// IsNull reports an explicit null and IsSpecified whether the field was
// present at all.
//
// Nullable is package nullable's type (a small struct, no allocation of its
// own), whose methods go doc does not show here: Get() (T, error),
// GetOrEmpty() T, MustGet() T, Set(T), SetNull(), SetUnspecified(),
// IsNull() bool, IsSpecified() bool. %v prints the value, "null" or
// "absent".
type Nullable[T any] = nullable.Nullable[T]

// Value returns a Nullable holding v. It is sent even when v is the zero
// value of T ("", 0, false).
func Value[T any](v T) Nullable[T] { return nullable.NewNullableWithValue(v) }

// Null returns a Nullable that is sent as JSON null, to clear a field.
func Null[T any]() Nullable[T] { return nullable.NewNullNullable[T]() }

// Absent returns the zero Nullable: the field is left out of the request.
// It is the same as not setting the field; use it to unset one explicitly.
func Absent[T any]() Nullable[T] { return Nullable[T]{} }

// ValueOf returns n's value and true, or the zero value and false when n is
// null or absent. Use IsNull / IsSpecified to tell those two apart.
func ValueOf[T any](n Nullable[T]) (T, bool) {
	v, err := n.Get()
	return v, err == nil
}
