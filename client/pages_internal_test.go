package client

import "testing"

// No operation of the spec pages by offset without a total or next_offset,
// but the engine supports it (the generator emits it for such a schema): it
// ends on a short page, judged by the reported page size first.
func TestOffsetPagesWithoutTotalStopOnShortPage(t *testing.T) {
	const n = 25
	for _, tc := range []struct {
		name               string
		requested, reports *int
		want               int // requests
	}{
		{"requested size", ptrOf(10), nil, 3},
		{"reported size wins over requested", ptrOf(50), ptrOf(10), 3},
		{"no size: ends on the empty page", nil, nil, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			seq := offsetPages(nil, tc.requested, func(offset int) (page[int], error) {
				calls++
				var items []int
				for i := offset; i < min(offset+10, n); i++ {
					items = append(items, i)
				}
				return page[int]{items: items, limit: tc.reports}, nil
			})
			got := 0
			for v, err := range seq {
				if err != nil || v != got {
					t.Fatalf("item %d: %v, %v", got, v, err)
				}
				got++
			}
			if got != n || calls != tc.want {
				t.Errorf("items=%d calls=%d, want %d and %d", got, calls, n, tc.want)
			}
		})
	}
}
