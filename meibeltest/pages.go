package meibeltest

import (
	"fmt"
	"strings"
)

// page is the result window of an offset/limit listing.
type page struct{ lo, hi, limit int }

// window applies offset and limit (limit defaults to def; def < 0 means
// "all") to n items. A limit below 1 is a 422: the spec sets no minimum, but
// a zero page size would make paging clients loop forever.
func window(n int, offset, limit *int, def int) (page, error) {
	off := 0
	if offset != nil {
		off = max(*offset, 0)
	}
	lim := def
	if limit != nil {
		if *limit < 1 {
			return page{}, invalid("Input should be greater than or equal to 1", "query", "limit")
		}
		lim = *limit
	}
	lo := min(off, n)
	hi := n
	if lim >= 0 {
		hi = min(lo+lim, n)
	}
	return page{lo: lo, hi: hi, limit: lim}, nil
}

// descending reads a sort_order parameter (default desc).
func descending(order *string) (bool, error) {
	if order == nil {
		return true, nil
	}
	switch strings.ToLower(*order) {
	case "desc":
		return true, nil
	case "asc":
		return false, nil
	}
	return false, invalid(fmt.Sprintf("Input should be 'asc' or 'desc', got %q", *order), "query", "sort_order")
}
