package client

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"sync"
)

// streamDecodeMin is the body size (Content-Length) from which decodeJSON
// decodes arrays element by element; unknown lengths (chunked) count as
// large. Below it, one json.Decoder.Decode is cheaper.
const streamDecodeMin = 256 << 10

// decodeStreaming decodes one JSON value from dec into out (a pointer) with
// the result encoding/json's Decode would give, but without holding the
// whole value in the decoder's buffer: json.Decoder.Decode reads a complete
// value into memory before decoding it, so a 10 MB list would cost the
// result plus a 10–20 MB buffer. Here a top-level array, and every array
// field of a top-level struct (the items of a list response), is decoded one
// element at a time, so the buffer holds one element. Other values, and
// types this does not handle exactly like encoding/json (custom
// UnmarshalJSON, embedded structs, ",string" fields), go through dec.Decode.
//
// size is the body's length when known (Content-Length), else -1: an array
// then gets its capacity once, estimated from its first elements, instead
// of growing by repeated copies.
func decodeStreaming(dec *json.Decoder, out any, size int64) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return dec.Decode(out)
	}
	v := rv.Elem()
	sd := &streamDecoder{dec: dec, size: size}
	if v.Kind() == reflect.Slice && !isUnmarshaler(v.Type()) {
		return sd.topLevel(func(first json.Token) error { return sd.array(v, first) })
	}
	if v.Kind() == reflect.Struct {
		if fields, ok := streamFields(v.Type()); ok {
			return sd.topLevel(func(first json.Token) error { return sd.object(v, fields, first) })
		}
	}
	return dec.Decode(out)
}

// streamDecoder tracks the nesting depth of the tokens it has read, so that
// after a decoding error it can read the rest of the value: like dec.Decode,
// which reads a whole value before decoding it, a syntax error or truncation
// anywhere in the value wins over a type error or an UnmarshalJSON error.
type streamDecoder struct {
	dec   *json.Decoder
	depth int
	size  int64 // body length, or -1
}

// sampleElems is how many elements of an array are decoded before its
// length is estimated from their average size in the body.
const sampleElems = 16

// estimateLen returns how many elements an array holding n elements so far
// probably has in all, judging by the bytes its first n took since start
// (the offset of its first element); 0 when it cannot tell. A slice grown to
// it is never larger than the rest of the body, whatever the estimate.
func (sd *streamDecoder) estimateLen(n int, start int64, elemSize uintptr) int {
	off := sd.dec.InputOffset()
	if sd.size <= off || off <= start || n == 0 {
		return 0
	}
	est := n + int((sd.size-off)*int64(n)/(off-start))
	if elemSize > 0 {
		est = min(est, n+int((sd.size-off)/int64(elemSize)))
	}
	return est
}

func (sd *streamDecoder) token() (json.Token, error) {
	tok, err := sd.dec.Token()
	switch tok {
	case json.Delim('{'), json.Delim('['):
		sd.depth++
	case json.Delim('}'), json.Delim(']'):
		sd.depth--
	}
	return tok, err
}

// topLevel reads the value's first token and runs decode.
func (sd *streamDecoder) topLevel(decode func(first json.Token) error) error {
	tok, err := sd.token()
	if err != nil {
		return err // io.EOF: no value at all
	}
	err = decode(tok)
	var syntaxErr *json.SyntaxError
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &syntaxErr) {
		for sd.depth > 0 { // read the rest; a syntax error or truncation wins
			if _, serr := sd.token(); serr != nil {
				err = serr
				break
			}
		}
	}
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF // the value had started
	}
	return err
}

// object decodes an object into the struct v whose first token has been
// read; array fields are decoded element by element, other fields with
// dec.Decode into the field. After a type error it goes on (as
// encoding/json does) and returns the first one at the end.
func (sd *streamDecoder) object(v reflect.Value, fields *structFields, first json.Token) error {
	if first == nil {
		return nil // null into a struct leaves it unchanged
	}
	if first != json.Delim('{') {
		return typeError(sd.dec, first, v.Type())
	}
	var firstErr error
	for sd.dec.More() {
		tok, err := sd.token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // the decoder guarantees object keys are strings
		f, ok := fields.lookup(key)
		switch {
		case !ok:
			var skip json.RawMessage
			err = sd.dec.Decode(&skip)
		case f.stream:
			if tok, err = sd.token(); err == nil {
				err = sd.array(v.FieldByIndex(f.index), tok)
			}
		default:
			err = sd.dec.Decode(v.FieldByIndex(f.index).Addr().Interface())
		}
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) || sd.depth > 1 {
			if err != nil {
				return err
			}
		} else if firstErr == nil {
			firstErr = err
		}
	}
	if _, err := sd.token(); err != nil { // the closing '}'
		return err
	}
	return firstErr
}

