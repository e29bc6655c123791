package zoomsim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// GenerateRequest asks for a generated scenario with Zoom's realistic mix of
// meetings and files: {"generate": {...}} in POST /_sim/scenario. The same
// request yields the same accounts, credentials, users, meetings, file ids,
// sizes and bytes. Counts are per account.
type GenerateRequest struct {
	Seed     int64 `json:"seed"`
	Accounts int   `json:"accounts,omitempty"` // default 1
	Users    int   `json:"users,omitempty"`    // per account, default 5
	Meetings int   `json:"meetings,omitempty"` // per account, default 50
	// From and To (yyyy-mm-dd, UTC, inclusive) bound the meetings' start dates.
	// Defaults: To = yesterday on the simulator clock, From = To - 29 days. Give
	// both for a scenario that does not depend on the date it is loaded.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// MinFileBytes and MaxFileBytes bound MP4 sizes (default 1 MB and 20 MB);
	// every other file is also capped at MaxFileBytes.
	MinFileBytes int64 `json:"min_file_bytes,omitempty"`
	MaxFileBytes int64 `json:"max_file_bytes,omitempty"`
	// ProcessingFiles files of the most recent meetings (over all accounts) are
	// still "processing" when loaded and complete 15–120 minutes later on the
	// simulator clock.
	ProcessingFiles int    `json:"processing_files,omitempty"`
	Plan            string `json:"plan,omitempty"` // default "business"
	// StringTypeRatio is the share of meetings whose "type" is rendered as a
	// string (default 0.2); OddUUIDRatio the share of meeting UUIDs that begin
	// with "/" or contain "//" (default 0.1).
	StringTypeRatio *float64 `json:"string_type_ratio,omitempty"`
	OddUUIDRatio    *float64 `json:"odd_uuid_ratio,omitempty"`
	// LiveMeetings are added to the first account (meetings bots can join).
	LiveMeetings []ScenarioLiveMeeting `json:"live_meetings,omitempty"`
	// ParticipantAudio adds per-participant audio files to some meetings.
	ParticipantAudio bool `json:"participant_audio,omitempty"`
	// PhoneCalls adds Zoom Phone call recordings per account, dated in the
	// same window (drawn from their own random stream: the meetings stay
	// as they were without them).
	PhoneCalls int `json:"phone_calls,omitempty"`
	// Webinars adds webinar recordings (types 5, 6 and 9) per account, from
	// their own random stream too.
	Webinars int `json:"webinars,omitempty"`
	// UserSettings sets the recording settings of the first account's
	// users by position (entry i for user i; null or missing entries keep
	// the defaults), e.g. a host whose local recording is off.
	UserSettings []*ScenarioUserSettings `json:"user_settings,omitempty"`
}

