package zoomsim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// GET /v2/meetings/{meetingId}: a meeting's details in Zoom's shape
// (@zoom/rivet MeetingsGetMeetingResponse). Live meetings (the scenario's
// live_meetings) answer status "started"; recorded meetings of the account
// answer their latest instance with status "waiting" (a scheduled meeting
// that is not running, as Zoom reports it). Anything else, including meetings
// of other accounts and, for a user token, meetings its user does not host,
// is 404 code 3001.

type meetingDetailJSON struct {
	UUID              string                `json:"uuid"`
	ID                int64                 `json:"id"`
	HostID            string                `json:"host_id"`
	HostEmail         string                `json:"host_email"`
	AssistantID       string                `json:"assistant_id"`
	Topic             string                `json:"topic"`
	Type              int                   `json:"type"`
	Status            string                `json:"status"`
	StartTime         string                `json:"start_time"`
	Duration          int                   `json:"duration"`
	Timezone          string                `json:"timezone"`
	Agenda            string                `json:"agenda"`
	CreatedAt         string                `json:"created_at"`
	StartURL          string                `json:"start_url"`
	JoinURL           string                `json:"join_url"`
	Password          string                `json:"password"`
	H323Password      string                `json:"h323_password"`
	PSTNPassword      string                `json:"pstn_password"`
	EncryptedPassword string                `json:"encrypted_password"`
	PreSchedule       bool                  `json:"pre_schedule"`
	CreationSource    string                `json:"creation_source"`
	Settings          meetingDetailSettings `json:"settings"`
}

type meetingDetailSettings struct {
	HostVideo                    bool   `json:"host_video"`
	ParticipantVideo             bool   `json:"participant_video"`
	CNMeeting                    bool   `json:"cn_meeting"`
	InMeeting                    bool   `json:"in_meeting"`
	JoinBeforeHost               bool   `json:"join_before_host"`
	JBHTime                      int    `json:"jbh_time"`
	MuteUponEntry                bool   `json:"mute_upon_entry"`
	Watermark                    bool   `json:"watermark"`
	UsePMI                       bool   `json:"use_pmi"`
	ApprovalType                 int    `json:"approval_type"`
	Audio                        string `json:"audio"`
	AutoRecording                string `json:"auto_recording"`
	EnforceLogin                 bool   `json:"enforce_login"`
	EnforceLoginDomains          string `json:"enforce_login_domains"`
	AlternativeHosts             string `json:"alternative_hosts"`
	CloseRegistration            bool   `json:"close_registration"`
	ShowShareButton              bool   `json:"show_share_button"`
	AllowMultipleDevices         bool   `json:"allow_multiple_devices"`
	RegistrantsConfirmationEmail bool   `json:"registrants_confirmation_email"`
	WaitingRoom                  bool   `json:"waiting_room"`
	RegistrantsEmailNotification bool   `json:"registrants_email_notification"`
	MeetingAuthentication        bool   `json:"meeting_authentication"`
	EncryptionType               string `json:"encryption_type"`
	EmailNotification            bool   `json:"email_notification"`
	HostSaveVideoOrder           bool   `json:"host_save_video_order"`
	FocusMode                    bool   `json:"focus_mode"`
	PrivateMeeting               bool   `json:"private_meeting"`
	DeviceTesting                bool   `json:"device_testing"`
}

// meetingNotFound is Zoom's answer for an unknown meeting id.
func meetingNotFound(w http.ResponseWriter, id string) {
	writeAPIError(w, http.StatusNotFound, codeMeetingAbsent, fmt.Sprintf("Meeting does not exist: %s.", id))
}

// numericPasscode derives the phone/H.323 passcodes Zoom shows next to a
// meeting's passcode.
func numericPasscode(seed string) string {
	sum := sha256.Sum256([]byte("pstn|" + seed))
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(sum[:4])%1000000)
}

func startURL(id int64, uuid string) string {
	sum := sha256.Sum256([]byte("zak|" + uuid))
	return fmt.Sprintf("https://zoom.us/s/%d?zak=%s", id, hex.EncodeToString(sum[:16]))
}

