package archive

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

// bufferPool hands out part buffers under one byte budget for the whole
// Store. Full-size buffers are kept on a free list and reused forever, so a
// busy worker allocates at most MemoryLimit bytes of them and produces no
// per-part garbage. Each Stream reserves all the buffers it may need at once
// (the semaphore is FIFO and all-or-nothing), so streams cannot deadlock
// holding half a set.
type bufferPool struct {
	size  int64
	limit int64
	sem   *semaphore.Weighted

	mu   sync.Mutex
	free [][]byte
}

// tinyObject is the size below which a known-size object gets an exact,
// unpooled buffer instead of a full part buffer.
const tinyObject = 1 * MiB

func newBufferPool(size, limit int64) *bufferPool {
	return &bufferPool{size: size, limit: limit, sem: semaphore.NewWeighted(limit)}
}

// bufferSet is the buffers one Stream owns.
type bufferSet struct {
	pool   *bufferPool
	weight int64
	pooled bool
	n      int
	ch     chan []byte
}

// acquire reserves n full-size buffers.
func (p *bufferPool) acquire(ctx context.Context, n int) (*bufferSet, error) {
	w := int64(n) * p.size
	if err := p.sem.Acquire(ctx, w); err != nil {
		return nil, err
	}
	set := &bufferSet{pool: p, weight: w, pooled: true, n: n, ch: make(chan []byte, n)}
	p.mu.Lock()
	for range n {
		var b []byte
		if k := len(p.free); k > 0 {
			b, p.free = p.free[k-1], p.free[:k-1]
		} else {
			b = make([]byte, p.size)
		}
		set.ch <- b
	}
	p.mu.Unlock()
	return set, nil
}

// acquireExact reserves one unpooled buffer of exactly size bytes.
func (p *bufferPool) acquireExact(ctx context.Context, size int64) (*bufferSet, error) {
	w := max(size, 1)
	if err := p.sem.Acquire(ctx, w); err != nil {
		return nil, err
	}
	set := &bufferSet{pool: p, weight: w, n: 1, ch: make(chan []byte, 1)}
	set.ch <- make([]byte, size)
	return set, nil
}

// get takes a free buffer of the set, waiting for one to come back.
func (s *bufferSet) get(ctx context.Context) ([]byte, error) {
	select {
	case b := <-s.ch:
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put gives a buffer back to the set.
func (s *bufferSet) put(b []byte) { s.ch <- b[:cap(b)] }

// release returns the set's buffers to the pool and frees its budget. A
// buffer not put back by then is left to the garbage collector.
func (s *bufferSet) release() {
	if s.pooled {
		s.pool.mu.Lock()
	drain:
		for range s.n {
			select {
			case b := <-s.ch:
				s.pool.free = append(s.pool.free, b)
			default:
				break drain
			}
		}
		s.pool.mu.Unlock()
	}
	s.pool.sem.Release(s.weight)
}
