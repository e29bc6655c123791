package zoomsim

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Truth is the ground truth, GET /_sim/truth: every file and conversation the
// simulator holds, with the status each has on the simulator clock.
type Truth struct {
	Now           string              `json:"now"`
	Files         []TruthFile         `json:"files"`
	Conversations []TruthConversation `json:"conversations"`
	// Bots are the bots created since the scenario was loaded (bots_hub.go).
	Bots []BotTruth `json:"bots"`
	// RTMS are the RTMS streams started (rtms_hub.go).
	RTMS []RTMSTruth `json:"rtms"`
}

// TruthFile is one file. FileID is the simulator's own id, also where Zoom
// shows none (CC and TIMELINE entries in the older shape).
type TruthFile struct {
	AccountID        string `json:"account_id"`
	Source           string `json:"source"`
	ConversationUUID string `json:"conversation_uuid"`
	MeetingID        int64  `json:"meeting_id"`
	FileID           string `json:"file_id"`
	FileType         string `json:"file_type"`
	FileExtension    string `json:"file_extension"`
	RecordingType    string `json:"recording_type,omitempty"`
	ParticipantAudio bool   `json:"participant_audio,omitempty"`
	Status           string `json:"status"`
	Size             int64  `json:"size"`
	SHA256           string `json:"sha256,omitempty"`
	DownloadURL      string `json:"download_url"`
	// WebhookDownloadURL is the URL webhooks name the same file by.
	WebhookDownloadURL string `json:"webhook_download_url"`
	// TrashState is "none", "trashed" (in the trash, recoverable) or
	// "deleted" (DELETE …/recordings with action=delete).
	TrashState string `json:"trash_state"`
}

// TruthConversation is one recorded meeting instance.
type TruthConversation struct {
	AccountID        string `json:"account_id"`
	Source           string `json:"source"`
	ConversationUUID string `json:"conversation_uuid"`
	MeetingID        int64  `json:"meeting_id"`
	HostID           string `json:"host_id"`
	HostEmail        string `json:"host_email"`
	Topic            string `json:"topic"`
	Type             int    `json:"type"`
	StartTime        string `json:"start_time"`
	Duration         int    `json:"duration"`
	FileCount        int    `json:"file_count"`
	TotalSize        int64  `json:"total_size"`
	// Call is a Zoom Phone recording's call (source "phone").
	Call *TruthCall `json:"call,omitempty"`
}

const sourceMeeting = "meeting"

// Truth returns the ground truth; withSHA computes (and caches) every file's
// SHA-256 by streaming its generator, which takes a while for large files.
// Download URLs use the Start address.
func (s *Server) Truth(withSHA bool) Truth { return s.truth(s.URL(), withSHA) }

func (s *Server) truth(base string, withSHA bool) Truth {
	wd, now := s.world(), s.clock.Now()
	t := Truth{Now: now.Format(time.RFC3339Nano), Files: []TruthFile{}, Conversations: []TruthConversation{}}
	for _, a := range wd.accounts {
		for _, m := range a.meetings {
			conv := TruthConversation{
				AccountID: a.ID, Source: m.source(), ConversationUUID: m.UUID, MeetingID: m.ID,
				HostID: m.Host.ID, HostEmail: m.Host.Email, Topic: m.Topic, Type: m.Type,
				StartTime: zoomTime(m.StartTime), Duration: m.Duration,
			}
			for _, f := range m.allFiles() {
				t.Files = append(t.Files, TruthFile{
					AccountID: a.ID, Source: m.source(), ConversationUUID: m.UUID, MeetingID: m.ID,
					FileID: f.ID, FileType: f.FileType, FileExtension: f.FileExtension, RecordingType: f.RecordingType,
					ParticipantAudio: f.Participant, Status: f.status(now), Size: f.Size,
					DownloadURL:        base + "/rec/download/" + f.Opaque,
					WebhookDownloadURL: base + "/rec/webhook_download/" + f.Opaque + "/" + f.WebhookOpaque,
					TrashState:         s.trash.fileState(f),
				})
				conv.FileCount++
				conv.TotalSize += f.Size
			}
			t.Conversations = append(t.Conversations, conv)
		}
		t.Files, t.Conversations = s.phoneTruth(a, base, now, t.Files, t.Conversations)
	}
	if withSHA {
		s.fillDigests(wd, t.Files)
	}
	t.Bots = s.bots.state().Bots
	t.RTMS = s.rtmsHub().truth()
	return t
}

// fillDigests computes the files' SHA-256s on all CPUs.
func (s *Server) fillDigests(wd *world, files []TruthFile) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				files[i].SHA256 = s.digests.sum(keyOf(wd.seed, wd.fileByID[files[i].FileID]))
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// FileSHA256 returns the hex SHA-256 of a file's bytes, or "" for an unknown id.
func (s *Server) FileSHA256(fileID string) string {
	wd := s.world()
	f := wd.fileByID[fileID]
	if f == nil {
		return ""
	}
	return s.digests.sum(keyOf(wd.seed, f))
}

// IssueDownloadToken mints the download_token a recording.completed webhook
// carries for a meeting instance (Zoom's are valid for 24 hours).
func (s *Server) IssueDownloadToken(meetingUUID string, ttl time.Duration) (string, error) {
	now := s.clock.Now()
	for _, a := range s.world().accounts {
		if m := a.meetingByUUID[meetingUUID]; m != nil {
			return s.tokens.issue(grant{kind: tokenWebhook, accountID: a.ID, meetingUUID: m.UUID, expires: now.Add(ttl)}, now), nil
		}
	}
	return "", fmt.Errorf("zoomsim: no meeting with uuid %q", meetingUUID)
}
