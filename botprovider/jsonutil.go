package botprovider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

var jsonNull = []byte("null")

// ID is an identifier that providers send either as a JSON string or as a
// JSON number (participant ids are integers in Recall's API, strings in
// others). It always holds the textual form.
type ID string

// UnmarshalJSON accepts a string, a number or null.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, jsonNull) {
		*id = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("botprovider: id must be a string or a number, got %s", snippet(b, 40))
	}
	*id = ID(n.String())
	return nil
}

// Metadata is the provider's free-form key/value metadata. Values are strings
// in Recall's API; other scalar values from compatible services are kept as
// their JSON text and nulls are dropped.
type Metadata map[string]string

// UnmarshalJSON accepts an object or null.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), jsonNull) {
		*m = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("botprovider: metadata must be an object: %w", err)
	}
	out := make(Metadata, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		if bytes.Equal(v, jsonNull) {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
			continue
		}
		out[k] = string(v)
	}
	*m = out
	return nil
}

// timeLayouts are tried in order; layouts without a zone are read as UTC
// (Python's naive datetimes serialise that way).
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("botprovider: unreadable time %q (want RFC 3339)", s)
}

// jsonTime decodes a lenient timestamp: null or "" is the zero time.
type jsonTime time.Time

func (t *jsonTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), jsonNull) {
		*t = jsonTime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("botprovider: time must be a string: %w", err)
	}
	v, err := parseTime(s)
	if err != nil {
		return err
	}
	*t = jsonTime(v)
	return nil
}
