package rtms

import "time"

// Backoff is Zoom's reconnection advice: 3 s doubling to 30 s, a bounded
// number of attempts.
type Backoff struct {
	Initial  time.Duration // default 3 s
	Max      time.Duration // default 30 s
	Attempts int           // default 5
}

// DefaultBackoff is Zoom's advice.
var DefaultBackoff = Backoff{Initial: 3 * time.Second, Max: 30 * time.Second, Attempts: 5}

func (b Backoff) withDefaults() Backoff {
	if b.Initial <= 0 {
		b.Initial = DefaultBackoff.Initial
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	if b.Attempts <= 0 {
		b.Attempts = DefaultBackoff.Attempts
	}
	return b
}

// Delay is the wait before attempt n (0-based): Initial·2ⁿ capped at Max.
func (b Backoff) Delay(n int) time.Duration {
	b = b.withDefaults()
	d := b.Initial
	for i := 0; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}
