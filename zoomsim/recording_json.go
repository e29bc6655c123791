package zoomsim

import (
	"time"
)

// recordingFileJSON is one entry of recording_files. Zoom leaves id, status,
// file_size, recording_type and play_url out for CC and TIMELINE entries.
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
// return it.
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
	RecordingFiles        []recordingFileJSON    `json:"recording_files"`
	ParticipantAudioFiles []participantAudioJSON `json:"participant_audio_files,omitempty"`
	// GET /meetings/{id}/recordings only.
	RecordingPlayPasscode string `json:"recording_play_passcode,omitempty"`
	DownloadAccessToken   string `json:"download_access_token,omitempty"`
}

func zoomTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// renderMeeting renders m as of now. While a file is processing Zoom reports
// its size as 0.
func renderMeeting(m *meeting, base string, now time.Time) meetingJSON {
	out := meetingJSON{
		UUID: m.UUID, ID: m.ID, AccountID: m.acct.ID, HostID: m.Host.ID, Topic: m.Topic,
		Type: MeetingType{N: m.Type, AsString: m.TypeAsString}, StartTime: zoomTime(m.StartTime),
		Timezone: m.Timezone, Duration: m.Duration, ShareURL: base + "/rec/share/" + m.ShareOpaque,
		RecordingFiles: make([]recordingFileJSON, 0, len(m.files)),
	}
	for _, f := range m.files {
		e := recordingFileJSON{
			MeetingID: m.UUID, RecordingStart: zoomTime(f.RecStart), RecordingEnd: zoomTime(f.RecEnd),
			FileType: f.FileType, FileExtension: f.FileExtension, DownloadURL: base + "/rec/download/" + f.Opaque,
		}
		if !f.hidesFields() {
			status := f.status(now)
			size := f.Size
			if status == statusProcessing {
				size = 0
			}
			e.ID, e.Status, e.FileSize, e.RecordingType = f.ID, status, &size, f.RecordingType
			e.PlayURL = base + "/rec/play/" + f.Opaque
			out.TotalSize += size
		}
		out.RecordingFiles = append(out.RecordingFiles, e)
	}
	out.RecordingCount = len(out.RecordingFiles)
	for _, f := range m.participantAudio {
		status := f.status(now)
		size := f.Size
		if status == statusProcessing {
			size = 0
		}
		out.ParticipantAudioFiles = append(out.ParticipantAudioFiles, participantAudioJSON{
			ID: f.ID, RecordingStart: zoomTime(f.RecStart), RecordingEnd: zoomTime(f.RecEnd),
			FileName: f.FileName, FileType: f.FileType, FileExtension: f.FileExtension, FileSize: size,
			PlayURL: base + "/rec/play/" + f.Opaque, DownloadURL: base + "/rec/download/" + f.Opaque, Status: status,
		})
	}
	return out
}
