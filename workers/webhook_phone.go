package main

import (
	"context"
	"net/http"
	"time"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/zoom"
)

// phoneRecordingCompleted handles phone.recording_completed: each finished
// call recording starts (or signals) its own ArchiveMeeting with source
// "phone", like recording.completed does for a meeting. The event carries
// no download token: the MP3 is fetched with the account's OAuth token.
func (h *zoomWebhooks) phoneRecordingCompleted(ctx context.Context, w http.ResponseWriter, ev envelope, t webhookTenant, body []byte, when time.Time) {
	pe, err := zoom.ParsePhoneRecordingCompleted(body)
	if err != nil || len(pe.Payload.Object.Recordings) == 0 {
		h.reject(w, http.StatusBadRequest, outcomeMalformed, ev.Event+" without recordings")
		return
	}
	for _, rec := range pe.Payload.Object.Recordings {
		if rec.ID == "" || rec.URL() == "" {
			continue
		}
		if err := h.sink.RecordingCompleted(ctx, t.ID, activities.MeetingFromPhone(rec), "", when); err != nil {
			h.fail(w, ev, t, err)
			return
		}
	}
	h.metrics.outcome(ev.Event, outcomeAccepted)
	w.WriteHeader(http.StatusOK)
}
