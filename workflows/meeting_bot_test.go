package workflows

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
)

// step is one scripted provider status, relative to the bot's creation.
type step struct {
	after         time.Duration
	code, subCode string
}

// fakeProvider scripts bots for MeetingBot tests: each created bot follows
// the next script; GetBotStatus reveals the steps whose time has come (so
// the workflow is driven by polling, as when webhooks are lost); LeaveBot
// ends the call.
type fakeProvider struct {
	env *testsuite.TestWorkflowEnvironment

	mu       sync.Mutex
	scripts  [][]step
	bots     []*fakeBot
	chats    []activities.BotChatInput
	creates  []activities.CreateBotInput
	created  []time.Time                // when each CreateBot call came (attempts included)
	plans    []activities.PlanBotResult // answers of successive PlanBot calls; the last repeats
	planned  int
	failures []error // CreateBot errors for the first calls
}

type fakeBot struct {
	id      string
	created time.Time
	steps   []step
	left    bool
}

func (p *fakeProvider) now() time.Time { return p.env.Now() }

func (p *fakeProvider) install(a *activities.Activities) {
	env := p.env
	env.OnActivity(a.PlanBot, mock.Anything, mock.Anything).Return(
		func(_ context.Context, _ activities.PlanBotInput) (activities.PlanBotResult, error) {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.planned++
			if len(p.plans) == 0 {
				return activities.PlanBotResult{}, nil
			}
			return p.plans[min(p.planned, len(p.plans))-1], nil
		})
	env.OnActivity(a.CreateBot, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CreateBotInput) (activities.CreateBotResult, error) {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.creates = append(p.creates, in)
			p.created = append(p.created, p.now())
			if len(p.failures) > 0 {
				err := p.failures[0]
				p.failures = p.failures[1:]
				return activities.CreateBotResult{}, err
			}
			b := &fakeBot{id: fmt.Sprintf("bot-%d", len(p.bots)+1), created: p.now()}
			if len(p.scripts) > 0 {
				b.steps, p.scripts = p.scripts[0], p.scripts[1:]
			}
			p.bots = append(p.bots, b)
			return activities.CreateBotResult{BotID: b.id}, nil
		})
	env.OnActivity(a.GetBotStatus, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.BotStatusInput) (activities.BotStatusResult, error) {
			p.mu.Lock()
			defer p.mu.Unlock()
			b := p.bot(in.BotID)
			var out activities.BotStatusResult
			for _, s := range b.steps {
				at := b.created.Add(s.after)
				if at.After(p.now()) {
					continue
				}
				out.Statuses = append(out.Statuses, activities.BotStatus{Code: s.code, SubCode: s.subCode, At: at})
				if s.code == "host_joined" {
					out.HostPresent = true
				}
			}
			return out, nil
		})
	env.OnActivity(a.SendBotChat, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.BotChatInput) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.chats = append(p.chats, in)
			return nil
		})
	env.OnActivity(a.LeaveBot, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.BotStatusInput) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			b := p.bot(in.BotID)
			if b.left {
				return nil
			}
			b.left = true
			// Drop what had not happened yet; the call ends now.
			since := p.now().Sub(b.created)
			var kept []step
			recording := false
			for _, s := range b.steps {
				if s.after <= since {
					kept = append(kept, s)
					recording = recording || s.code == botprovider.StatusInCallRecording
				}
			}
			if recording {
				kept = append(kept, step{since + time.Second, botprovider.StatusRecordingDone, ""})
			}
			kept = append(kept, step{since + time.Second, botprovider.StatusCallEnded, botprovider.SubCodeBotReceivedLeaveCall},
				step{since + 2*time.Second, botprovider.StatusDone, ""})
			b.steps = kept
			return nil
		})
	env.OnActivity(a.BotMedia, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.BotStatusInput) (activities.BotMediaResult, error) {
			return activities.BotMediaResult{Files: []activities.RecordingFile{{FileID: "media-" + in.BotID, FileType: "MP4", Status: "completed"}},
				StartedAt: p.now()}, nil
		})
	env.OnWorkflow(ArchiveMeeting, mock.Anything, mock.Anything).Return(
		func(_ workflow.Context, in ArchiveMeetingInput) (ArchiveMeetingResult, error) {
			if in.Source != activities.SourceBot || len(in.Meeting.Files) != 1 {
				return ArchiveMeetingResult{}, fmt.Errorf("unexpected archive input %+v", in)
			}
			return ArchiveMeetingResult{Status: StatusArchived, FilesArchived: 1, BytesArchived: 4096}, nil
		})
}

