package zoomsim

import (
	"fmt"
	"time"
)

// ScenarioZoom chooses, per scenario, between behaviours Zoom has shown over
// time (scenario field "zoom"). The zero value is today's Zoom where the
// pipeline copes with it; the fields turn on what it does not yet handle
// everywhere, or the older behaviour.
type ScenarioZoom struct {
	// LateTranscripts makes transcripts finish after the other files and
	// arrive in their own recording.transcript_completed event (own
	// download_token, only the TRANSCRIPT files); recording.completed then
	// leaves TRANSCRIPT files out. A TRANSCRIPT that is processing at load
	// completes TranscriptLag after the meeting's last other file.
	// Absent: lateTranscriptsByDefault.
	LateTranscripts *bool `json:"late_transcripts,omitempty"`
	// TranscriptLag is that delay as a Go duration (default "10m").
	TranscriptLag FaultDuration `json:"transcript_lag,omitempty"`
	// DashboardDurationHHMMSS renders every dashboard duration as HH:MM:SS,
	// as older answers did; by default it is MM:SS under an hour.
	DashboardDurationHHMMSS bool `json:"dashboard_duration_hh_mm_ss,omitempty"`
}

const defaultTranscriptLag = 10 * time.Minute

// lateTranscriptsByDefault: as on today's Zoom, transcripts finish after the
// other files and are announced by recording.transcript_completed.
const lateTranscriptsByDefault = true

func (z *ScenarioZoom) lateTranscripts() bool {
	if z == nil || z.LateTranscripts == nil {
		return lateTranscriptsByDefault
	}
	return *z.LateTranscripts
}

func (z *ScenarioZoom) transcriptLag() time.Duration {
	if z == nil || z.TranscriptLag <= 0 {
		return defaultTranscriptLag
	}
	return time.Duration(z.TranscriptLag)
}

// delayTranscripts moves each processing TRANSCRIPT of m to complete lag
// after the meeting's last other file, so that it finishes after them.
func delayTranscripts(m *meeting, lag time.Duration) {
	var last time.Time
	for _, f := range m.files {
		if f.FileType != "TRANSCRIPT" && f.CompletesAt.After(last) {
			last = f.CompletesAt
		}
	}
	if last.IsZero() {
		return
	}
	for _, f := range m.files {
		if f.FileType == "TRANSCRIPT" && !f.CompletesAt.IsZero() && !f.CompletesAt.After(last) {
			f.CompletesAt = last.Add(lag)
		}
	}
}

// lateTranscript reports whether f is announced by
// recording.transcript_completed rather than recording.completed.
func (f *recFile) lateTranscript() bool {
	return f.m.acct.zoom.lateTranscripts() && !f.Participant && f.FileType == "TRANSCRIPT"
}

// dashboardDuration renders a dashboard duration: MM:SS under an hour and
// HH:MM:SS above, as Zoom does, or always HH:MM:SS with
// dashboard_duration_hh_mm_ss.
func (z *ScenarioZoom) dashboardDuration(d time.Duration) string {
	if d < time.Hour && (z == nil || !z.DashboardDurationHHMMSS) {
		s := int64(d / time.Second)
		return fmt.Sprintf("%02d:%02d", s/60, s%60)
	}
	return zoomDuration(d)
}
