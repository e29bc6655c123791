package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
)

// botActivityOptions: provider calls are short; business refusals are not
// retried.
func botActivityOptions(ctx workflow.Context, attempts int32) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			// A 507 (no free bot) carries the provider's Retry-After as the
			// error's NextRetryDelay, which overrides this backoff.
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second,
			MaximumAttempts: attempts,
			NonRetryableErrorTypes: append([]string{activities.ErrBotsDisabled, activities.ErrBotRejected, activities.ErrBotMediaMissing,
				errTypeBotExternalMeetingNoToken}, activities.NonRetryable...),
		},
	})
}

// joinToken is the one place that decides whether the next bot can carry
// the host's join token (and records why not): the policy allows tokens,
// no host declined recording in this workflow (a token would record past
// the decision), a host of the meeting connected Zoom OAuth, and that
// host's local recording setting is on (a token cannot record otherwise).
func (w *meetingBot) joinToken(ctx workflow.Context) (activities.PlanBotResult, bool) {
	if w.pol.NoJoinToken || w.s.HostDeclined {
		return activities.PlanBotResult{}, false
	}
	var plan activities.PlanBotResult
	if err := workflow.ExecuteActivity(botActivityOptions(ctx, 5), a.PlanBot, activities.PlanBotInput{
		TenantID: w.in.TenantID, MeetingID: w.in.MeetingID,
	}).Get(ctx, &plan); err != nil {
		// Without the host lookup the bot still asks for consent.
		w.event(ctx, "host lookup failed, asking for consent instead: "+errMessage(err))
		return activities.PlanBotResult{}, false
	}
	w.s.HostConnected = plan.HostConnected
	if plan.Note != "" {
		w.event(ctx, plan.Note)
	}
	if plan.HostConnected && plan.LocalRecordingOff {
		w.event(ctx, "the connected host's local recording setting is off: a join token cannot record, asking for consent")
		return plan, false
	}
	return plan, plan.HostConnected
}

// newBot creates a bot, with plan's host's join token when token. When no
// bot can be created the outcome is set.
func (w *meetingBot) newBot(ctx workflow.Context, plan activities.PlanBotResult, token bool) {
	now := workflow.Now(ctx)
	info := workflow.GetInfo(ctx)
	in := activities.CreateBotInput{
		TenantID: w.in.TenantID, WorkflowID: info.WorkflowExecution.ID,
		MeetingURL: w.in.MeetingURL, MeetingID: w.in.MeetingID, BotName: w.in.BotName,
		OnBehalfOf:         w.in.OnBehalfOf,
		WaitingRoomTimeout: int(w.pol.WaitingRoomTimeout / time.Second),
		// The workflow acts on its own consent timeout; the provider's
		// timeout is a backstop.
		InCallNotRecordingTimeout: int((w.pol.ConsentTimeout + 5*time.Minute) / time.Second),
		// Leave time for the chat message after a settings denial.
		PermissionDeniedTimeout: 120,
	}
	if w.pol.OnSettingsDenial == "wait" {
		in.PermissionDeniedTimeout = int((w.pol.ConsentTimeout + time.Minute) / time.Second)
	}
	if w.in.JoinAt.After(now) && len(w.s.Bots) == 0 {
		in.JoinAt = w.in.JoinAt
	}
	if token {
		in.JoinTokenUser = plan.HostZoomUserID
		in.LinkExpires = maxTime(now, in.JoinAt).Add(w.pol.MaxDuration + w.pol.WaitingRoomTimeout)
	}
	w.s.JoinAttempts++
	// One key per bot this workflow sends: an activity retry after a lost
	// answer gets the same bot back instead of a second bot in the meeting.
	in.IdempotencyKey = fmt.Sprintf("%s/%s/%d", info.WorkflowExecution.ID, info.FirstRunID, w.s.JoinAttempts)
	var res activities.CreateBotResult
	if err := workflow.ExecuteActivity(botActivityOptions(ctx, 8), a.CreateBot, in).Get(ctx, &res); err != nil {
		w.s.Outcome = providerUnavailable(err)
		if errType(err) == errTypeBotExternalMeetingNoToken {
			w.s.Outcome = externalMeetingNoToken(SubCodeNoOBFToken, errMessage(err), w.in.TenantID)
		}
		return
	}
	w.s.BotID = res.BotID
	w.s.Bots = append(w.s.Bots, res.BotID)
	w.s.JoinToken = token
	w.s.Bot = botLife{}
	w.s.LastStatusAt = now
	w.setPhase(ctx, BotPhaseJoining)
	w.s.PhaseSince = now
	how := "asking the host for consent"
	if token {
		how = "with " + plan.HostEmail + "'s join token for local recording (no consent dialog)"
	}
	w.event(ctx, fmt.Sprintf("bot %s created (attempt %d), %s", res.BotID, w.s.JoinAttempts, how))
	// Webhooks the provider sent before the bot was registered were
	// ignored by the ingress: read what happened so far.
	w.pollProvider(ctx)
}

