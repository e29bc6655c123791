package zoomsim

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// digests caches the SHA-256 of generated contents. Entries are keyed by
// everything the bytes depend on, so they survive reloading the same scenario.
type digests struct {
	mu sync.Mutex
	m  map[contentKey]*digestEntry
}

type digestEntry struct {
	once sync.Once
	hex  string
}

// sum returns the hex SHA-256 of the content, computing it once by streaming
// the generator through the hash.
func (d *digests) sum(k contentKey) string {
	d.mu.Lock()
	if d.m == nil {
		d.m = map[contentKey]*digestEntry{}
	}
	e := d.m[k]
	if e == nil {
		e = &digestEntry{}
		d.m[k] = e
	}
	d.mu.Unlock()
	e.once.Do(func() { e.hex = hashContent(newContent(k)) })
	return e.hex
}

func hashContent(c content) string {
	h := sha256.New()
	buf := make([]byte, 256<<10)
	for off := int64(0); off < c.Size(); {
		n, _ := c.ReadAt(buf, off)
		h.Write(buf[:n])
		off += int64(n)
	}
	return hex.EncodeToString(h.Sum(nil))
}
