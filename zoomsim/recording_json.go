package zoomsim

import (
	"time"
)

// recordingFileJSON is one entry of recording_files. Pointers and omitempty
// let one struct carry every shape Zoom has used: today's (TIMELINE with id,
// status, file_size and recording_type but no play_url), the 2019–2020 one
// (CC and TIMELINE without id, status, file_size, recording_type) and a file
// still being recorded (file_type "", recording_end "", file_size 0).
type recordingFileJSON struct {
	ID             string `json:"id,omitempty"`
	MeetingID      string `json:"meeting_id"`
	RecordingStart string `json:"recording_start"`
	RecordingEnd   string `json:"recording_end"`
	FileType       string `json:"file_type"`
	FileExtension  string `json:"file_extension"`
	FileSize       *int64 `json:"file_size,omitempty"`
	PlayURL        string `json:"play_url,omitempty"`
	DownloadURL    string `json:"download_url"`
	Status         string `json:"status,omitempty"`
	RecordingType  string `json:"recording_type,omitempty"`
}

// participantAudioJSON is one entry of participant_audio_files.
type participantAudioJSON struct {
	ID             string `json:"id"`
	RecordingStart string `json:"recording_start"`
	RecordingEnd   string `json:"recording_end"`
	FileName       string `json:"file_name"`
	FileType       string `json:"file_type"`
	FileExtension  string `json:"file_extension"`
	FileSize       int64  `json:"file_size"`
	PlayURL        string `json:"play_url"`
	DownloadURL    string `json:"download_url"`
	Status         string `json:"status"`
}

// meetingJSON is a meeting with its recordings, as both recording endpoints
// return it. RecordingFiles is omitted when nil (a meeting whose recording
// was too short comes without the key), kept when empty.
type meetingJSON struct {
	UUID                  string                 `json:"uuid"`
	ID                    int64                  `json:"id"`
	AccountID             string                 `json:"account_id"`
	HostID                string                 `json:"host_id"`
	Topic                 string                 `json:"topic"`
	Type                  MeetingType            `json:"type"`
	StartTime             string                 `json:"start_time"`
	Timezone              string                 `json:"timezone"`
	Duration              int                    `json:"duration"`
	TotalSize             int64                  `json:"total_size"`
	RecordingCount        int                    `json:"recording_count"`
	ShareURL              string                 `json:"share_url"`
	RecordingFiles        []recordingFileJSON    `json:"recording_files,omitzero"`
	ParticipantAudioFiles []participantAudioJSON `json:"participant_audio_files,omitempty"`
	// GET /meetings/{id}/recordings only.
	RecordingPlayPasscode string `json:"recording_play_passcode,omitempty"`
	DownloadAccessToken   string `json:"download_access_token,omitempty"`
}

func zoomTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// renderOpts says how to render a meeting: for which request (base URL,
// simulated time), in which entry shapes, with which download URLs and which
// of its files.
type renderOpts struct {
	base string
	now  time.Time
	// legacy holds the file types rendered in the 2019–2020 shape (the
	// legacy_file_shapes fault).
	legacy map[string]bool
	// webhook selects the URLs webhooks carry (/rec/webhook_download/{a}/{b})
	// instead of the API's (/rec/download/{a}).
	webhook bool
	// keep selects the files to render (nil: every file).
	keep func(*recFile) bool
}

func (o renderOpts) keeps(f *recFile) bool { return o.keep == nil || o.keep(f) }

// downloadURL is the file's download URL as the API or a webhook names it.
func (o renderOpts) downloadURL(f *recFile) string {
	if o.webhook {
		return o.base + "/rec/webhook_download/" + f.Opaque + "/" + f.WebhookOpaque
	}
	return o.base + "/rec/download/" + f.Opaque
}

// renderMeeting renders m as of o.now. While a file is processing Zoom
// reports its size as 0. recording_count leaves SUMMARY files out, as a real
// 2024 listing did (4 recordings for 6 files).
func renderMeeting(m *meeting, o renderOpts) meetingJSON {
	out := meetingJSON{
		UUID: m.UUID, ID: m.ID, AccountID: m.acct.ID, HostID: m.Host.ID, Topic: m.Topic,
		Type: MeetingType{N: m.Type, AsString: m.TypeAsString}, StartTime: zoomTime(m.StartTime),
		Timezone: m.Timezone, Duration: m.Duration, ShareURL: o.base + "/rec/share/" + m.ShareOpaque,
	}
	if !m.NoRecordingFiles {
		out.RecordingFiles = make([]recordingFileJSON, 0, len(m.files))
	}
	for _, f := range m.files {
		if m.NoRecordingFiles || !o.keeps(f) {
			continue
		}
		e, size := renderFile(f, o)
		out.TotalSize += size
		if f.FileType != "SUMMARY" {
			out.RecordingCount++
		}
		out.RecordingFiles = append(out.RecordingFiles, e)
	}
	for _, f := range m.participantAudio {
		if !o.keeps(f) {
			continue
		}
		status := f.status(o.now)
		size := f.Size
		if status == statusProcessing {
			size = 0
		}
		out.ParticipantAudioFiles = append(out.ParticipantAudioFiles, participantAudioJSON{
			ID: f.ID, RecordingStart: zoomTime(f.RecStart), RecordingEnd: zoomTime(f.RecEnd),
			FileName: f.FileName, FileType: f.FileType, FileExtension: f.FileExtension, FileSize: size,
			PlayURL: o.base + "/rec/play/" + f.Opaque, DownloadURL: o.downloadURL(f), Status: status,
		})
	}
	return out
}

// renderFile renders one recording_files entry and returns the size it
// reports (0 while processing or when the shape has no file_size).
func renderFile(f *recFile, o renderOpts) (recordingFileJSON, int64) {
	status := f.status(o.now)
	size := f.Size
	if status == statusProcessing {
		size = 0
	}
	e := recordingFileJSON{
		MeetingID: f.m.UUID, RecordingStart: zoomTime(f.RecStart), RecordingEnd: zoomTime(f.RecEnd),
		FileType: f.FileType, FileExtension: f.FileExtension, DownloadURL: o.downloadURL(f),
	}
	if o.legacy[f.FileType] && f.hidesFieldsWhenLegacy() {
		return e, 0
	}
	e.ID, e.Status, e.FileSize, e.RecordingType = f.ID, status, &size, f.RecordingType
	if !f.noPlayURL() {
		e.PlayURL = o.base + "/rec/play/" + f.Opaque
	}
	if f.StillRecording && status == statusProcessing {
		e.FileType, e.RecordingEnd = "", ""
	}
	return e, size
}