func (p *fakeProvider) bot(id string) *fakeBot {
	for _, b := range p.bots {
		if b.id == id {
			return b
		}
	}
	panic("unknown bot " + id)
}

func newBotEnv(t *testing.T, scripts ...[]step) (*testsuite.TestWorkflowEnvironment, *fakeProvider) {
	t.Helper()
	env, a := newEnv(t)
	env.RegisterWorkflow(MeetingBot)
	p := &fakeProvider{env: env, scripts: scripts}
	p.install(a)
	return env, p
}

func runBot(t *testing.T, env *testsuite.TestWorkflowEnvironment, pol BotPolicy) BotState {
	t.Helper()
	if pol.PollInterval == 0 {
		pol.PollInterval = 5 * time.Second
	}
	env.ExecuteWorkflow(MeetingBot, MeetingBotInput{TenantID: "acme", MeetingURL: "https://zoom.us/j/85012345678?pwd=x",
		MeetingID: "85012345678", Policy: pol})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var st BotState
	require.NoError(t, env.GetWorkflowResult(&st))
	require.NotNil(t, st.Outcome)
	return st
}

// Scripts.
var (
	joinSteps = []step{{0, botprovider.StatusJoiningCall, ""}, {10 * time.Second, botprovider.StatusInCallNotRecording, ""}}
)

func script(extra ...step) []step { return append(append([]step{}, joinSteps...), extra...) }

func recordedUntilEnd(grantAt time.Duration) []step {
	return script(
		step{grantAt, botprovider.StatusRecordingPermissionAllowed, ""},
		step{grantAt + time.Second, botprovider.StatusInCallRecording, ""},
		step{30 * time.Minute, botprovider.StatusRecordingDone, ""},
		step{30*time.Minute + time.Second, botprovider.StatusCallEnded, botprovider.SubCodeCallEndedByHost},
		step{31 * time.Minute, botprovider.StatusDone, ""})
}

func TestMeetingBotHostAllows(t *testing.T) {
	env, p := newBotEnv(t, recordedUntilEnd(2*time.Minute))
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.Equal(t, []string{"bot-1"}, st.Bots)
	require.False(t, st.JoinToken)
	require.Empty(t, p.chats)
	require.NotNil(t, st.Archive)
	require.Equal(t, 1, st.Archive.FilesArchived)
	require.Equal(t, botprovider.StatusDone, st.LastStatus)
	codes := []string{}
	for _, h := range st.History {
		codes = append(codes, h.Code)
	}
	require.Equal(t, []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
		"recording_done", "call_ended", "done"}, codes, "each status once although polled repeatedly")
}

func TestMeetingBotWebhooksDriveItWithoutPolling(t *testing.T) {
	env, p := newBotEnv(t, nil) // the provider reveals nothing when polled
	at := env.Now()
	for i, s := range recordedUntilEnd(time.Minute) {
		s := s
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(SignalBotStatus, BotStatusSignal{BotID: "bot-1", Code: s.code, SubCode: s.subCode, At: at.Add(s.after)})
			if i == 0 {
				// A duplicate delivery changes nothing.
				env.SignalWorkflow(SignalBotStatus, BotStatusSignal{BotID: "bot-1", Code: s.code, SubCode: s.subCode, At: at.Add(s.after)})
			}
		}, s.after+time.Millisecond)
	}
	st := runBot(t, env, BotPolicy{PollInterval: 24 * time.Hour})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.Len(t, st.History, 7)
	for _, h := range st.History {
		require.Equal(t, "webhook", h.Via)
	}
	require.Len(t, p.bots, 1)
}

func TestMeetingBotPlainDenialIsRespected(t *testing.T) {
	env, p := newBotEnv(t, script(step{time.Minute, botprovider.StatusRecordingPermissionDenied, botprovider.SubCodeZoomLocalRecordingRequestDeniedByHost}))
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotHostDenied, st.Outcome.State)
	require.Equal(t, botprovider.SubCodeZoomLocalRecordingRequestDeniedByHost, st.Outcome.SubCode)
	require.Len(t, p.bots, 1, "no re-asking by default")
	require.True(t, p.bots[0].left)
	require.Empty(t, p.chats)
	require.Nil(t, st.Archive)
}

