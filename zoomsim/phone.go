package zoomsim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Zoom Phone call recordings. A scenario account's phone_calls are recorded
// calls; each has one MP3 (48 kHz mono), listed by GET /v2/phone/recordings
// and /v2/phone/users/{userId}/recordings once its recording is available,
// downloaded from /v2/phone/recording/download/{key} with the account's
// OAuth token, and announced by phone.recording_completed.

// ScenarioPhoneCall is one recorded call leg of a user (the recording's
// owner). Unset fields are derived from the seed.
type ScenarioPhoneCall struct {
	ID      string `json:"id,omitempty"`       // the recording's id
	CallID  string `json:"call_id,omitempty"`  // correlates the legs of one call
	OwnerID string `json:"owner_id,omitempty"` // user id or email; default: first user
	// ExtensionNumber is the owner's extension (default 100 + user index).
	ExtensionNumber int `json:"extension_number,omitempty"`
	// Direction is the owner's view, "inbound" or "outbound" (default
	// alternates). The owner is the callee of an inbound call and the caller
	// of an outbound one; the other party's number and name are given (or
	// derived) as Peer*. PeerInternal makes the other party an extension.
	Direction    string    `json:"direction,omitempty"`
	PeerNumber   string    `json:"peer_number,omitempty"`
	PeerName     string    `json:"peer_name,omitempty"`
	PeerInternal bool      `json:"peer_internal,omitempty"`
	DateTime     time.Time `json:"date_time"`
	Duration     int       `json:"duration,omitempty"` // seconds, default 120
	// Size of the MP3 (default: 4,000 bytes per second, 32 kbit/s).
	Size          int64  `json:"size,omitempty"`
	RecordingType string `json:"recording_type,omitempty"` // "Automatic" (default) or "OnDemand"
	// AvailableAt is when the recording appears in listings (a late
	// recording); default: the call's end.
	AvailableAt *time.Time `json:"available_at,omitempty"`
}

// phoneCall is one recording of the simulated world.
type phoneCall struct {
	acct          *account
	ID            string
	CallID        string
	CallLogID     string
	Owner         *user
	Extension     int
	Direction     string
	Caller        phoneParty
	Callee        phoneParty
	DateTime      time.Time
	Duration      int
	RecordingType string
	AvailableAt   time.Time
	DownloadKey   string
	file          *recFile // the MP3, served by the shared download code
	listed        atomic.Int64
}

type phoneParty struct {
	Number   string
	Name     string
	Internal bool
}

func (p *phoneCall) end() time.Time { return p.DateTime.Add(time.Duration(p.Duration) * time.Second) }

// available reports whether the recording is listed at now.
func (p *phoneCall) available(now time.Time) bool { return !now.Before(p.AvailableAt) }

// numberType is Zoom's caller/callee_number_type: 1 internal, 2 external.
func (p phoneParty) numberType() int {
	if p.Internal {
		return 1
	}
	return 2
}

const phoneBytesPerSecond = 4000

