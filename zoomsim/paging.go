package zoomsim

import (
	"net/http"
	"strconv"
)

const (
	defaultPageSize = 30
	maxPageSize     = 300
)

// page is one page of a listing.
type page struct {
	offset, size int
	number       int // 1-based
	count        int // pages in total
	next         string
}

// paginate reads page_size, next_page_token and page_number for a listing of
// total items. Like Zoom it clamps page_size to 300 and rejects an unknown or
// expired (15 minutes) next_page_token with 400 / code 300. It writes the error
// response itself and returns false.
func (s *Server) paginate(w http.ResponseWriter, r *http.Request, c *call, listing string, total int) (page, bool) {
	q := r.URL.Query()
	p := page{size: defaultPageSize, number: 1}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeFieldError(w, "page_size", "Invalid field.")
			return p, false
		}
		if n > 0 {
			p.size = min(n, maxPageSize)
		}
	}
	if tok := q.Get("next_page_token"); tok != "" {
		cur, ok := s.pages.resolve(tok, c.acct.ID, listing, c.now)
		if !ok {
			writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The next page token is invalid or expired.")
			return p, false
		}
		p.offset = cur.offset
	} else if v := q.Get("page_number"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeFieldError(w, "page_number", "Invalid field.")
			return p, false
		}
		p.offset = (n - 1) * p.size
	}
	p.number = p.offset/p.size + 1
	p.count = (total + p.size - 1) / p.size
	if end := p.offset + p.size; end < total {
		p.next = s.pages.issue(pageCursor{accountID: c.acct.ID, listing: listing, offset: end, issued: c.now})
	}
	return p, true
}

// slice returns the page's part of n items as [lo, hi).
func (p page) slice(n int) (lo, hi int) {
	lo = min(p.offset, n)
	return lo, min(lo+p.size, n)
}
