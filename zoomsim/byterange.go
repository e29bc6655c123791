package zoomsim

import (
	"strconv"
	"strings"
)

// parseRange interprets a Range header for a file of size bytes. It supports
// the single ranges "bytes=N-", "bytes=N-M" and "bytes=-N"; anything else
// (absent, other units, several ranges, malformed) asks for the whole file.
// It returns the half-open interval [start, end), whether it is partial, and
// ok=false when the range cannot be satisfied (416).
func parseRange(h string, size int64) (start, end int64, partial, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, size, false, true
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, size, false, true
	}
	if first == "" { // suffix: the last N bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, size, false, true
		}
		if n == 0 {
			return 0, 0, false, false
		}
		return max(size-n, 0), size, true, true
	}
	s, err := strconv.ParseInt(first, 10, 64)
	if err != nil || s < 0 {
		return 0, size, false, true
	}
	e := size - 1
	if last != "" {
		if e, err = strconv.ParseInt(last, 10, 64); err != nil || e < s {
			return 0, size, false, true
		}
		e = min(e, size-1)
	}
	if s >= size {
		return 0, 0, false, false
	}
	return s, e + 1, true, true
}
