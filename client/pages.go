package client

import (
	"fmt"
	"iter"

	"github.com/meibel-ai/meibel-go/nullable"
)

// Pagination engines behind the generated <Operation>Iter methods
// (pages.gen.go). The generator reads each list operation's style from the
// spec and picks one engine:
//
//   - offsetPages: an offset query parameter, and a total in the response;
//   - nextOffsetPages: an offset query parameter, and next_offset in the response;
//   - tokenPages: a cursor or continuation token, returned by each page.
//
// Every engine fetches pages lazily, yields each item once, yields an error
// once and then stops, and sends no request after the caller breaks out of
// the loop. Pages are built from a copy of the caller's params, never the
// caller's own.

// page is what an iterator learns from one response.
type page[T any] struct {
	items []T
	// total is the number of items of the whole list (offset style).
	total *int
	// limit is the page size the server says it used, when it says so.
	limit *int
	// next is the next offset (next_offset style); nil means the last page.
	next *int
	// token is the cursor or continuation token of the next page; nil or
	// empty means the last page.
	token *string
	// hasNext is the server's "more pages" flag, when the response has one.
	hasNext *bool
}

// shortPage reports whether n items make a page shorter than the page size:
// the size the server reports, else the size the caller requested.
func shortPage(n int, reported, requested *int) bool {
	size := requested
	if reported != nil && *reported > 0 {
		size = reported
	}
	return size != nil && *size > 0 && n < *size
}

// offsetPages iterates a list paginated by offset whose responses carry the
// total. It stops on an empty page and once offset >= total. The total is
// trusted over the page size: a server that caps the page size below the
// requested limit still has every item read. Without a total it also stops
// on a short page.
func offsetPages[T any](start, limit *int, fetch func(offset int) (page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		offset := 0
		if start != nil {
			offset = *start
		}
		for {
			p, err := fetch(offset)
			if !deliver(p, err, yield) {
				return
			}
			n := len(p.items)
			offset += n
			switch {
			case n == 0:
				return
			case p.total != nil:
				if offset >= *p.total {
					return
				}
			case shortPage(n, p.limit, limit):
				return
			}
		}
	}
}

// nextOffsetPages iterates a list whose responses name the offset of the
// next page (next_offset). It stops on an empty page, on a null next offset,
// and with an error when the next offset does not move forward (a loop).
func nextOffsetPages[T any](op string, start *int, fetch func(offset int) (page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		offset := 0
		if start != nil {
			offset = *start
		}
		for {
			p, err := fetch(offset)
			if !deliver(p, err, yield) {
				return
			}
			if len(p.items) == 0 || p.next == nil {
				return
			}
			if *p.next <= offset {
				var zero T
				yield(zero, fmt.Errorf("meibel: %s: pagination loop: next_offset %d does not advance past offset %d", op, *p.next, offset))
				return
			}
			offset = *p.next
		}
	}
}

// tokenPages iterates a list paginated by an opaque cursor or continuation
// token. It stops on an empty page, when the server says there is no next
// page (has_next false, or no token), and with an error when the server
// sends a token it already sent (a loop).
func tokenPages[T any](op string, start *string, fetch func(token *string) (page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		token := start
		seen := map[string]bool{}
		if start != nil {
			seen[*start] = true
		}
		for {
			p, err := fetch(token)
			if !deliver(p, err, yield) {
				return
			}
			if len(p.items) == 0 || p.hasNext != nil && !*p.hasNext || p.token == nil || *p.token == "" {
				return
			}
			if seen[*p.token] {
				var zero T
				yield(zero, fmt.Errorf("meibel: %s: pagination loop: the server sent token %q a second time", op, *p.token))
				return
			}
			seen[*p.token] = true
			next := *p.token
			token = &next
		}
	}
}

// ptrOf returns a pointer to a copy of v.
// deliver yields the items of a fetched page, or the fetch error once; it
// reports whether iteration goes on (false after an error or a break).
func deliver[T any](p page[T], err error, yield func(T, error) bool) bool {
	if err != nil {
		var zero T
		yield(zero, err)
		return false
	}
	for _, item := range p.items {
		if !yield(item, nil) {
			return false
		}
	}
	return true
}

func ptrOf[T any](v T) *T { return &v }

// nullableOpt is a pointer to n's value, or nil when n is null or absent.
func nullableOpt[T any](n nullable.Nullable[T]) *T {
	if v, err := n.Get(); err == nil {
		return &v
	}
	return nil
}

// sliceOf returns the slice s points to, or nil.
func sliceOf[T any](s *[]T) []T {
	if s == nil {
		return nil
	}
	return *s
}