// array decodes an array, whose first token has been read, into the slice v
// one element at a time, the way encoding/json does: into existing elements
// first, growing as needed, truncating at the end; null gives nil and [] an
// empty non-nil slice. After a type error in an element it goes on and
// returns the first one at the end.
func (sd *streamDecoder) array(v reflect.Value, first json.Token) error {
	if first == nil {
		v.SetZero()
		return nil
	}
	if first != json.Delim('[') {
		return typeError(sd.dec, first, v.Type())
	}
	var firstErr error
	start := sd.dec.InputOffset()
	i := 0
	for ; sd.dec.More(); i++ {
		if i == sampleElems {
			if est := sd.estimateLen(i, start, v.Type().Elem().Size()); est > v.Cap() {
				v.Grow(est - v.Len())
			}
		}
		if i >= v.Cap() {
			v.Grow(1)
		}
		if i >= v.Len() {
			v.SetLen(i + 1)
		}
		if err := sd.dec.Decode(v.Index(i).Addr().Interface()); err != nil {
			var typeErr *json.UnmarshalTypeError
			if !errors.As(err, &typeErr) {
				return err
			}
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	if _, err := sd.token(); err != nil { // the closing ']'
		return err
	}
	if i < v.Len() {
		v.SetLen(i)
	}
	if i == 0 {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	return firstErr
}

func typeError(dec *json.Decoder, tok json.Token, t reflect.Type) error {
	kind := "number"
	switch tok.(type) {
	case json.Delim:
		kind = map[json.Delim]string{'{': "object", '[': "array"}[tok.(json.Delim)]
	case string:
		kind = "string"
	case bool:
		kind = "bool"
	}
	return &json.UnmarshalTypeError{Value: kind, Type: t, Offset: dec.InputOffset()}
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func isUnmarshaler(t reflect.Type) bool {
	return t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)
}

// structFields is how encoding/json maps a struct's keys to its fields,
// limited to the structs it is simple to match exactly.
type structFields struct {
	list   []field
	byName map[string]int
}

type field struct {
	name   string
	index  []int
	stream bool // a slice field decoded element by element
}

// lookup finds a key's field as encoding/json does: exact name first, then
// the first field whose name matches case-insensitively.
func (s *structFields) lookup(key string) (field, bool) {
	if i, ok := s.byName[key]; ok {
		return s.list[i], true
	}
	for _, f := range s.list {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return field{}, false
}

var fieldCache sync.Map // reflect.Type → *structFields (nil: not streamable)

// streamFields returns t's fields when t is a struct worth decoding element
// by element (it has a slice field) and simple enough to match exactly.
func streamFields(t reflect.Type) (*structFields, bool) {
	if c, ok := fieldCache.Load(t); ok {
		s := c.(*structFields)
		return s, s != nil
	}
	s := buildFields(t)
	fieldCache.Store(t, s)
	return s, s != nil
}

func buildFields(t reflect.Type) *structFields {
	if isUnmarshaler(t) {
		return nil
	}
	s := &structFields{byName: map[string]int{}}
	streams := false
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil // embedded fields follow promotion rules: leave to encoding/json
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",string,") || !validTagName(name) {
			return nil
		}
		if name == "" {
			name = sf.Name
		}
		if _, dup := s.byName[name]; dup {
			return nil // conflicting names: encoding/json's dominance rules apply
		}
		stream := sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() != reflect.Uint8 && !isUnmarshaler(sf.Type)
		streams = streams || stream
		s.byName[name] = len(s.list)
		s.list = append(s.list, field{name: name, index: sf.Index, stream: stream})
	}
	if !streams {
		return nil
	}
	return s
}

// validTagName reports whether encoding/json would use name from a tag (it
// falls back to the Go field name otherwise); unusual names are left to it.
func validTagName(name string) bool {
	for _, c := range name {
		if !(c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
