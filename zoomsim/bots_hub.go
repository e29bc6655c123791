package zoomsim

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Bot status codes and sub codes the simulated provider sends (its own
// definitions: the simulator shares nothing with botprovider/).
const (
	botJoiningCall                = "joining_call"
	botInWaitingRoom              = "in_waiting_room"
	botInCallNotRecording         = "in_call_not_recording"
	botRecordingPermissionAllowed = "recording_permission_allowed"
	botRecordingPermissionDenied  = "recording_permission_denied"
	botInCallRecording            = "in_call_recording"
	botRecordingDone              = "recording_done"
	botCallEnded                  = "call_ended"
	botDone                       = "done"
	botFatal                      = "fatal"

	subLocalRecordingDisabled              = "zoom_local_recording_disabled"
	subLocalRecordingRequestDisabled       = "zoom_local_recording_request_disabled"
	subLocalRecordingRequestDisabledByHost = "zoom_local_recording_request_disabled_by_host"
	subLocalRecordingRequestDeniedByHost   = "zoom_local_recording_request_denied_by_host"
	subInternalError                       = "zoom_internal_error"
	subInvalidJoinToken                    = "zoom_invalid_join_token"
	subMeetingNotFound                     = "meeting_not_found"
	subMeetingPasswordIncorrect            = "meeting_password_incorrect"
	subCallEndedByHost                     = "call_ended_by_host"
	subBotReceivedLeaveCall                = "bot_received_leave_call"
	subTimeoutWaitingRoom                  = "timeout_exceeded_waiting_room"
	subTimeoutInCallNotRecording           = "timeout_exceeded_in_call_not_recording"
	subTimeoutPermissionDenied             = "timeout_exceeded_recording_permission_denied"
	subOBFTokenRequired                    = "zoom_obf_token_required"
	subInvalidOBFToken                     = "zoom_invalid_obf_token"
	subInvalidZAK                          = "zoom_invalid_zak_token"
	subJoinTimeout                         = "zoom_join_timeout"
	subBotKickedFromCall                   = "bot_kicked_from_call"
)

// Provider behaviour that is not in the scenario.
const (
	botJoinTokenFetchTimeout = 15 * time.Second
	botWebhookAttemptTimeout = 15 * time.Second
	botMediaProcessing       = 300 * time.Millisecond
	botPoolRetryAfterSeconds = 30 // Recall's advice; bot_provider.pool_retry_after_seconds shortens it
	botAdHocHorizon          = 10 * time.Minute
	botMediaRetention        = 7 * 24 * time.Hour
	botDefaultName           = "Meeting Notetaker"
)

// Recall's automatic_leave defaults, in seconds.
var botLeaveDefaults = botLeave{WaitingRoom: 1200, NooneJoined: 1200, InCallNotRecording: 3600, PermissionDenied: 30}

// botWebhookRetryDelays are the pauses, on the simulator clock, before the
// second, third, ... attempt of one bot webhook: Svix's schedule (5 s, 5 min,
// 30 min, 2 h, 5 h, 10 h, 10 h), cut off botWebhookRetryWindow after the
// first attempt, as Recall retries for 24 h.
var botWebhookRetryDelays = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

const botWebhookRetryWindow = 24 * time.Hour

// BotStatusChange is one entry of a bot's status_changes. SubCode "" is sent
// as null.
type BotStatusChange struct {
	Code      string    `json:"code"`
	SubCode   string    `json:"sub_code"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

// MarshalJSON writes sub_code null when empty and created_at with
// microseconds, as Recall does.
func (c BotStatusChange) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code      string  `json:"code"`
		SubCode   *string `json:"sub_code"`
		Message   string  `json:"message"`
		CreatedAt string  `json:"created_at"`
	}{c.Code, nullable(c.SubCode), c.Message, recallTime(c.CreatedAt)})
}

// BotParticipant is one entry of a bot's meeting_participants.
type BotParticipant struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	IsHost   bool   `json:"is_host"`
	Platform string `json:"platform"`
}

// BotChatMessage is a chat message a bot was asked to send.
type BotChatMessage struct {
	To      string    `json:"to"`
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

// BotRecordingTruth is the recording of a bot: its video_mixed MP4. Size and
// SHA256 are set once the media is processed (status "done").
type BotRecordingTruth struct {
	ID           string     `json:"id"`
	Status       string     `json:"status"`
	Size         int64      `json:"size"`
	SHA256       string     `json:"sha256"`
	DownloadPath string     `json:"download_path"`
	StartedAt    time.Time  `json:"started_at"`
	CompletedAt  *time.Time `json:"completed_at"`
}

// BotTruth is one bot as GET /_sim/bots (and the "bots" key of /_sim/truth)
// reports it.
type BotTruth struct {
	BotID            string            `json:"bot_id"`
	BotName          string            `json:"bot_name"`
	MeetingURL       string            `json:"meeting_url"`
	MeetingID        int64             `json:"meeting_id"`
	AccountID        string            `json:"account_id"` // "" when the meeting is unknown
	CreatedAt        time.Time         `json:"created_at"`
	JoinAt           *time.Time        `json:"join_at"`
	Status           string            `json:"status"`   // latest code, "" before joining
	SubCode          string            `json:"sub_code"` // of the latest status
	StatusChanges    []BotStatusChange `json:"status_changes"`
	ChatMessages     []BotChatMessage  `json:"chat_messages"`
	Participants     []BotParticipant  `json:"participants"`
	JoinTokenUsed    bool              `json:"join_token_used"`
	JoinTokenFetches int               `json:"join_token_fetches"`
	// OBFTokenFetches and ZAKFetches count GETs of zoom.obf_token_url and
	// zoom.zak_url; JoinedWith is "obf", "zak" or "" (anonymous).
	OBFTokenFetches int                `json:"obf_token_fetches"`
	ZAKFetches      int                `json:"zak_fetches"`
	JoinedWith      string             `json:"joined_with"`
	LeftByAPI       bool               `json:"left_by_api"`
	Metadata        map[string]string  `json:"metadata"`
	Recording       *BotRecordingTruth `json:"recording"`
}

// BotWebhookStats counts bot status webhook deliveries since the scenario
// was loaded.
type BotWebhookStats struct {
	Sent     int64 `json:"sent"`     // delivered (2xx)
	Dropped  int64 `json:"dropped"`  // never sent: bot_webhook_drop_rate
	Failed   int64 `json:"failed"`   // given up after the last attempt
	Attempts int64 `json:"attempts"` // HTTP attempts made (retries included)
}

// BotsState answers GET /_sim/bots.
type BotsState struct {
	Bots     []BotTruth      `json:"bots"`
	Webhooks BotWebhookStats `json:"webhooks"`
	// PoolExhaustedLeft is how many more ad-hoc creations will get 507.
	PoolExhaustedLeft int `json:"pool_exhausted_left"`
}

// botLeave is automatic_leave, in seconds (fractions allowed).
type botLeave struct {
	WaitingRoom        float64 `json:"waiting_room_timeout"`
	NooneJoined        float64 `json:"noone_joined_timeout"`
	InCallNotRecording float64 `json:"in_call_not_recording_timeout"`
	PermissionDenied   float64 `json:"recording_permission_denied_timeout"`
}

func seconds(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }

// botHub is the simulated bot provider. Everything mutable lives in the
// current generation (one per loaded scenario) and is guarded by mu.
// Loading a scenario or closing the server cancels the generation and waits
// for its goroutines.
type botHub struct {
	s           *Server
	hookClient  *http.Client
	tokenClient *http.Client
	// retryDelays and processing may be shortened by in-package tests before
	// any bot is created.
	retryDelays []time.Duration
	processing  time.Duration

	mu     sync.Mutex
	gen    *botGen
	closed bool
	// clockMoved is closed (and replaced) whenever the simulator clock is
	// set or advanced, waking retries waiting on it.
	clockMoved chan struct{}
}

// clockChanged wakes everything waiting on the simulator clock.
func (h *botHub) clockChanged() {
	h.mu.Lock()
	close(h.clockMoved)
	h.clockMoved = make(chan struct{})
	h.mu.Unlock()
}

// sleepSim waits until the simulator clock reaches t (it ticks with the wall
// clock and jumps when set or advanced). It returns false when ctx ends.
func (h *botHub) sleepSim(ctx context.Context, t time.Time) bool {
	for {
		h.mu.Lock()
		moved := h.clockMoved
		h.mu.Unlock()
		d := t.Sub(h.s.clock.Now())
		if d <= 0 {
			return true
		}
		tm := time.NewTimer(d)
		select {
		case <-ctx.Done():
			tm.Stop()
			return false
		case <-moved:
		case <-tm.C:
		}
		tm.Stop()
	}
}

// botGen holds the bots of one loaded scenario.
type botGen struct {
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	world    *world
	provider ScenarioBotProvider

	bots         map[string]*bot
	order        []*bot
	recordings   map[string]*bot         // recording id → bot
	joinAttempts map[int64]int           // live meeting id → attempts that reached the join
	idempotent   map[string]cachedAnswer // Idempotency-Key of a creation → its answer, replayed
	poolLeft     int
	hooks        BotWebhookStats
}

// cachedAnswer is a creation's answer kept for its Idempotency-Key: Recall
// replays a key's completed answer (a 201, and a 507 as well) instead of
// acting again.
type cachedAnswer struct {
	status int
	bot    *bot // the bot of a 201
	body   any  // the body of an error
	retry  string
}

func newBotHub(s *Server) *botHub {
	hookTr := http.DefaultTransport.(*http.Transport).Clone()
	tokenTr := http.DefaultTransport.(*http.Transport).Clone()
	return &botHub{
		s: s,
		hookClient: &http.Client{
			Timeout: botWebhookAttemptTimeout, Transport: hookTr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		tokenClient: &http.Client{Timeout: botJoinTokenFetchTimeout, Transport: tokenTr},
		retryDelays: botWebhookRetryDelays,
		processing:  botMediaProcessing,
		clockMoved:  make(chan struct{}),
	}
}

// load forgets every bot and starts a generation for w. It returns once the
// previous generation's goroutines have stopped.
func (h *botHub) load(w *world) {
	ctx, cancel := context.WithCancel(context.Background())
	g := &botGen{
		ctx: ctx, cancel: cancel, world: w,
		bots: map[string]*bot{}, recordings: map[string]*bot{}, joinAttempts: map[int64]int{}, idempotent: map[string]cachedAnswer{},
	}
	if bp := w.scenario.BotProvider; bp != nil {
		g.provider = *bp
		g.poolLeft = max(bp.PoolExhausted, 0)
	}
	h.mu.Lock()
	old := h.gen
	h.gen = g
	if h.closed {
		cancel()
	}
	h.mu.Unlock()
	if old != nil {
		old.cancel()
		old.wg.Wait()
	}
}

// stop ends every bot goroutine and refuses new bots; it is idempotent.
func (h *botHub) stop() {
	h.mu.Lock()
	h.closed = true
	g := h.gen
	h.mu.Unlock()
	if g != nil {
		g.cancel()
		g.wg.Wait()
	}
	h.hookClient.CloseIdleConnections()
	h.tokenClient.CloseIdleConnections()
}

// current returns the live generation, or nil once the hub is stopped.
func (h *botHub) current() *botGen {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	return h.gen
}

// bot is one simulated bot. The fields above mu-guarded state are set at
// creation and never change.
type bot struct {
	gen        *botGen
	id         string
	createdAt  time.Time
	meetingURL string
	meetingID  int64
	idText     string
	password   string
	hasPwd     bool
	mtg        *liveMeeting // nil: no such live meeting
	name       string
	joinAt     time.Time // zero: ad hoc
	recConfig  json.RawMessage
	leave      botLeave
	zoom       botZoom
	metadata   map[string]string
	base       string // scheme://host the bot was created through
	hookURL    string
	hookSecret string
	svix       bool

	leaveCh chan struct{} // closed by leave_call
	wake    chan struct{} // webhook queue has work

	// Guarded by botHub.mu.
	statuses       []BotStatusChange
	participants   []BotParticipant
	chats          []BotChatMessage
	tokenFetches   int
	tokenUsed      bool
	obfFetches     int    // GETs of zoom.obf_token_url
	zakFetches     int    // GETs of zoom.zak_url
	joinedWith     string // "obf", "zak" or "" (anonymous)
	leaveRequested bool
	rec            *botRecording
	terminal       bool
	queue          []BotStatusChange
}

type botZoom struct {
	JoinTokenURL string `json:"join_token_url"`
	OBFTokenURL  string `json:"obf_token_url"`
	ZakURL       string `json:"zak_url"`
	UserEmail    string `json:"user_email"`
}

type botRecording struct {
	id, mediaID, token string
	eventsID           string    // the participant_events media id
	participantsPath   string    // download path of the participant list
	createdAt          time.Time // wall clock, shown
	startedAt          time.Time
	completedAt        time.Time // zero until processed
	updatedAt          time.Time
	virtualStart       time.Time // scheduled start on the bot's timeline, sizes the media
	virtualEnd         time.Time
	status             string // processing | done
	size               int64
	sha                string
}

func (r *botRecording) downloadPath() string {
	return "/rec/bot/" + r.id + ".mp4?token=" + r.token
}

// latest is the latest status change, zero before the first.
func (b *bot) latest() BotStatusChange {
	if len(b.statuses) == 0 {
		return BotStatusChange{}
	}
	return b.statuses[len(b.statuses)-1]
}

// inCall reports whether the bot is in the meeting (chat is possible).
func (b *bot) inCall() bool {
	switch b.latest().Code {
	case botInCallNotRecording, botRecordingPermissionAllowed, botRecordingPermissionDenied, botInCallRecording:
		return true
	}
	return false
}

// canLeave reports whether leave_call still has an effect.
func (b *bot) canLeave() bool {
	switch b.latest().Code {
	case botRecordingDone, botCallEnded, botDone, botFatal:
		return false
	}
	return true
}

// truth snapshots the bot; the caller holds botHub.mu.
func (b *bot) truth() BotTruth {
	t := BotTruth{
		BotID: b.id, BotName: b.name, MeetingURL: b.meetingURL, MeetingID: b.meetingID,
		CreatedAt: b.createdAt, Status: b.latest().Code, SubCode: b.latest().SubCode,
		StatusChanges: slices.Clone(b.statuses), ChatMessages: slices.Clone(b.chats),
		Participants: slices.Clone(b.participants), JoinTokenUsed: b.tokenUsed,
		JoinTokenFetches: b.tokenFetches, LeftByAPI: b.leaveRequested, Metadata: maps.Clone(b.metadata),
		OBFTokenFetches: b.obfFetches, ZAKFetches: b.zakFetches, JoinedWith: b.joinedWith,
	}
	if b.mtg != nil {
		t.AccountID = b.mtg.acct.ID
	}
	if !b.joinAt.IsZero() {
		j := b.joinAt
		t.JoinAt = &j
	}
	if t.StatusChanges == nil {
		t.StatusChanges = []BotStatusChange{}
	}
	if t.ChatMessages == nil {
		t.ChatMessages = []BotChatMessage{}
	}
	if t.Participants == nil {
		t.Participants = []BotParticipant{}
	}
	if r := b.rec; r != nil {
		rt := &BotRecordingTruth{ID: r.id, Status: r.status, Size: r.size, SHA256: r.sha, DownloadPath: r.downloadPath(), StartedAt: r.startedAt}
		if !r.completedAt.IsZero() {
			c := r.completedAt
			rt.CompletedAt = &c
		}
		t.Recording = rt
	}
	return t
}

// state snapshots every bot of the current scenario.
func (h *botHub) state() BotsState {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := BotsState{Bots: []BotTruth{}}
	if h.gen == nil {
		return st
	}
	for _, b := range h.gen.order {
		st.Bots = append(st.Bots, b.truth())
	}
	st.Webhooks = h.gen.hooks
	st.PoolExhaustedLeft = h.gen.poolLeft
	return st
}

// Bots lists the bots created since the scenario was loaded, oldest first.
func (s *Server) Bots() []BotTruth { return s.bots.state().Bots }

// Bot returns one bot by id.
func (s *Server) Bot(id string) (BotTruth, bool) {
	s.bots.mu.Lock()
	defer s.bots.mu.Unlock()
	if s.bots.gen == nil {
		return BotTruth{}, false
	}
	b := s.bots.gen.bots[id]
	if b == nil {
		return BotTruth{}, false
	}
	return b.truth(), true
}

// BotsState returns the bots and the bot webhook counters (GET /_sim/bots).
func (s *Server) BotsState() BotsState { return s.bots.state() }

// newUUID returns a random version-4 UUID, the shape of Recall's ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// recallTime renders a time as Recall does: UTC with microseconds.
func recallTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func recallTimePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := recallTime(t)
	return &s
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
