package zoomsim

import (
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// archiveWindow is the longest from–to span GET /archive_files accepts.
const archiveWindow = 7 * 24 * time.Hour

// archiveFileTypes are the recording file types archiving keeps, with the
// recording_type archiving reports for them.
var archiveFileTypes = map[string]string{
	"MP4": "shared_screen_with_speaker_view", "M4A": "audio_only", "CHAT": "chat_file",
	"CC": "closed_caption", "TRANSCRIPT": "audio_transcript",
}

// archiveFileJSON is one entry of archive_files (rivet:
// ArchivingListArchivedFilesResponse).
type archiveFileJSON struct {
	ID                    string `json:"id"`
	FileType              string `json:"file_type"`
	FileExtension         string `json:"file_extension"`
	FileSize              int64  `json:"file_size"`
	DownloadURL           string `json:"download_url"`
	Status                string `json:"status"`
	RecordingType         string `json:"recording_type"`
	Individual            bool   `json:"individual"`
	ParticipantEmail      string `json:"participant_email,omitempty"`
	ParticipantJoinTime   string `json:"participant_join_time"`
	ParticipantLeaveTime  string `json:"participant_leave_time"`
	EncryptionFingerprint string `json:"encryption_fingerprint"`
}

// archivedMeetingJSON is one archived meeting.
type archivedMeetingJSON struct {
	UUID             string            `json:"uuid"`
	ID               int64             `json:"id"`
	HostID           string            `json:"host_id"`
	Topic            string            `json:"topic"`
	Type             int               `json:"type"`
	StartTime        string            `json:"start_time"`
	Timezone         string            `json:"timezone"`
	Duration         int               `json:"duration"`
	DurationInSecond int               `json:"duration_in_second"`
	TotalSize        int64             `json:"total_size"`
	RecordingCount   int               `json:"recording_count"`
	MeetingType      string            `json:"meeting_type"`
	AccountName      string            `json:"account_name"`
	CompleteTime     string            `json:"complete_time"`
	IsBreakoutRoom   bool              `json:"is_breakout_room"`
	Status           string            `json:"status"`
	ArchiveFiles     []archiveFileJSON `json:"archive_files"`
}

type archiveFilesResponse struct {
	From          string                `json:"from"`
	To            string                `json:"to"`
	PageSize      int                   `json:"page_size"`
	TotalRecords  int                   `json:"total_records"`
	NextPageToken string                `json:"next_page_token"`
	Meetings      []archivedMeetingJSON `json:"meetings"`
}

// isArchived reports whether archiving holds files of the meeting.
func isArchived(m *meeting) bool {
	if len(m.participantAudio) > 0 {
		return true
	}
	for _, f := range m.files {
		if _, ok := archiveFileTypes[f.FileType]; ok {
			return true
		}
	}
	return false
}

// archiveCompleteTime is when archiving finished: five minutes after the
// meeting ended, or when its last file completes if that is later.
func archiveCompleteTime(m *meeting) time.Time {
	t := meetingEnd(m).Add(5 * time.Minute)
	for _, f := range m.allFiles() {
		if f.CompletesAt.After(t) {
			t = f.CompletesAt
		}
	}
	return t
}

// parseArchiveTime reads Zoom's yyyy-MM-dd'T'HH:mm:ssZ or a plain date; a
// plain date as "to" stands for the end of that day.
func parseArchiveTime(w http.ResponseWriter, v, field string, def time.Time, endOfDay bool) (time.Time, bool) {
	if v == "" {
		return def, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), true
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		writeFieldError(w, field, "Invalid field.")
		return t, false
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, true
}

// listArchiveFiles is GET /v2/archive_files?from&to&page_size&next_page_token&
// query_date_type (Medium). The window is at most seven days (default: the
// day before now). Every ended meeting with archivable files is listed with
// its MP4/M4A/CHAT/CC/TRANSCRIPT files (individual: false) and its
// per-participant audio files (individual: true, with the participant's email
// and join/leave times). Files keep their recording ids and download URLs.
func (s *Server) listArchiveFiles(w http.ResponseWriter, r *http.Request, c *call) {
	q := r.URL.Query()
	to, ok := parseArchiveTime(w, q.Get("to"), "to", c.now.Truncate(time.Second), true)
	if !ok {
		return
	}
	from, ok := parseArchiveTime(w, q.Get("from"), "from", to.Add(-24*time.Hour), false)
	if !ok {
		return
	}
	if to.Before(from) {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The from date cannot be later than the to date.")
		return
	}
	if to.Sub(from) > archiveWindow {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "The date range between from and to can only be seven days.")
		return
	}
	byComplete := q.Get("query_date_type") == "archive_complete_time"
	var matched []*meeting
	for _, m := range c.acct.meetings {
		if !isArchived(m) || meetingPhase(m, c.now) != "past" {
			continue
		}
		at := m.StartTime
		if byComplete {
			if at = archiveCompleteTime(m); at.After(c.now) {
				continue
			}
		}
		if !at.Before(from) && !at.After(to) {
			matched = append(matched, m)
		}
	}
	listing := strings.Join([]string{"archive", zoomTime(from), zoomTime(to), q.Get("query_date_type")}, "|")
	p, ok := s.paginate(w, r, c, listing, len(matched))
	if !ok {
		return
	}
	resp := archiveFilesResponse{
		From: zoomTime(from), To: zoomTime(to), PageSize: p.size, TotalRecords: len(matched),
		NextPageToken: p.next, Meetings: []archivedMeetingJSON{},
	}
	lo, hi := p.slice(len(matched))
	for _, m := range matched[lo:hi] {
		resp.Meetings = append(resp.Meetings, renderArchivedMeeting(c, m))
	}
	writeJSON(w, http.StatusOK, resp)
}