func TestMeetingBotReasksOnlyAsPolicyAllows(t *testing.T) {
	deny := script(step{time.Minute, botprovider.StatusRecordingPermissionDenied, botprovider.SubCodeZoomLocalRecordingDenied})
	env, p := newBotEnv(t, deny, deny, deny)
	st := runBot(t, env, BotPolicy{ReaskAfterDenial: 1})
	require.Equal(t, BotHostDenied, st.Outcome.State)
	require.Len(t, p.bots, 2, "asked once more, then respected")
	require.Equal(t, 1, st.Reasks)
}

func TestMeetingBotSettingsDenialsSendOneChatAndLeave(t *testing.T) {
	for sub, want := range map[string]string{
		botprovider.SubCodeZoomLocalRecordingDisabled:              "Local recording",
		botprovider.SubCodeZoomLocalRecordingRequestDisabled:       "request permission to record locally",
		botprovider.SubCodeZoomLocalRecordingRequestDisabledByHost: "recording requests are turned off in this meeting",
	} {
		t.Run(sub, func(t *testing.T) {
			env, p := newBotEnv(t, script(
				step{time.Minute, botprovider.StatusRecordingPermissionDenied, sub},
				// The provider repeats the denial; still one message.
				step{time.Minute + time.Second, botprovider.StatusRecordingPermissionDenied, sub}))
			p.plans = []activities.PlanBotResult{{HostConnected: false}}
			st := runBot(t, env, BotPolicy{SettingsHelpURL: "https://help.example/zoom-local-recording"})
			require.Equal(t, BotSettingsBlocked, st.Outcome.State)
			require.Equal(t, sub, st.Outcome.SubCode)
			require.Len(t, p.chats, 1)
			require.Equal(t, botprovider.ChatToHost, p.chats[0].To)
			require.Contains(t, p.chats[0].Message, want)
			require.Contains(t, p.chats[0].Message, "https://help.example/zoom-local-recording")
			require.Len(t, p.bots, 1, "a join token does not fix settings: no second bot")
			require.Equal(t, 1, p.planned, "no join-token fallback was looked for")
			require.Contains(t, st.Outcome.Advice, "https://help.example/zoom-local-recording")
		})
	}
}

func TestMeetingBotSettingsDenialCanWaitForTheHostToFixIt(t *testing.T) {
	env, p := newBotEnv(t, script(
		step{time.Minute, botprovider.StatusRecordingPermissionDenied, botprovider.SubCodeZoomLocalRecordingRequestDisabledByHost},
		step{4 * time.Minute, botprovider.StatusRecordingPermissionAllowed, ""},
		step{4*time.Minute + time.Second, botprovider.StatusInCallRecording, ""},
		step{20 * time.Minute, botprovider.StatusCallEnded, botprovider.SubCodeCallEndedByHost},
		step{21 * time.Minute, botprovider.StatusDone, ""}))
	st := runBot(t, env, BotPolicy{OnSettingsDenial: "wait"})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.Len(t, p.chats, 1)
	require.False(t, p.bots[0].left)
}

func TestMeetingBotHostAbsentWithoutOAuthEndsHostNotPresent(t *testing.T) {
	env, p := newBotEnv(t, script())
	st := runBot(t, env, BotPolicy{ConsentTimeout: 5 * time.Minute})
	require.Equal(t, BotHostNotPresent, st.Outcome.State)
	require.Equal(t, botprovider.SubCodeZoomHostNotPresent, st.Outcome.SubCode)
	require.Contains(t, st.Outcome.Advice, "signed in to the Zoom account that owns the meeting")
	require.Contains(t, st.Outcome.Advice, "starter host connect --tenant acme")
	require.Len(t, p.bots, 1)
	require.True(t, p.bots[0].left)
	require.Equal(t, 2, p.planned, "looked for a join token at the start and again at the timeout")
}