// pollProvider reads the provider's status history into the inbox (the
// fallback for lost webhooks).
func (w *meetingBot) pollProvider(ctx workflow.Context) {
	w.s.LastStatusAt = workflow.Now(ctx)
	res, err := w.botStatus(ctx, 3)
	if err != nil {
		w.event(ctx, "polling the provider failed (will retry): "+errMessage(err))
		return
	}
	for _, s := range res.Statuses {
		w.enqueue(BotStatusEntry{BotID: w.s.BotID, Code: s.Code, SubCode: s.SubCode, Message: s.Message, At: s.At, Via: "poll"})
	}
}

// fillHistory adds statuses of the current bot that no webhook or poll
// brought (a lost webhook between others) to the history, without acting on
// them: the lifecycle is over.
func (w *meetingBot) fillHistory(ctx workflow.Context) {
	if w.s.BotID == "" {
		return
	}
	res, err := w.botStatus(ctx, 2)
	if err != nil {
		return
	}
	for _, s := range res.Statuses {
		e := BotStatusEntry{BotID: w.s.BotID, Code: s.Code, SubCode: s.SubCode, Message: s.Message, At: s.At, Via: "poll"}
		if !w.s.seen(e) {
			w.s.insertHistory(e)
		}
	}
}

// hostPresent asks the provider whether a participant has the host role.
func (w *meetingBot) hostPresent(ctx workflow.Context) bool {
	res, err := w.botStatus(ctx, 3)
	return err == nil && res.HostPresent
}

func (w *meetingBot) botStatus(ctx workflow.Context, attempts int32) (activities.BotStatusResult, error) {
	var res activities.BotStatusResult
	err := workflow.ExecuteActivity(botActivityOptions(ctx, attempts), a.GetBotStatus,
		activities.BotStatusInput{BotID: w.s.BotID}).Get(ctx, &res)
	return res, err
}

func (w *meetingBot) leaveBot(ctx workflow.Context) error {
	return workflow.ExecuteActivity(botActivityOptions(ctx, 5), a.LeaveBot, activities.BotStatusInput{BotID: w.s.BotID}).Get(ctx, nil)
}

func (w *meetingBot) helpURL() string {
	return orDefault(w.pol.SettingsHelpURL, defaultSettingsHelpURL)
}

// sendSettingsChat tells the host, once per bot, which setting blocks the
// recording and where the fix is explained.
func (w *meetingBot) sendSettingsChat(ctx workflow.Context, setting string) {
	if w.s.Bot.ChatSent {
		return
	}
	w.s.Bot.ChatSent = true
	msg := "Hi! This meeting's notetaker can't record because " + setting + ". To allow it, see: " + w.helpURL()
	err := workflow.ExecuteActivity(botActivityOptions(ctx, 3), a.SendBotChat, activities.BotChatInput{
		BotID: w.s.BotID, To: botprovider.ChatToHost, Message: msg}).Get(ctx, nil)
	if err != nil {
		w.event(ctx, "the chat message about settings could not be sent: "+errMessage(err))
		return
	}
	w.s.ChatMessages = append(w.s.ChatMessages, msg)
	w.event(ctx, "chat message sent to the host naming the blocking setting")
}

func errMessage(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}

func errType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() != "" {
		return appErr.Type()
	}
	return "error"
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// parseMeetingNumber reads a Zoom meeting number.
func parseMeetingNumber(s string) (int64, bool) {
	var n int64
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
