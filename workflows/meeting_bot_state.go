package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// meetingBotState is everything a MeetingBot knows. It is the one state of
// the workflow: carried whole through continue-as-new
// (MeetingBotInput.State), answered as a view (BotState) by QueryBotState
// and as the result. Signals only append to its inbox; the ladder in run
// reads the inbox and moves the rest.
type meetingBotState struct {
	Phase string `json:"phase"`
	// PhaseSince is when Phase began: the phase's deadline counts from it.
	PhaseSince time.Time `json:"phase_since"`

	// BotID is the current bot; Bots every bot created, in order.
	BotID         string   `json:"bot_id,omitempty"`
	Bots          []string `json:"bots,omitempty"`
	JoinAttempts  int      `json:"join_attempts"`
	JoinToken     bool     `json:"join_token"` // the current bot carries the host's join token
	HostConnected bool     `json:"host_connected"`
	Reasks        int      `json:"reasks"`
	FallbackTried bool     `json:"fallback_tried"` // the consent timeout looked for a join token
	// HostDeclined: a host said no to recording in this workflow. No join
	// token is used after that: it would record past the host's decision.
	HostDeclined bool `json:"host_declined,omitempty"`

	// Bot is the current bot's lifecycle; each new bot starts a fresh one.
	Bot botLife `json:"bot"`
	// RecordedBot is the bot whose media gets archived ("" until a bot of
	// this workflow recorded).
	RecordedBot string `json:"recorded_bot,omitempty"`
	// Over: the bot's lifecycle has ended; what remains is to archive its
	// media or report the outcome.
	Over bool `json:"over,omitempty"`

	// LastStatusAt is when a status last arrived (webhook or poll): the
	// provider is polled PollInterval after it.
	LastStatusAt time.Time `json:"last_status_at"`

	// Inbox holds statuses received (signal or poll) and not yet applied,
	// LeaveRequests the bot_leave signals not yet acted on. Both travel
	// through continue-as-new, so nothing received is lost.
	Inbox         []BotStatusEntry `json:"inbox,omitempty"`
	LeaveRequests []BotLeaveSignal `json:"leave_requests,omitempty"`

	History      []BotStatusEntry      `json:"history"`
	Events       []BotEvent            `json:"events"`
	ChatMessages []string              `json:"chat_messages,omitempty"`
	Archive      *ArchiveMeetingResult `json:"archive,omitempty"`
	Outcome      *BotOutcome           `json:"outcome,omitempty"`
}

// botLife is what the workflow knows about the current bot.
type botLife struct {
	// LastStatus is the provider's latest status code, LatestAt its
	// provider time (older statuses do not move the phase back).
	LastStatus string    `json:"last_status,omitempty"`
	LatestAt   time.Time `json:"latest_at"`
	Recorded   bool      `json:"recorded,omitempty"`
	ChatSent   bool      `json:"chat_sent,omitempty"`   // the settings chat message went out
	LeaveAsked bool      `json:"leave_asked,omitempty"` // LeaveBot was called
	CallEnded  bool      `json:"call_ended,omitempty"`
	// Pending is how the workflow ends unless a bot recorded.
	Pending *BotOutcome `json:"pending,omitempty"`
}

// view is the state as QueryBotState and the result show it.
func (s *meetingBotState) view(in MeetingBotInput) BotState {
	return BotState{
		TenantID: in.TenantID, MeetingID: in.MeetingID, Phase: s.Phase,
		BotID: s.BotID, Bots: s.Bots, LastStatus: s.Bot.LastStatus,
		JoinToken: s.JoinToken, HostConnected: s.HostConnected,
		History: s.History, Events: s.Events, ChatMessages: s.ChatMessages,
		Archive: s.Archive, Outcome: s.Outcome,
		JoinAttempts: s.JoinAttempts, Reasks: s.Reasks, FallbackTried: s.FallbackTried,
	}
}

// initialState is the state a run starts from: the carried one, the one a
// run of the previous release carried (BotState and BotCarry), or a new one.
func initialState(ctx workflow.Context, in MeetingBotInput) meetingBotState {
	switch {
	case in.State != nil:
		return *in.State
	case in.Resume != nil:
		return legacyState(ctx, *in.Resume, in.Carry)
	}
	return meetingBotState{Phase: BotPhaseJoining, PhaseSince: workflow.Now(ctx)}
}

// legacyState reads what a run of the previous release continued as new
// with. Remove it (and BotCarry) once no such run is open: a MeetingBot
// lasts at most its MaxDuration plus the archive.
func legacyState(ctx workflow.Context, st BotState, c *BotCarry) meetingBotState {
	if c == nil {
		c = &BotCarry{}
	}
	s := meetingBotState{
		Phase: st.Phase, PhaseSince: c.PhaseSince,
		BotID: st.BotID, Bots: st.Bots, JoinAttempts: st.JoinAttempts, JoinToken: st.JoinToken,
		HostConnected: st.HostConnected, Reasks: st.Reasks, FallbackTried: st.FallbackTried,
		Bot: botLife{LastStatus: st.LastStatus, LatestAt: c.LatestAt, Recorded: c.Recorded, ChatSent: c.ChatSent,
			LeaveAsked: c.LeaveAsked, CallEnded: c.CallEnded, Pending: c.Pending},
		LastStatusAt: workflow.Now(ctx),
		History:      st.History, Events: st.Events, ChatMessages: st.ChatMessages,
		Archive: st.Archive, Outcome: st.Outcome,
	}
	if c.AnyRecorded {
		s.RecordedBot = c.RecordedBot
	}
	return s
}

// seen tells whether a status is already in the history or the inbox
// (webhooks and polls bring the same statuses).
func (s *meetingBotState) seen(e BotStatusEntry) bool {
	key := statusKey(e.BotID, e.Code, e.SubCode, e.At)
	for _, list := range [][]BotStatusEntry{s.History, s.Inbox} {
		for _, h := range list {
			if statusKey(h.BotID, h.Code, h.SubCode, h.At) == key {
				return true
			}
		}
	}
	return false
}

// insertHistory keeps the history in the provider's order.
func (s *meetingBotState) insertHistory(e BotStatusEntry) {
	i := len(s.History)
	for i > 0 && e.At.Before(s.History[i-1].At) {
		i--
	}
	s.History = append(s.History[:i], append([]BotStatusEntry{e}, s.History[i:]...)...)
}

func statusKey(bot, code, sub string, at time.Time) string {
	return bot + "|" + code + "|" + sub + "|" + at.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)
}

func lastSub(h []BotStatusEntry) string {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].SubCode != "" {
			return h[i].SubCode
		}
	}
	return ""
}
