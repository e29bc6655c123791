package activities

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/netguard"
)

// SourceBot names archives of meeting-bot media (S3 prefix, archive IDs).
const SourceBot = "bot"

// Error types of bot activities.
const (
	ErrBotsDisabled      = "bots_disabled"       // no bot provider configured
	ErrBotPoolExhausted  = "bot_pool_exhausted"  // 507: the provider has no free bot right now; retried
	ErrBotRejected       = "bot_rejected"        // the provider refused the request (4xx): fix and retry by hand
	ErrBotMediaNotReady  = "bot_media_not_ready" // the recording is still being processed; retried
	ErrBotMediaMissing   = "bot_media_missing"   // the bot has no recording to archive
	ErrBotProviderFailed = "bot_provider_error"  // other provider errors; retried
)

// HostInfo is the connected host of a meeting (Zoom OAuth).
type HostInfo struct {
	ZoomUserID string
	Email      string
	// LocalRecording is the host's "Record to computer files" setting as
	// last read (nil: unknown).
	LocalRecording *bool
}

// HostDirectory finds hosts who connected Zoom OAuth and issues the bots'
// join_token_url links (hostauth.Service behind an adapter in the worker).
type HostDirectory interface {
	// HostOf returns the tenant's connected host of the meeting; ok is
	// false when nobody connected hosts it. note explains a connection that
	// exists but cannot be used (dead, reconnect needed).
	HostOf(ctx context.Context, tenantID, meetingID string) (h HostInfo, ok bool, note string, err error)
	// JoinTokenURL issues a per-bot link minting join tokens through the
	// host's connection until expires.
	JoinTokenURL(ctx context.Context, tenantID, meetingID, zoomUserID, workflowID string, expires time.Time) (string, error)
	// ConnectedUser returns the tenant's active connection of user (a Zoom
	// user id or an e-mail); ok is false when the user has none.
	ConnectedUser(ctx context.Context, tenantID, user string) (h HostInfo, ok bool, err error)
	// UserTokenURL issues a per-bot link of kind BotLinkOBF or BotLinkZAK
	// minting that token through the user's connection until expires.
	UserTokenURL(ctx context.Context, kind, tenantID, meetingID, zoomUserID, workflowID string, expires time.Time) (string, error)
}

// PlanBotInput asks how a bot can get consent in a meeting.
type PlanBotInput struct {
	TenantID  string `json:"tenant_id"`
	MeetingID string `json:"meeting_id"`
}

// PlanBotResult: whether a join token can be had.
type PlanBotResult struct {
	HostConnected  bool   `json:"host_connected"`
	HostZoomUserID string `json:"host_zoom_user_id,omitempty"`
	HostEmail      string `json:"host_email,omitempty"`
	// LocalRecordingOff: the connected host's local recording setting is
	// off, which no join token fixes.
	LocalRecordingOff bool   `json:"local_recording_off,omitempty"`
	Note              string `json:"note,omitempty"`
}

// PlanBot looks for a connected host of the meeting.
func (a *Activities) PlanBot(ctx context.Context, in PlanBotInput) (PlanBotResult, error) {
	if a.Hosts == nil {
		return PlanBotResult{Note: "host OAuth is not configured (MEETVAULT_ZOOM_USER_CLIENT_ID)"}, nil
	}
	h, ok, note, err := a.Hosts.HostOf(ctx, in.TenantID, in.MeetingID)
	if err != nil {
		return PlanBotResult{}, fmt.Errorf("tenant %s meeting %s: looking for a connected host: %w", in.TenantID, in.MeetingID, err)
	}
	if !ok {
		return PlanBotResult{Note: note}, nil
	}
	return PlanBotResult{HostConnected: true, HostZoomUserID: h.ZoomUserID, HostEmail: h.Email,
		LocalRecordingOff: h.LocalRecording != nil && !*h.LocalRecording, Note: note}, nil
}

