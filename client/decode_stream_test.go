package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/meibel-ai/meibel-go/nullable"
)

type streamInner struct {
	A string         `json:"a"`
	B *int           `json:"b,omitempty"`
	M map[string]any `json:"m"`
}

type streamOuter struct {
	Items   []streamInner             `json:"items"`
	Tags    []string                  `json:"tags"`
	Next    nullable.Nullable[string] `json:"next_cursor,omitempty"`
	HasNext *bool                     `json:"has_next"`
	Raw     json.RawMessage           `json:"raw"`
	Bytes   []byte                    `json:"bytes"`
	Plain   string
	Skipped string `json:"-"`
	hidden  string
}

var streamCases = []string{
	`{"items":[{"a":"x","b":1,"m":{"k":[1,2,{"z":null}]}},{"a":"y"}],"tags":["t"],"next_cursor":"c","has_next":true,"raw":{"z":1},"bytes":"aGk=","Plain":"p"}`,
	`{"items":null,"tags":[],"next_cursor":null,"has_next":null,"raw":null}`,
	` { "ITEMS" : [ { "A" : "x" } ] , "PLAIN":"q", "unknown":{"deep":[1,{"x":2}]}, "hidden":"h", "Skipped":"s", "-":"d" } `,
	`{"items":[{"a":"1","m":{"p":1}}],"items":[{"b":2}],"tags":["a","b"],"tags":["c"]}`,
	`{}`, `null`, `[]`, `"s"`, `12`, `true`,
	`{"items":{}}`, `{"items":[1]}`, `{"items":[{"a":1}]}`, `{"items":"x"}`, `{"tags":[1]}`,
	`{"items":[{"a":"x"},`, `{"items":[`, `{"items"`, `{"items":`, `{`, ``, `   `,
	`{"items":[}]}`, `{"items" 1}`, `{"items":[{"a":"x"}]]`, `{"items":[{"a":"x"},]}`, `{,}`, `{"a":1,}`,
	`{"items":[{"a":"\u00e9\ud83d\ude00"}]}`,
}

// decodeRef is what decodeJSON did before streaming: one dec.Decode.
func decodeRef(data []byte, out any) error {
	return json.NewDecoder(bytes.NewReader(data)).Decode(out)
}

// decodeStream reads one byte at a time to cross every buffer boundary.
func decodeStream(data []byte, out any) error {
	return decodeStreaming(json.NewDecoder(iotest.OneByteReader(bytes.NewReader(data))), out, int64(len(data)))
}

// sameDecode checks that streaming gives exactly the result of dec.Decode,
// and an error (of the same EOF class) when it gives one.
func sameDecode[T any](t *testing.T, data []byte) {
	t.Helper()
	var want, got T
	errWant := decodeRef(data, &want)
	errGot := decodeStream(data, &got)
	switch {
	case (errWant == nil) != (errGot == nil):
		t.Errorf("%s: streaming err = %v, dec.Decode err = %v", data, errGot, errWant)
	case errors.Is(errWant, io.EOF) != errors.Is(errGot, io.EOF) || errors.Is(errWant, io.ErrUnexpectedEOF) != errors.Is(errGot, io.ErrUnexpectedEOF):
		t.Errorf("%s: streaming err = %v, dec.Decode err = %v: not the same end-of-input class", data, errGot, errWant)
	case errWant == nil && !reflect.DeepEqual(want, got):
		t.Errorf("%s:\nstreaming  %#v\ndec.Decode %#v", data, got, want)
	}
}

