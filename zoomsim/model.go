package zoomsim

import (
	"strings"
	"time"
)

// world is one loaded scenario. It is immutable once built: a new scenario
// replaces the whole world, so readers only need the pointer.
type world struct {
	seed     int64
	scenario Scenario // the explicit form it was built from (ids filled in)

	accounts        []*account
	accountByID     map[string]*account
	accountByClient map[string]*account
	fileByOpaque    map[string]*recFile
	fileByID        map[string]*recFile
	liveMeetingByID map[int64]*liveMeeting
}

type account struct {
	ID                 string
	ClientID           string
	ClientSecret       string
	WebhookSecretToken string
	Plan               string
	rateLimits         *RateLimits   // scenario override of the plan's limits
	zoom               *ScenarioZoom // the scenario's behaviour options (nil: defaults)

	users       []*user
	userByID    map[string]*user
	userByEmail map[string]*user // lower-cased

	meetings       []*meeting // newest first
	meetingByUUID  map[string]*meeting
	meetingsByID   map[int64][]*meeting  // instances, newest first
	meetingsByHost map[string][]*meeting // host id → newest first

	phoneCalls []*phoneCall          // Zoom Phone recordings, newest first (phone.go)
	phoneByKey map[string]*phoneCall // by download key
	phoneByID  map[string]*phoneCall // by recording id
}

// findUser resolves a path userId: a user id, an email address, or "me" (the
// account owner, the first user).
func (a *account) findUser(idOrEmail string) *user {
	if idOrEmail == "me" && len(a.users) > 0 {
		return a.users[0]
	}
	if u := a.userByID[idOrEmail]; u != nil {
		return u
	}
	return a.userByEmail[strings.ToLower(idOrEmail)]
}

type user struct {
	ID        string
	Email     string
	FirstName string
	LastName  string
	Type      int
	Status    string
	Timezone  string
	PMI       int64
	CreatedAt time.Time
	Settings  userSettings
}

func (u *user) displayName() string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

type meeting struct {
	acct         *account
	UUID         string
	ID           int64
	Host         *user
	Topic        string
	Type         int
	TypeAsString bool
	StartTime    time.Time
	Duration     int // minutes
	Timezone     string
	ShareOpaque  string
	// NoRecordingFiles leaves the recording_files key out, as Zoom does for
	// a recording too short to keep.
	NoRecordingFiles bool
	// SeriesStart is the start of the recurring series the instance belongs
	// to; webhooks show it as start_time when set.
	SeriesStart time.Time

	files            []*recFile
	participantAudio []*recFile
}

// allFiles lists recording files then participant audio files.
func (m *meeting) allFiles() []*recFile {
	out := make([]*recFile, 0, len(m.files)+len(m.participantAudio))
	out = append(out, m.files...)
	return append(out, m.participantAudio...)
}

// recFile is one recording file. Its bytes are never stored: they are generated
// from (world seed, ID) whenever they are read.
type recFile struct {
	m             *meeting
	ID            string
	FileType      string
	FileExtension string
	RecordingType string
	FileName      string // participant audio only
	Size          int64
	baseStatus    string
	CompletesAt   time.Time // zero: status is baseStatus forever
	RecStart      time.Time
	RecEnd        time.Time
	Opaque        string
	// WebhookOpaque is the second path segment of the URL webhooks name the
	// file by, /rec/webhook_download/{Opaque}/{WebhookOpaque}.
	WebhookOpaque string
	Participant   bool
	// StillRecording renders the entry as Zoom shows a file still being
	// recorded while it is processing: file_type "", recording_end "",
	// file_size 0.
	StillRecording bool
}

// status is "completed" or "processing" at the given simulated time.
func (f *recFile) status(now time.Time) string {
	if !f.CompletesAt.IsZero() {
		if now.Before(f.CompletesAt) {
			return statusProcessing
		}
		return statusCompleted
	}
	return f.baseStatus
}

// hidesFieldsWhenLegacy reports whether the 2019–2020 shape omitted id,
// status, file_size, recording_type and play_url for this entry (closed
// captions and the timeline did).
func (f *recFile) hidesFieldsWhenLegacy() bool {
	return f.FileType == "CC" || f.FileType == "TIMELINE" || f.FileType == "TB"
}

// noPlayURL reports whether Zoom gives the entry no play_url: the timeline
// (still so in 2023–2024 payloads) and closed captions, which cannot be played.
func (f *recFile) noPlayURL() bool { return f.hidesFieldsWhenLegacy() }

const (
	statusCompleted  = "completed"
	statusProcessing = "processing"
)