func renderArchivedMeeting(c *call, m *meeting) archivedMeetingJSON {
	ps := participantsOf(c.w.seed, m)
	end := meetingEnd(m)
	out := archivedMeetingJSON{
		UUID: m.UUID, ID: m.ID, HostID: m.Host.ID, Topic: m.Topic, Type: m.Type,
		StartTime: zoomTime(m.StartTime), Timezone: m.Timezone, Duration: m.Duration,
		DurationInSecond: m.Duration * 60, MeetingType: "internal", AccountName: accountName(m.acct),
		CompleteTime: zoomTime(archiveCompleteTime(m)), Status: statusCompleted, ArchiveFiles: []archiveFileJSON{},
	}
	for _, p := range ps {
		if p.userID == "" {
			out.MeetingType = "external"
		}
	}
	add := func(f *recFile, recType string, individual bool, email string, join, leave time.Time) {
		status, size := f.status(c.now), f.Size
		if status == statusProcessing {
			size = 0
			out.Status = statusProcessing
		}
		out.TotalSize += size
		out.ArchiveFiles = append(out.ArchiveFiles, archiveFileJSON{
			ID: f.ID, FileType: f.FileType, FileExtension: f.FileExtension, FileSize: size,
			DownloadURL: c.base + "/rec/download/" + f.Opaque, Status: status, RecordingType: recType,
			Individual: individual, ParticipantEmail: email,
			ParticipantJoinTime: zoomTime(join), ParticipantLeaveTime: zoomTime(leave),
			EncryptionFingerprint: fingerprint(c.w.seed, f.ID),
		})
	}
	for _, f := range m.files {
		if recType, ok := archiveFileTypes[f.FileType]; ok {
			add(f, recType, false, "", m.StartTime, end)
		}
	}
	for _, p := range ps {
		if p.audio != nil {
			add(p.audio, "audio_only", true, p.email, p.join, p.leave)
		}
	}
	out.RecordingCount = len(out.ArchiveFiles)
	return out
}

// fingerprint stands in for the SHA-256 Zoom reports per archived file: it is
// derived from the file id, not computed over the bytes.
func fingerprint(seed int64, fileID string) string {
	sum := deriver{seed: seed}.sum("fingerprint/" + fileID)
	return hex.EncodeToString(sum[:])
}

// accountName names an account after its owner's email domain ("acme").
func accountName(a *account) string {
	if len(a.users) == 0 {
		return a.ID
	}
	_, domain, _ := strings.Cut(a.users[0].Email, "@")
	name, _, _ := strings.Cut(domain, ".")
	return name
}