// CreateBotInput sends one bot to a meeting.
type CreateBotInput struct {
	TenantID   string `json:"tenant_id"`
	WorkflowID string `json:"workflow_id"`
	MeetingURL string `json:"meeting_url"`
	MeetingID  string `json:"meeting_id"`
	BotName    string `json:"bot_name,omitempty"`
	// JoinAt schedules the bot: it is created at once with this join_at
	// (never held back until then), so that the provider reserves it.
	JoinAt time.Time `json:"join_at,omitzero"`
	// JoinTokenUser, when set, gives the bot a join_token_url minting join
	// tokens through this connected host until LinkExpires. The link (a
	// secret) never enters workflow history.
	JoinTokenUser string    `json:"join_token_user,omitempty"`
	LinkExpires   time.Time `json:"link_expires,omitzero"`
	// OnBehalfOf names the tenant user who sends the bot (Zoom user id or
	// e-mail). For a meeting outside the tenant's account the bot carries
	// OBF and ZAK links minted through that user's Zoom OAuth connection;
	// without one it cannot join there (BotExternalMeetingNoToken).
	OnBehalfOf string `json:"on_behalf_of,omitempty"`
	// IdempotencyKey makes retries of this creation return the same bot.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Provider automatic-leave timeouts in seconds (0: provider default).
	WaitingRoomTimeout        int `json:"waiting_room_timeout,omitempty"`
	InCallNotRecordingTimeout int `json:"in_call_not_recording_timeout,omitempty"`
	PermissionDeniedTimeout   int `json:"permission_denied_timeout,omitempty"`
}

// CreateBotResult names the bot.
type CreateBotResult struct {
	BotID string `json:"bot_id"`
	// Links lists the token links the bot carries (BotLinkJoinToken,
	// BotLinkOBF, BotLinkZAK), never the links themselves.
	Links []string `json:"links,omitempty"`
}

// CreateBot creates the bot at the provider and registers it, so its status
// webhooks reach the workflow.
func (a *Activities) CreateBot(ctx context.Context, in CreateBotInput) (CreateBotResult, error) {
	if a.Bots == nil {
		return CreateBotResult{}, errNoBots()
	}
	req := botprovider.CreateBotRequest{
		MeetingURL:      in.MeetingURL,
		BotName:         in.BotName,
		JoinAt:          scheduledJoin(in.JoinAt, time.Now()),
		RecordingConfig: botprovider.RecordingOptions{VideoMixedMP4: true, ParticipantEvents: true}.JSON(),
		AutomaticLeave: &botprovider.AutomaticLeave{
			WaitingRoomTimeout:               in.WaitingRoomTimeout,
			InCallNotRecordingTimeout:        in.InCallNotRecordingTimeout,
			RecordingPermissionDeniedTimeout: in.PermissionDeniedTimeout,
		},
		Metadata:       map[string]string{"meetvault_tenant": in.TenantID, "meetvault_workflow": in.WorkflowID},
		IdempotencyKey: in.IdempotencyKey,
	}
	zcfg, links, err := a.botZoomConfig(ctx, in)
	if err != nil {
		return CreateBotResult{}, err
	}
	req.Zoom = zcfg
	// The provider replays a key's answer for an hour, refusals included:
	// after a definite refusal (no bot was made) the next attempt needs a new
	// key, counted in the heartbeat details that attempts share.
	var rotation int
	if activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &rotation)
	}
	if req.IdempotencyKey != "" && rotation > 0 {
		req.IdempotencyKey = fmt.Sprintf("%s/%d", req.IdempotencyKey, rotation)
	}
	bot, err := a.Bots.CreateBot(ctx, req)
	if err != nil {
		var pool *botprovider.PoolExhaustedError
		var rl *botprovider.RateLimitError
		if errors.As(err, &pool) || errors.As(err, &rl) {
			activity.RecordHeartbeat(ctx, rotation+1)
		}
		return CreateBotResult{}, classifyBotError(err, "creating a bot for meeting "+in.MeetingID)
	}
	// The workflow polls too, so a status webhook that arrives before this
	// insert (and is ignored as unknown) is not lost.
	if err := a.Store.RegisterBot(ctx, bot.ID, in.TenantID, in.WorkflowID); err != nil {
		return CreateBotResult{}, err
	}
	return CreateBotResult{BotID: bot.ID, Links: links}, nil
}

// scheduledJoin is the join_at a bot is created with: the caller's time when
// it lies ahead, so that the bot is created now and the provider reserves it
// (a bot scheduled more than botprovider.ScheduleAhead ahead is never
// refused with 507); zero (join at once) when it has passed, since the
// provider refuses a join_at in the past.
func scheduledJoin(joinAt, now time.Time) time.Time {
	if !joinAt.After(now) {
		return time.Time{}
	}
	return joinAt.UTC()
}