func TestDecodeStreamingMatchesDecode(t *testing.T) {
	for _, c := range streamCases {
		sameDecode[streamOuter](t, []byte(c))
		sameDecode[[]streamInner](t, []byte(c))
		sameDecode[DataElementListResponse](t, []byte(c))
	}
	for _, c := range []string{`[{"a":"x"},{"a":"y","b":3}]`, `[]`, `null`, `[1]`, `[{"a":"x"}`, `[`} {
		sameDecode[[]streamInner](t, []byte(c))
	}
	list := `{"items":[{"id":"de_1","datasource_id":"ds","name":"n","description":null,"metadata":{"pages":3,"tags":["a"]},"media_type":"application/pdf"},{"id":"de_2","datasource_id":"ds","name":"m"}],"has_next":false,"next_cursor":null}`
	sameDecode[DataElementListResponse](t, []byte(list))
}

func FuzzDecodeStreaming(f *testing.F) {
	for _, c := range streamCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameDecode[streamOuter](t, data)
		sameDecode[DataElementListResponse](t, data)
	})
}

// maxReadReader records the largest buffer the decoder asked to fill: it
// grows to the size of the whole value when the value is buffered whole.
type maxReadReader struct {
	r   io.Reader
	max int
}

func (m *maxReadReader) Read(p []byte) (int, error) {
	m.max = max(m.max, len(p))
	return m.r.Read(p)
}

// TestDecodeStreamingBuffersOneElement checks the point of streaming: for a
// ~5 MB list the decoder's buffer stays element-sized, where dec.Decode
// grows it past the body size.
func TestDecodeStreamingBuffersOneElement(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"has_next":false,"items":[`)
	for i := range 5000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"de_%d","datasource_id":"ds","name":"file-%d.pdf","description":%q,"metadata":{"i":%d}}`, i, i, strings.Repeat("x", 900), i)
	}
	b.WriteString(`]}`)
	body := b.String()

	whole := &maxReadReader{r: strings.NewReader(body)}
	var want DataElementListResponse
	if err := json.NewDecoder(whole).Decode(&want); err != nil {
		t.Fatal(err)
	}
	streamed := &maxReadReader{r: strings.NewReader(body)}
	var got DataElementListResponse
	if err := decodeStreaming(json.NewDecoder(streamed), &got, int64(len(body))); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, got) || len(got.Items) != 5000 {
		t.Fatalf("streamed result differs (%d items)", len(got.Items))
	}
	// Items of one shape: the length estimated from the first 16 is close,
	// so the slice was sized once instead of grown by copies.
	if c := cap(got.Items); c < 5000 || c > 5100 {
		t.Errorf("cap(Items) = %d for 5000 items, want the estimate within 2%%", c)
	}
	if streamed.max > 64<<10 || whole.max < len(body)/2 {
		t.Errorf("largest read: streaming %d bytes, dec.Decode %d bytes, body %d bytes; want streaming ≤ 64 KiB", streamed.max, whole.max, len(body))
	}
}

// TestDecodeStreamingEstimateIsBounded: small first elements must not make
// the estimate allocate (much) more slice than the body holds bytes.
func TestDecodeStreamingEstimateIsBounded(t *testing.T) {
	type item struct {
		A, B, C, D string
		N          [8]int
	}
	var b strings.Builder
	b.WriteString("[")
	for i := range 116 {
		if i > 0 {
			b.WriteString(",")
		}
		if i < sampleElems {
			b.WriteString("{}")
		} else {
			fmt.Fprintf(&b, `{"A":%q}`, strings.Repeat("x", 10_000))
		}
	}
	b.WriteString("]")
	body := b.String()
	var got []item
	if err := decodeStreaming(json.NewDecoder(strings.NewReader(body)), &got, int64(len(body))); err != nil {
		t.Fatal(err)
	}
	size := int(reflect.TypeFor[item]().Size())
	if len(got) != 116 || len(got[20].A) != 10_000 {
		t.Fatalf("decoded %d items", len(got))
	}
	if cap(got)*size > len(body)*11/10 { // allocation rounds the capacity up a little
		t.Errorf("cap %d × %d bytes = %d bytes of slice for a %d-byte body: the estimate is not bounded", cap(got), size, cap(got)*size, len(body))
	}
}