func TestMeetingBotHostAbsentFallsBackToJoinToken(t *testing.T) {
	// The host connected Zoom OAuth while the first bot waited.
	env, p := newBotEnv(t, script(), recordedUntilEnd(15*time.Second))
	p.plans = []activities.PlanBotResult{{}, {HostConnected: true, HostZoomUserID: "host-1", HostEmail: "host@example.com"}}
	st := runBot(t, env, BotPolicy{ConsentTimeout: 5 * time.Minute})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.Equal(t, []string{"bot-1", "bot-2"}, st.Bots)
	require.True(t, st.JoinToken)
	require.True(t, p.bots[0].left)
	require.Empty(t, p.creates[0].JoinTokenUser)
	require.Equal(t, "host-1", p.creates[1].JoinTokenUser)
	require.True(t, p.creates[1].LinkExpires.After(env.Now().Add(-time.Hour)))
}

func TestMeetingBotConnectedHostGetsJoinTokenFirst(t *testing.T) {
	env, p := newBotEnv(t, recordedUntilEnd(11*time.Second))
	p.plans = []activities.PlanBotResult{{HostConnected: true, HostZoomUserID: "host-1", HostEmail: "host@example.com"}}
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.True(t, st.JoinToken)
	require.Len(t, p.bots, 1)
	require.Equal(t, "host-1", p.creates[0].JoinTokenUser)
}

func TestMeetingBotConnectedHostWithLocalRecordingOffAsksInstead(t *testing.T) {
	env, p := newBotEnv(t, script(step{time.Minute, botprovider.StatusRecordingPermissionDenied, botprovider.SubCodeZoomLocalRecordingDisabled}))
	p.plans = []activities.PlanBotResult{{HostConnected: true, HostZoomUserID: "host-1", LocalRecordingOff: true}}
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotSettingsBlocked, st.Outcome.State)
	require.Empty(t, p.creates[0].JoinTokenUser)
	require.Len(t, p.chats, 1)
}

func TestMeetingBotWaitingRoomTimeout(t *testing.T) {
	env, p := newBotEnv(t, []step{{0, botprovider.StatusJoiningCall, ""}, {5 * time.Second, botprovider.StatusInWaitingRoom, ""}})
	st := runBot(t, env, BotPolicy{WaitingRoomTimeout: 3 * time.Minute})
	require.Equal(t, BotWaitingRoomTimeout, st.Outcome.State)
	require.Equal(t, SubCodeWaitingRoomTimeout, st.Outcome.SubCode)
	require.True(t, p.bots[0].left)
	require.Equal(t, 3, p.creates[0].WaitingRoomTimeout/60, "the provider gets the same timeout")
}

func TestMeetingBotWaitingRoomTimeoutReportedByProvider(t *testing.T) {
	env, _ := newBotEnv(t, []step{{0, botprovider.StatusJoiningCall, ""}, {5 * time.Second, botprovider.StatusInWaitingRoom, ""},
		{2 * time.Minute, botprovider.StatusCallEnded, botprovider.SubCodeTimeoutExceededWaitingRoom},
		{2*time.Minute + time.Second, botprovider.StatusDone, ""}})
	st := runBot(t, env, BotPolicy{WaitingRoomTimeout: 3 * time.Minute})
	require.Equal(t, BotWaitingRoomTimeout, st.Outcome.State)
	require.Equal(t, botprovider.SubCodeTimeoutExceededWaitingRoom, st.Outcome.SubCode)
}

func TestMeetingBotRetriesTransientZoomInternalError(t *testing.T) {
	fatal := []step{{0, botprovider.StatusJoiningCall, ""}, {3 * time.Second, botprovider.StatusFatal, botprovider.SubCodeZoomInternalError}}
	env, p := newBotEnv(t, fatal, recordedUntilEnd(time.Minute))
	st := runBot(t, env, BotPolicy{JoinRetryInterval: 10 * time.Second})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.Len(t, p.bots, 2)
	require.Equal(t, 2, st.JoinAttempts)
}

func TestMeetingBotGivesUpOnPersistentZoomInternalError(t *testing.T) {
	fatal := []step{{0, botprovider.StatusJoiningCall, ""}, {3 * time.Second, botprovider.StatusFatal, botprovider.SubCodeZoomInternalError}}
	env, p := newBotEnv(t, fatal, fatal, fatal, fatal)
	st := runBot(t, env, BotPolicy{MaxJoinAttempts: 3, JoinRetryInterval: 10 * time.Second})
	require.Equal(t, BotJoinFailed, st.Outcome.State)
	require.Equal(t, botprovider.SubCodeZoomInternalError, st.Outcome.SubCode)
	require.Len(t, p.bots, 3)
	require.Contains(t, st.Outcome.Message, "3 join attempts")
}