var (
	companies  = []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "cyberdyne", "tyrell"}
	firstNames = []string{"Alice", "Bob", "Carmen", "Deepak", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jamal", "Kira", "Luis", "Mei", "Nadia", "Oscar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yusuf", "Zoë"}
	lastNames  = []string{"Anders", "Brown", "Chen", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jensen", "Kowalski", "López", "Müller", "Nakamura", "O'Brien", "Patel", "Rossi", "Schmidt", "Tanaka", "Vogel"}
	timezones  = []string{"America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Asia/Kolkata", "UTC"}
	topics     = []string{"Weekly sync", "Customer onboarding", "Sprint planning", "1:1", "Quarterly business review", "Design review", "Incident retro", "All hands", "Sales demo", "Interview loop", "Roadmap café ☕", "Board prep"}
)

// generate expands a request into an explicit scenario. now supplies the
// default window and the processing deadlines.
func generate(req GenerateRequest, now time.Time) (Scenario, error) {
	g := req
	if g.Accounts <= 0 {
		g.Accounts = 1
	}
	if g.Users <= 0 {
		g.Users = 5
	}
	if g.Meetings < 0 {
		return Scenario{}, fmt.Errorf("meetings must not be negative")
	}
	if g.Meetings == 0 {
		g.Meetings = 50
	}
	if g.MinFileBytes <= 0 {
		g.MinFileBytes = 1 << 20
	}
	if g.MaxFileBytes <= 0 {
		g.MaxFileBytes = 20 << 20
	}
	if g.MaxFileBytes < g.MinFileBytes {
		return Scenario{}, fmt.Errorf("max_file_bytes %d < min_file_bytes %d", g.MaxFileBytes, g.MinFileBytes)
	}
	from, to, err := generateWindow(g.From, g.To, now)
	if err != nil {
		return Scenario{}, err
	}
	stringRatio, oddRatio := ratio(g.StringTypeRatio, 0.2), ratio(g.OddUUIDRatio, 0.1)

	r := deriver{seed: g.Seed}.rng("generate")
	sc := Scenario{Seed: g.Seed}
	days := int(to.Sub(from).Hours()/24) + 1
	for i := range g.Accounts {
		sa := ScenarioAccount{Plan: orDefault(g.Plan, "business")}
		company := companies[i%len(companies)]
		if i >= len(companies) {
			company += fmt.Sprint(i / len(companies))
		}
		sa.Users = genUsers(r, company, g.Users)
		if i == 0 {
			for j, st := range g.UserSettings {
				if j < len(sa.Users) {
					sa.Users[j].Settings = st
				}
			}
		}
		sa.Meetings = genMeetings(r, &g, sa.Users, from, days, stringRatio, oddRatio)
		sa.Meetings = append(sa.Meetings, genWebinars(deriver{seed: g.Seed}.rng(fmt.Sprintf("generate/webinar/%d", i)), &g, sa.Users, from, days)...)
		sa.PhoneCalls = genPhoneCalls(deriver{seed: g.Seed}.rng(fmt.Sprintf("generate/phone/%d", i)), g.PhoneCalls, sa.Users, from, days)
		sc.Accounts = append(sc.Accounts, sa)
	}
	markProcessing(r, sc.Accounts, g.ProcessingFiles, now)
	return sc, nil
}

func generateWindow(fromS, toS string, now time.Time) (from, to time.Time, err error) {
	to = now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	if toS != "" {
		if to, err = time.Parse(time.DateOnly, toS); err != nil {
			return from, to, fmt.Errorf("to: %w", err)
		}
	}
	from = to.AddDate(0, 0, -29)
	if fromS != "" {
		if from, err = time.Parse(time.DateOnly, fromS); err != nil {
			return from, to, fmt.Errorf("from: %w", err)
		}
	}
	if to.Before(from) {
		return from, to, fmt.Errorf("to %s is before from %s", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	return from, to, nil
}

func ratio(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return min(max(*p, 0), 1)
}

func genUsers(r *rand.Rand, company string, n int) []ScenarioUser {
	users := make([]ScenarioUser, 0, n)
	emails := map[string]bool{}
	for j := range n {
		fn, ln := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		local := strings.ToLower(asciiOnly(fn) + "." + asciiOnly(ln))
		if emails[local] {
			local = fmt.Sprintf("%s%d", local, j+1)
		}
		emails[local] = true
		users = append(users, ScenarioUser{
			ID: zoomID(r), Email: local + "@" + company + ".example", FirstName: fn, LastName: ln,
			Type: 2, Status: "active", Timezone: timezones[r.IntN(len(timezones))],
		})
	}
	return users
}

type series struct {
	id    int64
	topic string
	host  int
	typ   int
}

func genMeetings(r *rand.Rand, g *GenerateRequest, users []ScenarioUser, from time.Time, days int, stringRatio, oddRatio float64) []ScenarioMeeting {
	var recurring []series
	out := make([]ScenarioMeeting, 0, g.Meetings)
	for range g.Meetings {
		day := from.AddDate(0, 0, r.IntN(days))
		start := day.Add(time.Duration(12*3600+r.IntN(11*3600)) * time.Second)
		m := ScenarioMeeting{
			UUID:      meetingUUID(r, r.Float64() < oddRatio),
			StartTime: start,
			Duration:  min(5+int(r.ExpFloat64()*30), 240),
		}
		if len(recurring) > 0 && r.Float64() < 0.25 {
			s := recurring[r.IntN(len(recurring))]
			m.ID, m.Topic, m.HostID, m.Type.N = s.id, s.topic, users[s.host].ID, s.typ
		} else {
			host := r.IntN(len(users))
			m.ID = 80000000000 + r.Int64N(19999999999)
			m.HostID = users[host].ID
			m.Topic = topics[r.IntN(len(topics))]
			switch p := r.Float64(); {
			case p < 0.55:
				m.Type.N = 2
			case p < 0.70:
				m.Type.N = 1
				m.Topic = users[host].FirstName + " " + users[host].LastName + "'s Zoom Meeting"
			case p < 0.80:
				m.Type.N = 4
				m.Topic = users[host].FirstName + " " + users[host].LastName + "'s Personal Meeting Room"
			case p < 0.90:
				m.Type.N = 8
			default:
				m.Type.N = 3
			}
			if m.Type.N == 8 || m.Type.N == 3 {
				recurring = append(recurring, series{m.ID, m.Topic, host, m.Type.N})
			}
		}
		m.Type.AsString = r.Float64() < stringRatio
		m.Timezone = timezoneOf(users, m.HostID)
		m.Files = genFiles(r, g, m.Duration)
		if g.ParticipantAudio && r.Float64() < 0.3 {
			for k := range 2 + r.IntN(3) {
				name := firstNames[(k*7+r.IntN(len(firstNames)))%len(firstNames)]
				m.ParticipantAudioFiles = append(m.ParticipantAudioFiles, ScenarioFile{
					FileType: "M4A", FileName: "Audio only - " + name,
					Size: capSize(g, m.Files[0].Size/12+int64(r.IntN(64<<10))),
				})
			}
		}
		out = append(out, m)
	}
	return out
}

func genFiles(r *rand.Rand, g *GenerateRequest, duration int) []ScenarioFile {
	span := float64(g.MaxFileBytes - g.MinFileBytes)
	weight := min(float64(duration)/120, 1) * (0.6 + 0.4*r.Float64())
	mp4 := g.MinFileBytes + int64(span*weight)
	files := []ScenarioFile{{FileType: "MP4", RecordingType: "shared_screen_with_speaker_view", Size: mp4}}
	if r.Float64() < 0.25 {
		files = append(files, ScenarioFile{FileType: "MP4", RecordingType: "gallery_view", Size: capSize(g, mp4+mp4/5)})
	}
	if r.Float64() < 0.85 {
		files = append(files, ScenarioFile{FileType: "M4A", RecordingType: "audio_only", Size: capSize(g, max(mp4/10, 32<<10))})
	}
	perMin := func(lo, hi int) int64 { return int64(duration * (lo + r.IntN(hi-lo))) }
	if r.Float64() < 0.5 {
		files = append(files, ScenarioFile{FileType: "TRANSCRIPT", Size: capSize(g, 200+perMin(700, 1300))})
	}
	if r.Float64() < 0.2 {
		files = append(files, ScenarioFile{FileType: "CC", Size: capSize(g, 200+perMin(700, 1300))})
	}
	if r.Float64() < 0.4 {
		files = append(files, ScenarioFile{FileType: "CHAT", Size: capSize(g, 100+int64(r.IntN(8000)))})
	}
	if r.Float64() < 0.4 {
		files = append(files, ScenarioFile{FileType: "TIMELINE", Size: capSize(g, 200+perMin(300, 600))})
	}
	return files
}

func capSize(g *GenerateRequest, n int64) int64 { return max(min(n, g.MaxFileBytes), 1) }

// markProcessing leaves n files of the most recent meetings in "processing".
func markProcessing(r *rand.Rand, accounts []ScenarioAccount, n int, now time.Time) {
	if n <= 0 {
		return
	}
	type ref struct{ a, m int }
	var refs []ref
	for a := range accounts {
		for m := range accounts[a].Meetings {
			refs = append(refs, ref{a, m})
		}
	}
	slices.SortStableFunc(refs, func(x, y ref) int {
		return accounts[y.a].Meetings[y.m].StartTime.Compare(accounts[x.a].Meetings[x.m].StartTime)
	})
	base := now.UTC().Truncate(time.Minute)
	for _, rf := range refs {
		files := accounts[rf.a].Meetings[rf.m].Files
		for k := range files {
			if n == 0 {
				return
			}
			if files[k].FileType == "CC" || files[k].FileType == "TIMELINE" {
				continue
			}
			t := base.Add(time.Duration(15+r.IntN(106)) * time.Minute)
			files[k].CompletesAt = &t
			n--
		}
	}
}

func timezoneOf(users []ScenarioUser, id string) string {
	for _, u := range users {
		if u.ID == id {
			return u.Timezone
		}
	}
	return "UTC"
}

func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			b.WriteRune(c)
		case c == 'é' || c == 'ë':
			b.WriteByte('e')
		case c == 'í':
			b.WriteByte('i')
		case c == 'ó' || c == 'ö':
			b.WriteByte('o')
		case c == 'ü':
			b.WriteByte('u')
		}
	}
	return b.String()
}