func meetingSettingsFor(waitingRoom bool) meetingDetailSettings {
	return meetingDetailSettings{
		ApprovalType: 2, Audio: "voip", AutoRecording: "none", RegistrantsConfirmationEmail: true,
		WaitingRoom: waitingRoom, RegistrantsEmailNotification: true, EncryptionType: "enhanced_encryption",
		EmailNotification: true,
	}
}

func renderLiveMeeting(m *liveMeeting, start time.Time) meetingDetailJSON {
	sp := m.spec
	pstn := numericPasscode(sp.Passcode)
	return meetingDetailJSON{
		UUID: sp.UUID, ID: sp.ID, HostID: m.host.ID, HostEmail: m.host.Email, Topic: sp.Topic,
		Type: 2, Status: "started", StartTime: start.UTC().Format(time.RFC3339), Duration: 60,
		Timezone: m.host.Timezone, CreatedAt: start.Add(-24 * time.Hour).UTC().Format(time.RFC3339),
		StartURL: startURL(sp.ID, sp.UUID), JoinURL: m.joinURL(), Password: sp.Passcode,
		H323Password: pstn, PSTNPassword: pstn, EncryptedPassword: sp.Passcode,
		CreationSource: "web_portal", Settings: meetingSettingsFor(sp.WaitingRoom),
	}
}

func renderScheduledMeeting(m *meeting) meetingDetailJSON {
	pass := randStringFrom("pass|"+m.UUID, 10)
	pstn := numericPasscode(pass)
	typ := m.Type
	if typ == 0 {
		typ = 2
	}
	return meetingDetailJSON{
		UUID: m.UUID, ID: m.ID, HostID: m.Host.ID, HostEmail: m.Host.Email, Topic: m.Topic,
		Type: typ, Status: "waiting", StartTime: m.StartTime.UTC().Format(time.RFC3339), Duration: m.Duration,
		Timezone: m.Timezone, CreatedAt: m.StartTime.Add(-24 * time.Hour).UTC().Format(time.RFC3339),
		StartURL: startURL(m.ID, m.UUID), JoinURL: fmt.Sprintf("https://zoom.us/j/%d?pwd=%s", m.ID, pass),
		Password: pass, H323Password: pstn, PSTNPassword: pstn, EncryptedPassword: pass,
		CreationSource: "web_portal", Settings: meetingSettingsFor(false),
	}
}

// randStringFrom derives n alphanumeric characters from a label.
func randStringFrom(label string, n int) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	out := make([]byte, 0, n)
	for i := 0; len(out) < n; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s|%d", label, i)))
		for _, b := range sum {
			if len(out) == n {
				break
			}
			out = append(out, alnum[int(b)%len(alnum)])
		}
	}
	return string(out)
}

// meetingOf resolves a numeric meeting id among the caller's account's live
// meetings (first) and recorded meetings (latest instance).
func meetingOf(c *call, id int64) (*liveMeeting, *meeting) {
	if lm := c.w.liveMeetingByID[id]; lm != nil && lm.acct == c.acct {
		return lm, nil
	}
	if ms := c.acct.meetingsByID[id]; len(ms) > 0 {
		return nil, ms[0]
	}
	return nil, nil
}

// getMeeting is GET /v2/meetings/{meetingId}. A user token sees only the
// meetings its user hosts: any other meeting is "Meeting does not exist".
func (s *Server) getMeeting(w http.ResponseWriter, r *http.Request, c *call) {
	raw := r.PathValue("meetingId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		meetingNotFound(w, raw)
		return
	}
	lm, m := meetingOf(c, id)
	switch {
	case lm == nil && m == nil:
		meetingNotFound(w, raw)
	case lm != nil && lm.spec.External:
		// Hosted outside the account: Zoom shows it to nobody here, which
		// is how a client tells an outside meeting (3001).
		meetingNotFound(w, raw)
	case lm != nil:
		if c.user != nil && c.user != lm.host {
			meetingNotFound(w, raw)
			return
		}
		writeJSON(w, http.StatusOK, renderLiveMeeting(lm, s.tokens.user.liveStartTime(id, c.now)))
	default:
		if c.user != nil && c.user != m.Host {
			meetingNotFound(w, raw)
			return
		}
		writeJSON(w, http.StatusOK, renderScheduledMeeting(m))
	}
}
