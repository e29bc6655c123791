package zoomsim

import (
	"sync"
	"time"
)

// pageTokenTTL is how long Zoom honours a next_page_token.
const pageTokenTTL = 15 * time.Minute

// pageCursor is what a next_page_token stands for: where the next page of one
// listing starts.
type pageCursor struct {
	accountID string
	listing   string // identifies the query (route, user, window)
	offset    int
	issued    time.Time
}

type pageTokens struct {
	mu sync.Mutex
	m  map[string]pageCursor
}

func (p *pageTokens) issue(c pageCursor) string {
	tok := randomToken(24)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]pageCursor{}
	}
	if len(p.m) > 10000 {
		for k, v := range p.m {
			if c.issued.Sub(v.issued) > pageTokenTTL {
				delete(p.m, k)
			}
		}
	}
	p.m[tok] = c
	return tok
}

// resolve returns the cursor of a token if it exists, belongs to the same
// listing and has not expired at now.
func (p *pageTokens) resolve(tok, accountID, listing string, now time.Time) (pageCursor, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.m[tok]
	if !ok || c.accountID != accountID || c.listing != listing || now.Sub(c.issued) > pageTokenTTL {
		return pageCursor{}, false
	}
	return c, true
}

func (p *pageTokens) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m = nil
}
