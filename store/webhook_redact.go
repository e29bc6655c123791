package store

import (
	"context"
	"encoding/json"
	"strings"
)

// redactedFields are JSON keys whose values are credentials: Zoom's
// download_token (valid 24 h for every file of the meeting), access tokens,
// the URL-validation plainToken, meeting passwords. A webhook body kept in
// webhook_events carries "[redacted]" in their place, wherever they nest.
var redactedFields = map[string]bool{
	"download_token":        true,
	"download_access_token": true,
	"access_token":          true,
	"refresh_token":         true,
	"token":                 true,
	"plaintoken":            true,
	"encryptedtoken":        true,
	"password":              true,
	"passcode":              true,
	"encrypted_password":    true,
	"h323_password":         true,
	"pstn_password":         true,
	"join_token":            true,
	"zak":                   true,
}

const redacted = "[redacted]"

// RedactWebhookBody returns body with credential values replaced and query
// strings dropped from URLs that carry a token (…?access_token=…); the
// second result says whether anything changed. A body that is not JSON is
// returned as JSON null: it cannot be searched for tokens, so it is not kept.
func RedactWebhookBody(body []byte) (json.RawMessage, bool) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return json.RawMessage(`null`), true
	}
	v, changed := redactValue(v)
	if !changed {
		return body, false
	}
	out, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`null`), true
	}
	return out, true
}

func redactValue(v any) (any, bool) {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if redactedFields[strings.ToLower(k)] {
				if s, ok := val.(string); !ok || s != redacted {
					x[k] = redacted
					changed = true
				}
				continue
			}
			nv, c := redactValue(val)
			x[k], changed = nv, changed || c
		}
	case []any:
		for i, val := range x {
			nv, c := redactValue(val)
			x[i], changed = nv, changed || c
		}
	case string:
		if i := strings.IndexByte(x, '?'); i >= 0 && strings.HasPrefix(x, "http") && tokenQuery(x[i+1:]) {
			return x[:i], true
		}
	}
	return v, changed
}

func tokenQuery(q string) bool {
	q = strings.ToLower(q)
	return strings.Contains(q, "token=") || strings.Contains(q, "signature=") || strings.Contains(q, "pwd=")
}

// redactStoredWebhookEvents strips tokens from webhook_events rows written
// before NoteEvent redacted bodies.
func (s *Store) redactStoredWebhookEvents(ctx context.Context) (int, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, payload FROM webhook_events`)
	if err != nil {
		return 0, err
	}
	type fix struct {
		id      int64
		payload json.RawMessage
	}
	var fixes []fix
	for rows.Next() {
		var id int64
		var payload []byte
		if err := rows.Scan(&id, &payload); err != nil {
			rows.Close()
			return 0, err
		}
		if clean, changed := RedactWebhookBody(payload); changed {
			fixes = append(fixes, fix{id, clean})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, f := range fixes {
		if _, err := s.pool.Exec(ctx, `UPDATE webhook_events SET payload = $1 WHERE id = $2`, f.payload, f.id); err != nil {
			return 0, err
		}
	}
	return len(fixes), nil
}