// addPhoneCalls builds the account's recorded calls, newest first.
func (w *world) addPhoneCalls(d deriver, a *account, i int, sa *ScenarioAccount) error {
	for k := range sa.PhoneCalls {
		sp := &sa.PhoneCalls[k]
		r := d.rng(fmt.Sprintf("account/%d/phone/%d", i, k))
		defID, defCall, defLog, defKey := fileUUID(r), strconv.FormatInt(7e18+r.Int64N(1e18), 10), fileUUID(r), randString(r, alnumAlphabet, 32)
		defPeer := fmt.Sprintf("+1%03d555%04d", 200+r.IntN(700), r.IntN(10000))
		sp.ID = orDefault(sp.ID, defID)
		sp.CallID = orDefault(sp.CallID, defCall)
		if sp.DateTime.IsZero() {
			return fmt.Errorf("phone_calls[%d]: date_time is required", k)
		}
		if len(a.users) == 0 {
			return fmt.Errorf("phone_calls[%d]: the account has no users to own the recording", k)
		}
		owner := a.users[0]
		if sp.OwnerID != "" {
			if owner = a.findUser(sp.OwnerID); owner == nil {
				return fmt.Errorf("phone_calls[%d]: owner %q is no user of the account", k, sp.OwnerID)
			}
		}
		sp.OwnerID = owner.ID
		if sp.ExtensionNumber == 0 {
			sp.ExtensionNumber = 100 + slices.Index(a.users, owner)
		}
		if sp.Direction == "" {
			sp.Direction = []string{"inbound", "outbound"}[k%2]
		}
		if sp.Direction != "inbound" && sp.Direction != "outbound" {
			return fmt.Errorf("phone_calls[%d]: direction %q: want inbound or outbound", k, sp.Direction)
		}
		if sp.PeerNumber == "" {
			sp.PeerNumber = defPeer
			if sp.PeerInternal {
				sp.PeerNumber = strconv.Itoa(200 + k)
			}
		}
		sp.PeerName = orDefault(sp.PeerName, "Caller "+sp.PeerNumber[max(0, len(sp.PeerNumber)-4):])
		if sp.Duration <= 0 {
			sp.Duration = 120
		}
		if sp.Size <= 0 {
			sp.Size = int64(sp.Duration) * phoneBytesPerSecond
		}
		sp.RecordingType = orDefault(sp.RecordingType, "Automatic")
		if w.fileByID[sp.ID] != nil {
			return fmt.Errorf("phone_calls[%d]: duplicate id %q", k, sp.ID)
		}
		p := &phoneCall{
			acct: a, ID: sp.ID, CallID: sp.CallID, CallLogID: defLog, Owner: owner, Extension: sp.ExtensionNumber,
			Direction: sp.Direction, DateTime: sp.DateTime.UTC().Truncate(time.Second), Duration: sp.Duration,
			RecordingType: sp.RecordingType, DownloadKey: defKey,
		}
		me := phoneParty{Number: strconv.Itoa(sp.ExtensionNumber), Name: owner.displayName(), Internal: true}
		peer := phoneParty{Number: sp.PeerNumber, Name: sp.PeerName, Internal: sp.PeerInternal}
		if sp.Direction == "inbound" {
			p.Caller, p.Callee = peer, me
		} else {
			p.Caller, p.Callee = me, peer
		}
		p.AvailableAt = p.end()
		if sp.AvailableAt != nil {
			p.AvailableAt = sp.AvailableAt.UTC()
		}
		// The MP3 is a recFile of a meeting no listing knows, so downloads,
		// ranges, faults and digests work as for meeting files.
		p.file = &recFile{
			m:  &meeting{acct: a, UUID: p.ID, Host: owner, StartTime: p.DateTime},
			ID: p.ID, FileType: "MP3", FileExtension: "MP3", RecordingType: "phone_recording",
			Size: sp.Size, baseStatus: statusCompleted, RecStart: p.DateTime, RecEnd: p.end(),
		}
		w.fileByID[p.ID] = p.file
		a.phoneCalls = append(a.phoneCalls, p)
	}
	slices.SortStableFunc(a.phoneCalls, func(x, y *phoneCall) int { return y.DateTime.Compare(x.DateTime) })
	a.phoneByKey = map[string]*phoneCall{}
	a.phoneByID = map[string]*phoneCall{}
	for _, p := range a.phoneCalls {
		a.phoneByKey[p.DownloadKey] = p
		a.phoneByID[p.ID] = p
	}
	return nil
}

// genPhoneCalls draws n recorded calls of the users over days days from
// from: either direction, now and then an internal call between two users,
// 20 s to 20 min long.
func genPhoneCalls(r *rand.Rand, n int, users []ScenarioUser, from time.Time, days int) []ScenarioPhoneCall {
	if n <= 0 || len(users) == 0 {
		return nil
	}
	calls := make([]ScenarioPhoneCall, 0, n)
	for range n {
		owner := users[r.IntN(len(users))]
		c := ScenarioPhoneCall{
			OwnerID:   owner.ID,
			Direction: []string{"inbound", "outbound"}[r.IntN(2)],
			DateTime:  from.AddDate(0, 0, r.IntN(days)).Add(time.Duration(7*3600+r.IntN(12*3600)) * time.Second),
			Duration:  20 + r.IntN(1180),
		}
		if len(users) > 1 && r.IntN(4) == 0 {
			peer := users[r.IntN(len(users))]
			c.PeerInternal, c.PeerName = true, strings.TrimSpace(peer.FirstName+" "+peer.LastName)
		} else {
			c.PeerName = firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		}
		calls = append(calls, c)
	}
	return calls
}
