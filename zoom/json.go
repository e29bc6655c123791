package zoom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Zoom is loose about JSON types: ids and enums come as numbers or strings,
// optional fields are absent, null or "". These helpers decode such values.

// flexInt64 decodes a number, a numeric string, null or "".
type flexInt64 struct {
	V   int64
	Set bool // present and not null/""
}

func (f *flexInt64) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = flexInt64{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*f = flexInt64{}
			return nil
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// Accept integral floats such as 2.0 or 1e3.
		fl, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || fl != float64(int64(fl)) {
			return fmt.Errorf("zoom: %s is not an integer", string(b))
		}
		n = int64(fl)
	}
	*f = flexInt64{V: n, Set: true}
	return nil
}

// zoomTime decodes Zoom's date-times ("2026-01-15T10:00:00Z"); absent, null,
// "" and unparsable values give the zero time rather than failing a whole
// listing.
type zoomTime struct{ T time.Time }

func (z *zoomTime) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil || s == nil {
		z.T = time.Time{}
		return nil
	}
	z.T = parseZoomTime(*s)
	return nil
}

func parseZoomTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.IsZero() {
				return time.Time{}
			}
			return t.UTC()
		}
	}
	return time.Time{}
}

// formatZoomTime formats t as Zoom does, "" for the zero time.
func formatZoomTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// flexString decodes a string, a number (kept as written), null or "".
type flexString struct{ V string }

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		f.V = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &f.V)
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("zoom: %s is neither a string nor a number", string(b))
	}
	f.V = n.String()
	return nil
}

// clockDuration decodes a meeting duration sent either as "HH:MM:SS" (hours
// may exceed 24; "MM:SS" also accepted) or as a number of minutes (a JSON
// number or a numeric string). Raw keeps the value as sent; an unreadable
// value gives D == 0 rather than failing a whole listing.
type clockDuration struct {
	D   time.Duration
	Raw string
}

func (c *clockDuration) UnmarshalJSON(b []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(b); err != nil {
		*c = clockDuration{}
		return nil
	}
	c.Raw = strings.TrimSpace(s.V)
	c.D, _ = parseClockDuration(c.Raw)
	return nil
}

func parseClockDuration(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	if !strings.Contains(s, ":") {
		m, err := strconv.ParseFloat(s, 64)
		if err != nil || m < 0 {
			return 0, false
		}
		return time.Duration(m * float64(time.Minute)).Round(time.Second), true
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, false
	}
	var d time.Duration
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || (i > 0 && n > 59) {
			return 0, false
		}
		d = d*60 + time.Duration(n)
	}
	return d * time.Second, true
}