func TestMeetingBotUnknownSubCodeEndsCleanlyWithRawCode(t *testing.T) {
	env, _ := newBotEnv(t, []step{{0, botprovider.StatusJoiningCall, ""}, {3 * time.Second, botprovider.StatusFatal, "zoom_brand_new_failure"}})
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotEndedUnknown, st.Outcome.State)
	require.Equal(t, "zoom_brand_new_failure", st.Outcome.SubCode)
	require.NotEmpty(t, st.Outcome.Advice)
}

func TestMeetingBotKnownFatalSubCodeIsJoinFailed(t *testing.T) {
	env, p := newBotEnv(t, []step{{0, botprovider.StatusJoiningCall, ""}, {3 * time.Second, botprovider.StatusFatal, botprovider.SubCodeMeetingPasswordIncorrect}})
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotJoinFailed, st.Outcome.State)
	require.Contains(t, st.Outcome.Advice, "passcode")
	require.Len(t, p.bots, 1, "only zoom_internal_error is retried")
}

func TestMeetingBotMeetingEndsBeforeRecording(t *testing.T) {
	env, _ := newBotEnv(t, script(step{2 * time.Minute, botprovider.StatusCallEnded, botprovider.SubCodeCallEndedByHost},
		step{2*time.Minute + time.Second, botprovider.StatusDone, ""}))
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotMeetingEnded, st.Outcome.State)
	require.Equal(t, botprovider.SubCodeCallEndedByHost, st.Outcome.SubCode)
}

func TestMeetingBotLeaveRequest(t *testing.T) {
	env, p := newBotEnv(t, script())
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalBotLeave, BotLeaveSignal{Reason: "operator"}) }, 2*time.Minute)
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotLeftByRequest, st.Outcome.State)
	require.True(t, p.bots[0].left)
}

func TestMeetingBotLeaveRequestWhileRecordingStillArchives(t *testing.T) {
	env, p := newBotEnv(t, recordedUntilEnd(time.Minute))
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalBotLeave, BotLeaveSignal{}) }, 5*time.Minute)
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.True(t, p.bots[0].left)
}

func TestMeetingBotProviderRefusesToCreate(t *testing.T) {
	env, p := newBotEnv(t)
	p.failures = []error{temporal.NewNonRetryableApplicationError("botprovider: 400 Bad Request: meeting_url invalid", activities.ErrBotRejected, nil)}
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotProviderUnavailable, st.Outcome.State)
	require.True(t, strings.Contains(st.Outcome.Message, "meeting_url invalid"), st.Outcome.Message)
}

func TestMeetingBotQueryShowsStateWhileRunning(t *testing.T) {
	env, _ := newBotEnv(t, recordedUntilEnd(time.Minute))
	var mid BotState
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(QueryBotState)
		require.NoError(t, err)
		require.NoError(t, v.Get(&mid))
	}, 10*time.Minute)
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotPhaseRecording, mid.Phase)
	require.Nil(t, mid.Outcome)
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
}

// A webhook brings in_call_not_recording before a poll reveals the older
// joining_call: the older status must not move the bot back to joining (it
// would never time out waiting for consent).
func TestMeetingBotOlderPolledStatusDoesNotMoveThePhaseBack(t *testing.T) {
	env, p := newBotEnv(t, script())
	env.SetTestTimeout(20 * time.Second)
	at := env.Now()
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalBotStatus, BotStatusSignal{BotID: "bot-1", Code: botprovider.StatusInCallNotRecording, At: at.Add(10 * time.Second)})
	}, 10*time.Second+time.Millisecond)
	st := runBot(t, env, BotPolicy{PollInterval: 30 * time.Second, ConsentTimeout: 5 * time.Minute})
	require.Equal(t, BotHostNotPresent, st.Outcome.State, "%+v", st.Outcome)
	require.True(t, p.bots[0].left)
	require.Equal(t, botprovider.StatusJoiningCall, st.History[0].Code, "history in provider order")
}

