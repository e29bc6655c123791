package zoomsim

import (
	"sync"
	"time"
)

// clock is the simulator's notion of "now". It starts at real time; setting or
// advancing it stores an offset from the wall clock, so simulated time keeps
// ticking at the normal rate afterwards.
type clock struct {
	mu     sync.RWMutex
	offset time.Duration
}

// Now returns the simulated current time in UTC.
func (c *clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return time.Now().Add(c.offset).UTC()
}

// Set moves the simulated clock to t.
func (c *clock) Set(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
	return time.Now().Add(c.offset).UTC()
}

// Advance moves the simulated clock forward (or backward, for negative d).
func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	return time.Now().Add(c.offset).UTC()
}
