package store

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzRedactWebhookBody: any body Zoom (or a forger with the tenant's
// secret) sends is stored as valid JSON in which no credential field keeps
// its value, and redacting twice changes nothing.
func FuzzRedactWebhookBody(f *testing.F) {
	f.Add([]byte(`{"event":"recording.completed","download_token":"abc","payload":{"object":{"password":"p","recording_files":[{"download_url":"https://zoom.us/rec/x?access_token=t"}]}}}`))
	f.Add([]byte(`{"payload":{"plainToken":"pt"},"event":"endpoint.url_validation"}`))
	f.Add([]byte(`[{"Download_Token":1},{"zak":{"x":"y"}}]`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, body []byte) {
		out, _ := RedactWebhookBody(body)
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("stored body is not JSON: %s", out)
		}
		if again, changed := RedactWebhookBody(out); changed {
			t.Fatalf("redacting twice changed the body:\n%s\n%s", out, again)
		}
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, val := range x {
					if redactedFields[strings.ToLower(k)] && val != redacted {
						t.Fatalf("field %q kept its value %v", k, val)
					}
					walk(val)
				}
			case []any:
				for _, val := range x {
					walk(val)
				}
			}
		}
		walk(v)
	})
}
