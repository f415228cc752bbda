package nullable_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/meibel-ai/meibel-go/nullable"
)

// body is shaped like a generated model: nullable fields carry omitzero, as
// oapi-codegen.overlay.yaml arranges.
type body struct {
	Name  nullable.Nullable[string]   `json:"name,omitempty,omitzero"`
	Count nullable.Nullable[int]      `json:"count,omitempty,omitzero"`
	Tags  nullable.Nullable[[]string] `json:"tags,omitempty,omitzero"`
	Must  nullable.Nullable[string]   `json:"must"` // required and nullable: no omitzero
}

func TestMarshalThreeStates(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   body
		want string
	}{
		{"absent", body{}, `{"must":null}`},
		{"null", body{Name: nullable.NewNullNullable[string](), Count: nullable.NewNullNullable[int](), Must: nullable.NewNullNullable[string]()}, `{"name":null,"count":null,"must":null}`},
		{"zero values are sent", body{Name: nullable.NewNullableWithValue(""), Count: nullable.NewNullableWithValue(0), Tags: nullable.NewNullableWithValue([]string{}), Must: nullable.NewNullableWithValue("")}, `{"name":"","count":0,"tags":[],"must":""}`},
		{"values", body{Name: nullable.NewNullableWithValue("a"), Count: nullable.NewNullableWithValue(7), Tags: nullable.NewNullableWithValue([]string{"x"}), Must: nullable.NewNullableWithValue("m")}, `{"name":"a","count":7,"tags":["x"],"must":"m"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got %s, want %s", b, tc.want)
			}
		})
	}
}

func TestUnmarshalThreeStates(t *testing.T) {
	var b body
	if err := json.Unmarshal([]byte(`{"name":null,"count":0,"must": null }`), &b); err != nil {
		t.Fatal(err)
	}
	if !b.Name.IsNull() || !b.Name.IsSpecified() {
		t.Errorf("name: null not kept: %v", b.Name)
	}
	if v, err := b.Count.Get(); err != nil || v != 0 || b.Count.IsNull() {
		t.Errorf("count = %v, %v; want 0 present", v, err)
	}
	if b.Tags.IsSpecified() || !b.Tags.IsZero() {
		t.Errorf("tags: missing field should stay absent: %v", b.Tags)
	}
	if !b.Must.IsNull() {
		t.Errorf("must: null with spaces not read as null: %v", b.Must)
	}
	if _, err := b.Tags.Get(); !errors.Is(err, nullable.ErrUnspecified) {
		t.Errorf("Get on absent = %v, want ErrUnspecified", err)
	}
	if _, err := b.Name.Get(); !errors.Is(err, nullable.ErrNull) {
		t.Errorf("Get on null = %v, want ErrNull", err)
	}
}

func TestUnmarshalWrongTypeKeepsState(t *testing.T) {
	n := nullable.NewNullableWithValue(3)
	if err := json.Unmarshal([]byte(`"three"`), &n); err == nil {
		t.Fatal("a string into Nullable[int] should fail")
	}
	if v, err := n.Get(); err != nil || v != 3 {
		t.Errorf("after a failed decode: %v, %v; want 3 kept", v, err)
	}
}

func TestSettersAndGetters(t *testing.T) {
	var n nullable.Nullable[string]
	n.Set("x")
	if n.MustGet() != "x" || n.GetOrEmpty() != "x" {
		t.Errorf("Set: %v", n)
	}
	n.SetNull()
	if !n.IsNull() || n.GetOrEmpty() != "" {
		t.Errorf("SetNull: %v", n)
	}
	n.SetUnspecified()
	if n.IsSpecified() || n != (nullable.Nullable[string]{}) {
		t.Errorf("SetUnspecified: %v", n)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustGet on absent did not panic")
		}
	}()
	n.MustGet()
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{fmt.Sprintf("%v", nullable.NewNullableWithValue("a")), "a"},
		{fmt.Sprintf("%q", nullable.NewNullableWithValue("a")), `"a"`},
		{fmt.Sprintf("%5d", nullable.NewNullableWithValue(42)), "   42"},
		{fmt.Sprintf("%v", nullable.NewNullNullable[int]()), "null"},
		{fmt.Sprintf("%+v", struct{ N nullable.Nullable[int] }{}), "{N:absent}"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestStringFastPathMatchesEncodingJSON: strings without escapes skip
// json.Unmarshal; every string must still decode exactly as it would.
func TestStringFastPathMatchesEncodingJSON(t *testing.T) {
	for _, raw := range []string{
		`""`, `"plain"`, `"résumé ✓"`, `"a\"b"`, `"tab\there"`, `"\u00e9\ud83d\ude00"`,
		`"back\\slash"`, "\"invalid \xff utf-8\"", "\"\xed\xa0\x80\"", `"2025-01-14T09:30:12.123456Z"`,
	} {
		var want string
		wantErr := json.Unmarshal([]byte(raw), &want)
		var got struct {
			S nullable.Nullable[string] `json:"s"`
		}
		err := json.Unmarshal([]byte(`{"s":`+raw+`}`), &got)
		if (err == nil) != (wantErr == nil) {
			t.Errorf("%s: err %v, encoding/json %v", raw, err, wantErr)
			continue
		}
		if v, _ := got.S.Get(); err == nil && v != want {
			t.Errorf("%s: got %q, encoding/json gives %q", raw, v, want)
		}
	}
}