// Webhooks sent before the bot was registered, and one lost in the middle,
// still end up in the history: the workflow reads the provider right after
// creating the bot and once more when the lifecycle ends.
func TestMeetingBotHistoryIsCompleteDespiteLostWebhooks(t *testing.T) {
	steps := recordedUntilEnd(time.Minute)
	env, _ := newBotEnv(t, steps)
	at := env.Now()
	for _, s := range steps[2:] { // joining_call and in_call_not_recording never come by webhook
		s := s
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(SignalBotStatus, BotStatusSignal{BotID: "bot-1", Code: s.code, SubCode: s.subCode, At: at.Add(s.after)})
		}, s.after+time.Millisecond)
	}
	st := runBot(t, env, BotPolicy{PollInterval: 24 * time.Hour})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	var codes, via []string
	for _, h := range st.History {
		codes, via = append(codes, h.Code), append(via, h.Via)
	}
	require.Equal(t, []string{"joining_call", "in_call_not_recording", "recording_permission_allowed", "in_call_recording",
		"recording_done", "call_ended", "done"}, codes)
	require.Equal(t, []string{"poll", "poll", "webhook", "webhook", "webhook", "webhook", "webhook"}, via)
}

// A bot for later (starter bot join --at) is created at once and scheduled at
// the provider (Recall reserves scheduled bots; no 507); the join-token link
// lives from the join time on.
func TestMeetingBotScheduledJoinIsPassedToTheProvider(t *testing.T) {
	env, p := newBotEnv(t, recordedUntilEnd(time.Minute))
	p.plans = []activities.PlanBotResult{{HostConnected: true, HostZoomUserID: "host-1"}}
	joinAt := env.Now().Add(2 * time.Hour)
	env.ExecuteWorkflow(MeetingBot, MeetingBotInput{TenantID: "acme", MeetingURL: "https://zoom.us/j/85012345678",
		MeetingID: "85012345678", JoinAt: joinAt, Policy: BotPolicy{PollInterval: 5 * time.Second}})
	require.NoError(t, env.GetWorkflowError())
	require.Len(t, p.creates, 1)
	require.True(t, p.creates[0].JoinAt.Equal(joinAt), "join_at %v", p.creates[0].JoinAt)
	require.True(t, p.creates[0].LinkExpires.After(joinAt), "the join-token link outlives the join time")
}

// A long meeting continues as new: the new run starts from the carried
// state. Here the bot's in_call_recording is already in the carried
// history, so only the carried lifecycle state says that it records; the
// new run must still archive the media when the call ends.
func TestMeetingBotResumedAfterContinueAsNewStillArchives(t *testing.T) {
	env, p := newBotEnv(t)
	start := env.Now().Add(-10 * time.Minute)
	// This provider sends no recording_done: the call just ends.
	steps := script(step{time.Minute, botprovider.StatusRecordingPermissionAllowed, ""},
		step{time.Minute + time.Second, botprovider.StatusInCallRecording, ""},
		step{12 * time.Minute, botprovider.StatusCallEnded, botprovider.SubCodeCallEndedByHost},
		step{12*time.Minute + time.Second, botprovider.StatusDone, ""})
	p.bots = []*fakeBot{{id: "bot-1", created: start, steps: steps}}
	var history []BotStatusEntry
	for _, s := range steps[:4] { // through in_call_recording
		history = append(history, BotStatusEntry{BotID: "bot-1", Code: s.code, SubCode: s.subCode, At: start.Add(s.after), Via: "webhook"})
	}
	resume := &BotState{TenantID: "acme", MeetingID: "85012345678", Phase: BotPhaseRecording, BotID: "bot-1",
		Bots: []string{"bot-1"}, LastStatus: botprovider.StatusInCallRecording, History: history, JoinAttempts: 1}
	carry := &BotCarry{PhaseSince: start.Add(61 * time.Second), LatestAt: history[3].At, Recorded: true,
		AnyRecorded: true, RecordedBot: "bot-1"}
	env.ExecuteWorkflow(MeetingBot, MeetingBotInput{TenantID: "acme", MeetingURL: "https://zoom.us/j/85012345678",
		MeetingID: "85012345678", Policy: BotPolicy{PollInterval: 5 * time.Second}, Resume: resume, Carry: carry})
	require.NoError(t, env.GetWorkflowError())
	var st BotState
	require.NoError(t, env.GetWorkflowResult(&st))
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.Len(t, st.History, 6)
}
