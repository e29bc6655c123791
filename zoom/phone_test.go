package zoom

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A phone recording decodes from the shapes seen for the same fields:
// number types and extensions as numbers or strings, a numeric call id.
func TestPhoneRecordingDecodesMixedShapes(t *testing.T) {
	f := newFakeZoom(t)
	var queries []string
	f.mux.HandleFunc("GET /v2/phone/users/{userId}/recordings", func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.PathValue("userId")+"?"+r.URL.RawQuery)
		_, _ = w.Write([]byte(`{"from":"2026-11-01","to":"2026-11-30","page_size":300,"total_records":1,"next_page_token":"",
			"recordings":[{"id":"r1","call_id":7261234567890123456,"caller_number":"+15550001111","caller_number_type":"2",
			"caller_name":"Carol","callee_number":101,"callee_number_type":1,"callee_name":"Ada","direction":"inbound",
			"duration":"95","download_url":"","file_url":"https://zoom.us/v2/phone/recording/download/k1",
			"date_time":"2026-11-03T10:00:00Z","end_time":"2026-11-03T10:01:35Z","recording_type":"Automatic",
			"owner":{"type":"user","id":"u1","name":"Ada","extension_number":"101"}}]}`))
	})
	c := f.client(t)
	list, _, err := c.Phone.ListRecordings(context.Background(), "u1", PhoneRecordingsOptions{
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), PageSize: 300,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) != 1 || !strings.Contains(queries[0], "from=2026-11-01") || !strings.Contains(queries[0], "to=2026-11-30") {
		t.Fatalf("queries %v", queries)
	}
	r := list.Recordings[0]
	if r.CallID != "7261234567890123456" || r.CallerNumberType != 2 || r.CalleeNumber != "101" || r.CalleeNumberType != 1 ||
		r.Duration != 95 || r.Owner.ExtensionNumber != "101" || r.URL() != "https://zoom.us/v2/phone/recording/download/k1" ||
		!r.DateTime.Equal(time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)) || r.EndTime.Sub(r.DateTime) != 95*time.Second {
		t.Fatalf("decoded %+v", r)
	}
}

// The window walk splits a long window into chunks Zoom accepts and follows
// next_page_token within each; a window over a month is refused locally.
func TestPhoneRecordingsWindowWalk(t *testing.T) {
	f := newFakeZoom(t)
	var seen []string
	f.mux.HandleFunc("GET /v2/phone/recordings", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		seen = append(seen, q.Get("from")+".."+q.Get("to")+"#"+q.Get("next_page_token"))
		next := ""
		if q.Get("next_page_token") == "" && q.Get("from") == "2026-09-01" {
			next = "p2"
		}
		writeJSON(w, http.StatusOK, map[string]any{"next_page_token": next, "recordings": []map[string]any{{"id": "r-" + q.Get("from") + q.Get("next_page_token")}}})
	})
	c := f.client(t)
	var ids []string
	err := c.Phone.ListRecordingsWindow(context.Background(), "", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), 0,
		func(_ DateRange, p *PhoneRecordingList) error {
			for _, r := range p.Recordings {
				ids = append(ids, r.ID)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-09-01..2026-09-30#", "2026-09-01..2026-09-30#p2", "2026-10-01..2026-10-15#"}
	if strings.Join(seen, " ") != strings.Join(want, " ") || len(ids) != 3 {
		t.Fatalf("requests %v (want %v), ids %v", seen, want, ids)
	}
	_, _, err = c.Phone.ListRecordings(context.Background(), "", PhoneRecordingsOptions{
		From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err == nil || !strings.Contains(err.Error(), "one month") {
		t.Fatalf("a two-month window: %v", err)
	}
}

// Phone listings are paced by Zoom Phone's own table (Medium 20/s on
// Business+), not the main API's (60/s).
func TestPhoneRecordingsUsePhoneLimiter(t *testing.T) {
	l := NewLimiter(PlanBusiness)
	if got, want := l.Limit("GET", "/phone/recordings"), l.Limit("GET", "/users/u1/recordings"); got != 20 || want != 60 {
		t.Fatalf("phone Medium %v/s, main Medium %v/s; want 20 and 60", got, want)
	}
}
