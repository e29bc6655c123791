package zoomsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// participant is one attendee of a meeting instance. Scenarios do not list
// participants: they are derived from the scenario seed and the meeting UUID
// (the host plus 1–8 others, more if the meeting has more per-participant
// audio files), so every endpoint and every load sees the same people.
type participant struct {
	name      string
	userID    string // the Zoom user id of a signed-in account user, "" for guests
	email     string // "" for guests who did not sign in
	confID    string // the per-meeting participant id Zoom calls user_id
	host      bool
	recording bool // clicked record (the host of a recorded meeting)
	join      time.Time
	leave     time.Time
	device    string
	network   string
	ip        string
	audio     *recFile // this participant's own audio file, if the meeting has one
}

var (
	participantDevices = []string{"Windows", "Mac", "iOS", "Android"}
	participantCities  = []string{"San Jose (US)", "New York (US)", "London (GB)", "Frankfurt (DE)", "Tokyo (JP)", "Mumbai (IN)"}
)

// meetingEnd is when the meeting ended: its start plus its duration.
func meetingEnd(m *meeting) time.Time {
	return m.StartTime.Add(time.Duration(m.Duration) * time.Minute)
}

// participantsOf derives a meeting's participants, host first.
func participantsOf(seed int64, m *meeting) []participant {
	r := deriver{seed: seed}.rng("participants/" + m.UUID)
	start, end := m.StartTime, meetingEnd(m)
	others := max(1+r.IntN(8), len(m.participantAudio))
	hasRecording := len(m.files)+len(m.participantAudio) > 0
	host := participant{
		name: m.Host.displayName(), userID: m.Host.ID, email: m.Host.Email, host: true, recording: hasRecording,
		join: start, leave: end, device: participantDevices[r.IntN(2)], network: "Wired",
	}
	out := []participant{host}
	used := map[string]bool{m.Host.ID: true}
	slack := max(int64(m.Duration)*60/4, 1)
	for i := range others {
		p := participant{
			join:    start.Add(time.Duration(r.Int64N(slack)) * time.Second),
			leave:   end.Add(-time.Duration(r.Int64N(slack)) * time.Second),
			device:  participantDevices[r.IntN(len(participantDevices))],
			network: []string{"Wifi", "Wired", "Cellular"}[r.IntN(3)],
		}
		if !p.leave.After(p.join) {
			p.leave = p.join.Add(time.Second)
		}
		guestName := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		signedIn := r.Float64() < 0.7
		internal := r.Float64() < 0.5
		if i < len(m.participantAudio) {
			p.audio = m.participantAudio[i]
			if n := strings.TrimSpace(strings.TrimPrefix(p.audio.FileName, "Audio only - ")); n != "" {
				guestName = n
			}
		}
		var u *user
		if internal && p.audio == nil {
			u = unusedUser(m.acct, used)
		} else if p.audio != nil {
			u = userNamed(m.acct, guestName, used)
		}
		switch {
		case u != nil:
			used[u.ID] = true
			p.name, p.userID, p.email = u.displayName(), u.ID, u.Email
		case signedIn:
			p.name = guestName
			p.email = guestEmail(guestName, i+1)
		default:
			p.name = guestName
		}
		out = append(out, p)
	}
	for i := range out {
		out[i].confID = strconv.Itoa(16778240 + i*1024 + r.IntN(1024))
		out[i].ip = fmt.Sprintf("203.0.113.%d", 1+r.IntN(254))
	}
	return out
}

// guestEmail is a signed-in guest's address, e.g. "mei.chen.3@guest.example".
func guestEmail(name string, n int) string {
	var parts []string
	for _, f := range strings.Fields(name) {
		if a := asciiOnly(f); a != "" {
			parts = append(parts, strings.ToLower(a))
		}
	}
	return strings.Join(append(parts, strconv.Itoa(n)), ".") + "@guest.example"
}

func unusedUser(a *account, used map[string]bool) *user {
	for _, u := range a.users {
		if !used[u.ID] {
			return u
		}
	}
	return nil
}

// userNamed finds an account user whose first or full name is name.
func userNamed(a *account, name string, used map[string]bool) *user {
	for _, u := range a.users {
		if !used[u.ID] && (u.FirstName == name || u.displayName() == name) {
			return u
		}
	}
	return nil
}

// zoomDuration formats d as Zoom's dashboards do, "HH:MM:SS".
func zoomDuration(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}