// BotStatusInput names a bot.
type BotStatusInput struct {
	BotID string `json:"bot_id"`
}

// BotStatus is one status change as the provider reports it.
type BotStatus struct {
	Code    string    `json:"code"`
	SubCode string    `json:"sub_code,omitempty"`
	Message string    `json:"message,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// BotStatusResult is the bot's status history and who is in the call.
type BotStatusResult struct {
	Statuses     []BotStatus `json:"statuses"`
	Participants int         `json:"participants"`
	HostPresent  bool        `json:"host_present"`
	// ParticipantSource is where the participants were read
	// (botprovider.ParticipantSource); "" when the provider offered none
	// yet: HostPresent false then means unknown, not absent.
	ParticipantSource string `json:"participant_source,omitempty"`
}

// GetBotStatus polls the provider (the fallback when webhooks stop).
func (a *Activities) GetBotStatus(ctx context.Context, in BotStatusInput) (BotStatusResult, error) {
	bot, err := a.getBot(ctx, in.BotID)
	if err != nil {
		return BotStatusResult{}, err
	}
	var out BotStatusResult
	for _, s := range bot.StatusChanges {
		out.Statuses = append(out.Statuses, BotStatus{Code: s.Code, SubCode: s.SubCode, Message: s.Message, At: s.CreatedAt})
	}
	// Whichever source the provider's API version offers: the inline list,
	// or the participant-events download (newer versions leave the inline
	// list empty, which alone never means "host absent").
	list, src, err := a.Bots.Participants(ctx, bot)
	if err != nil {
		return out, classifyBotError(err, "reading the participants of bot "+in.BotID)
	}
	out.Participants, out.HostPresent, out.ParticipantSource = len(list), botprovider.HostPresent(list), string(src)
	return out, nil
}

// BotChatInput is one chat message from the bot.
type BotChatInput struct {
	BotID   string `json:"bot_id"`
	To      string `json:"to"`
	Message string `json:"message"`
}

// SendBotChat sends a chat message from the bot.
func (a *Activities) SendBotChat(ctx context.Context, in BotChatInput) error {
	if a.Bots == nil {
		return errNoBots()
	}
	return classifyBotError(a.Bots.SendChatMessage(ctx, in.BotID, in.To, in.Message), "chat message from bot "+in.BotID)
}

// LeaveBot takes the bot out of the call. A bot that already left is fine.
func (a *Activities) LeaveBot(ctx context.Context, in BotStatusInput) error {
	if a.Bots == nil {
		return errNoBots()
	}
	err := a.Bots.LeaveCall(ctx, in.BotID)
	var apiErr *botprovider.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusTooManyRequests {
		return nil // not in a call (any more): nothing to leave
	}
	return classifyBotError(err, "leaving with bot "+in.BotID)
}

// BotMediaResult describes the bot's recording as files to archive. The
// provider's download links are short-lived secrets: ArchiveFile asks the
// provider for a fresh one instead of carrying it in history.
type BotMediaResult struct {
	Files     []RecordingFile `json:"files"`
	StartedAt time.Time       `json:"started_at,omitzero"`
}

// BotMedia waits (by failing retryably) until the bot's media is processed
// and lists it.
func (a *Activities) BotMedia(ctx context.Context, in BotStatusInput) (BotMediaResult, error) {
	bot, err := a.getBot(ctx, in.BotID)
	if err != nil {
		return BotMediaResult{}, err
	}
	var out BotMediaResult
	for _, r := range bot.Recordings {
		v := r.MediaShortcuts.VideoMixed
		if v == nil {
			continue
		}
		if v.Status.Code != "" && v.Status.Code != "done" || v.Data.DownloadURL == "" {
			return out, temporal.NewApplicationError(
				fmt.Sprintf("bot %s: recording %s is still being processed (%s)", in.BotID, r.ID, v.Status.Code), ErrBotMediaNotReady)
		}
		ext := strings.ToUpper(orString(v.Format, "mp4"))
		out.Files = append(out.Files, RecordingFile{
			FileID: v.ID, FileType: "MP4", FileExtension: ext, RecordingType: "bot_video_mixed",
			Status: "completed", RecordingStart: r.StartedAt, RecordingEnd: r.CompletedAt,
		})
		if out.StartedAt.IsZero() || r.StartedAt.Before(out.StartedAt) {
			out.StartedAt = r.StartedAt
		}
	}
	if len(out.Files) == 0 {
		return out, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("bot %s has no video recording to archive", in.BotID), ErrBotMediaMissing, nil)
	}
	return out, nil
}

// openBotDownload opens a bot recording for ArchiveFile: a fresh download
// link from the provider, fetched with a Range request from offset.
func (a *Activities) openBotDownload(ctx context.Context, in ArchiveFileInput, offset int64) (io.ReadCloser, error) {
	bot, err := a.getBot(ctx, in.ConversationUUID)
	if err != nil {
		return nil, err
	}
	link := ""
	for _, r := range bot.Recordings {
		if v := r.MediaShortcuts.VideoMixed; v != nil && v.ID == in.File.FileID {
			link = v.Data.DownloadURL
		}
	}
	if link == "" {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("bot %s no longer offers media %s", in.ConversationUUID, in.File.FileID), ErrBotMediaMissing, nil)
	}
	return a.fetchBotMedia(ctx, link, offset)
}

// fetchBotMedia GETs a bot media link from offset through the guarded
// client (the provider's hosts and its media CDN only; no credentials are
// sent). The link is a signed URL: errors carry it redacted.
func (a *Activities) fetchBotMedia(ctx context.Context, link string, offset int64) (io.ReadCloser, error) {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("bot media link %s is not an absolute URL", netguard.RedactURL(link))
	}
	if err := netguard.New(a.Egress.BotMedia).Check(u); err != nil {
		return nil, fmt.Errorf("bot media download: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, fmt.Errorf("bot media download %s: %w", netguard.RedactURL(link), netguard.URLError(err))
	}
	if offset > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	}
	resp, err := a.botMediaClient().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("bot media download: %w", netguard.URLError(err))
	}
	switch {
	case offset > 0 && resp.StatusCode == http.StatusPartialContent:
		return positioned(resp.Body, offset, offset)
	case resp.StatusCode == http.StatusOK:
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			resp.Body.Close()
			return nil, htmlError("bot media download answered text/html")
		}
		return positioned(resp.Body, 0, offset)
	default:
		resp.Body.Close()
		return nil, fmt.Errorf("bot media download %s: HTTP %d", netguard.RedactURL(resp.Request.URL.String()), resp.StatusCode)
	}
}

func errNoBots() error {
	return temporal.NewNonRetryableApplicationError(
		"no bot provider configured: set MEETVAULT_BOT_API_URL and MEETVAULT_BOT_API_KEY", ErrBotsDisabled, nil)
}

// getBot reads a bot from the provider.
func (a *Activities) getBot(ctx context.Context, id string) (*botprovider.Bot, error) {
	if a.Bots == nil {
		return nil, errNoBots()
	}
	bot, err := a.Bots.GetBot(ctx, id)
	if err != nil {
		return nil, classifyBotError(err, "reading bot "+id)
	}
	return bot, nil
}

func classifyBotError(err error, what string) error {
	if err == nil {
		return nil
	}
	err = netguard.ScrubError(err)
	var pool *botprovider.PoolExhaustedError
	var rl *botprovider.RateLimitError
	var apiErr *botprovider.APIError
	switch {
	case errors.As(err, &pool):
		return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("%s: %v", what, err), ErrBotPoolExhausted,
			temporal.ApplicationErrorOptions{Cause: err, NextRetryDelay: pool.Delay()})
	case errors.As(err, &rl) && rl.RetryAfter > 0:
		// Follow the provider's Retry-After rather than the retry policy.
		return temporal.NewApplicationErrorWithOptions(fmt.Sprintf("%s: %v", what, err), ErrBotProviderFailed,
			temporal.ApplicationErrorOptions{Cause: err, NextRetryDelay: rl.RetryAfter})
	case errors.As(err, &rl):
		return temporal.NewApplicationErrorWithCause(fmt.Sprintf("%s: %v", what, err), ErrBotProviderFailed, err)
	case errors.As(err, &apiErr) && !apiErr.Temporary():
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s: %v", what, err), ErrBotRejected, err)
	}
	return temporal.NewApplicationErrorWithCause(fmt.Sprintf("%s: %v", what, err), ErrBotProviderFailed, err)
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
