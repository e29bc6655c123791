package zoomsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The lifecycle of one bot runs in one goroutine on wall-clock time. Every
// deadline is computed from the scheduled time of the event that set it (not
// from when the goroutine got round to it), so the order of events depends
// only on the scenario and the automatic_leave timeouts, never on load.

// addStatus appends a status change and queues its webhook; the caller
// holds botHub.mu.
func (b *bot) addStatus(code, sub string) {
	now := time.Now().UTC()
	if n := len(b.statuses); n > 0 && now.Before(b.statuses[n-1].CreatedAt) {
		now = b.statuses[n-1].CreatedAt // keep created_at monotonic
	}
	st := BotStatusChange{Code: code, SubCode: sub, Message: botStatusMessage(code, sub), CreatedAt: now}
	b.statuses = append(b.statuses, st)
	if code == botDone || code == botFatal {
		b.terminal = true
	}
	if b.hookURL != "" {
		b.queue = append(b.queue, st)
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
}

// botRun is the state of one lifecycle goroutine.
type botRun struct {
	h   *botHub
	b   *bot
	ctx context.Context
}

func (r *botRun) status(code, sub string) {
	r.h.mu.Lock()
	r.b.addStatus(code, sub)
	r.h.mu.Unlock()
	r.h.s.log.Debug("zoomsim bot status", "bot", r.b.id, "code", code, "sub_code", sub)
}

type wakeReason int

const (
	wokeTimer wakeReason = iota
	wokeLeave
	wokeStop
)

// sleepUntil waits for t, a leave_call or the end of the generation.
func (r *botRun) sleepUntil(t time.Time) wakeReason {
	select {
	case <-r.ctx.Done():
		return wokeStop
	case <-r.b.leaveCh:
		return wokeLeave
	default:
	}
	d := time.Until(t)
	if d <= 0 {
		return wokeTimer
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-r.ctx.Done():
		return wokeStop
	case <-r.b.leaveCh:
		return wokeLeave
	case <-tm.C:
		return wokeTimer
	}
}

// pause waits d unless the generation ends (leave_call does not interrupt).
func (r *botRun) pause(d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-r.ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// leftNow reports a pending leave_call without waiting.
func (r *botRun) leftNow() bool {
	select {
	case <-r.b.leaveCh:
		return true
	default:
		return false
	}
}

func (h *botHub) runBot(b *bot, joinedAtCreation bool) {
	defer b.gen.wg.Done()
	r := &botRun{h: h, b: b, ctx: b.gen.ctx}
	r.lifecycle(joinedAtCreation)
}

func (r *botRun) lifecycle(joinedAtCreation bool) {
	b := r.b
	if !joinedAtCreation {
		switch r.sleepUntil(b.joinAt) {
		case wokeStop:
			return
		case wokeLeave: // removed before it joined
			r.status(botCallEnded, subBotReceivedLeaveCall)
			r.status(botDone, "")
			return
		}
		r.status(botJoiningCall, "")
	}
	joinedAt := time.Now()

	// 1. The join token, fetched just before joining.
	token := ""
	if b.zoom.JoinTokenURL != "" {
		var ok bool
		if token, ok = r.fetchJoinToken(); !ok && r.ctx.Err() != nil {
			return
		}
	}
	// The sign-in tokens, also fetched just before joining (404: none).
	obf, zak := r.fetchSignInToken(b.zoom.OBFTokenURL, "obf"), r.fetchSignInToken(b.zoom.ZakURL, "zak")
	if r.ctx.Err() != nil {
		return
	}
	m := b.mtg
	if m == nil {
		r.status(botFatal, subMeetingNotFound)
		return
	}
	if b.password != m.spec.Passcode {
		r.status(botFatal, subMeetingPasswordIncorrect)
		return
	}
	tokenValid, bypass := false, false
	if token != "" {
		var ok bool
		bypass, ok = r.h.s.redeemJoinToken(token, m.spec.ID)
		if !ok {
			r.status(botFatal, subInvalidJoinToken)
			return
		}
		tokenValid = true
		r.h.mu.Lock()
		b.tokenUsed = true
		r.h.mu.Unlock()
	}

	// 1b. Signing in: a ZAK joins as its user; an OBF token ties the bot to
	// its user, who must be in the meeting. Meetings outside the app's
	// account refuse anonymous bots.
	with, who, ok := r.signIn(m, obf, zak)
	if !ok {
		return
	}
	if with == "zak" && who == m.host.ID {
		bypass = true // the host's own ZAK skips the waiting room, as at Recall
	}
	var obfLeaveAt time.Time
	if with == "obf" {
		var woke wakeReason
		if joinedAt, woke = r.waitForOBFUser(m, joinedAt); woke != wokeTimer {
			return
		}
		if ms := m.spec.OBFUserLeavesAfterMS; ms > 0 {
			obfLeaveAt = joinedAt.Add(time.Duration(ms) * time.Millisecond)
		}
	}

	// 2. Zoom's own join failures, counted per live meeting across bots.
	r.h.mu.Lock()
	attempt := b.gen.joinAttempts[m.spec.ID]
	b.gen.joinAttempts[m.spec.ID]++
	r.h.mu.Unlock()
	if n := m.spec.JoinInternalErrors; n == -1 || attempt < n {
		r.status(botFatal, subInternalError)
		return
	}
	if r.leftNow() {
		r.endCall(subBotReceivedLeaveCall, time.Now())
		return
	}

	// 3. The waiting room.
	if m.spec.WaitingRoom && !bypass {
		r.status(botInWaitingRoom, "")
		timeout := seconds(b.leave.WaitingRoom)
		admit := time.Duration(m.spec.AdmitAfterMS) * time.Millisecond
		admitted := m.spec.AdmitAfterMS > 0 && admit < timeout
		wait := timeout
		if admitted {
			wait = admit
		}
		switch r.sleepUntil(joinedAt.Add(wait)) {
		case wokeStop:
			return
		case wokeLeave:
			r.endCall(subBotReceivedLeaveCall, time.Now())
			return
		}
		if !admitted {
			r.endCall(subTimeoutWaitingRoom, time.Now())
			return
		}
		joinedAt = joinedAt.Add(wait)
	}

	// 4. In the call.
	r.inCall(joinedAt, tokenValid, obfLeaveAt)
}

// fetchSignInToken GETs an OBF or ZAK URL with a plain GET (no auth
// header): the body is the token as plain text; 404 means none. Other
// failures are logged and count as none.
func (r *botRun) fetchSignInToken(u, kind string) string {
	if u == "" {
		return ""
	}
	b := r.b
	r.h.mu.Lock()
	if kind == "obf" {
		b.obfFetches++
	} else {
		b.zakFetches++
	}
	r.h.mu.Unlock()
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, u, nil)
	if err != nil {
		return ""
	}
	req.Header.Set("User-Agent", "zoomsim-bot/1")
	resp, err := r.h.tokenClient.Do(req)
	if err != nil {
		r.h.s.log.Warn("zoomsim bot: token fetch failed", "bot", b.id, "kind", kind, "err", err)
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return ""
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		r.h.s.log.Warn("zoomsim bot: token fetch failed", "bot", b.id, "kind", kind, "status", resp.StatusCode)
		return ""
	}
	return strings.TrimSpace(string(body))
}

// signIn checks the sign-in tokens and records how the bot joins: with is
// "zak", "obf" or "" (anonymous), who the token's user. ok is false when the
// bot ended with a fatal: a token Zoom would not accept, or an external
// meeting without any.
func (r *botRun) signIn(m *liveMeeting, obf, zak string) (with, who string, ok bool) {
	s, b := r.h.s, r.b
	valid := false
	switch {
	case zak != "":
		if who, valid = s.checkZAK(zak); !valid {
			r.status(botFatal, subInvalidZAK)
			return "", "", false
		}
		with = "zak"
	case obf != "":
		if who, valid = s.redeemOBF(obf); !valid {
			r.status(botFatal, subInvalidOBFToken)
			return "", "", false
		}
		with = "obf"
	case m.spec.External:
		r.status(botFatal, subOBFTokenRequired)
		return "", "", false
	}
	r.h.mu.Lock()
	b.joinedWith = with
	r.h.mu.Unlock()
	return with, who, true
}

// waitForOBFUser keeps the bot in joining_call until its OBF user is in the
// meeting, at most waiting_room_timeout (then fatal zoom_join_timeout). It
// returns when the bot may enter and why it woke (wokeTimer: go on).
func (r *botRun) waitForOBFUser(m *liveMeeting, joinedAt time.Time) (time.Time, wakeReason) {
	timeout := seconds(r.b.leave.WaitingRoom)
	wait := time.Duration(m.spec.OBFUserJoinsAfterMS) * time.Millisecond
	attends := m.obfUserAttends() && wait < timeout
	if !attends {
		wait = timeout
	}
	if wait <= 0 {
		return joinedAt, wokeTimer
	}
	switch woke := r.sleepUntil(joinedAt.Add(wait)); woke {
	case wokeStop:
		return joinedAt, woke
	case wokeLeave:
		r.endCall(subBotReceivedLeaveCall, time.Now())
		return joinedAt, woke
	}
	if !attends {
		r.status(botFatal, subJoinTimeout)
		return joinedAt, wokeStop
	}
	return joinedAt.Add(wait), wokeTimer
}

// Events of the in-call loop, in the order they apply when due together.
const (
	evHost = iota
	evAnswer
	evEnd
	evDeniedTimeout
	evNotRecordingTimeout
	evOBFUserLeft
	evCount
)

// inCall runs the bot in the call; a non-zero obfLeaveAt is when the user of
// its OBF token leaves, which removes the bot.
func (r *botRun) inCall(inCallAt time.Time, tokenValid bool, obfLeaveAt time.Time) {
	b, m := r.b, r.b.mtg
	spec := m.spec
	r.h.mu.Lock()
	b.participants = append(b.participants, BotParticipant{ID: 16778240, Name: "Guest", Platform: "desktop"})
	b.addStatus(botInCallNotRecording, "")
	r.h.mu.Unlock()

	var at [evCount]time.Time // zero: not pending
	at[evEnd] = inCallAt.Add(time.Duration(spec.EndsAfterMS) * time.Millisecond)
	at[evNotRecordingTimeout] = inCallAt.Add(seconds(b.leave.InCallNotRecording))
	if m.hostAttends() {
		at[evHost] = inCallAt.Add(time.Duration(spec.HostJoinsAfterMS) * time.Millisecond)
	}
	at[evOBFUserLeft] = obfLeaveAt
	asked := false
	deny := func(sub string, when time.Time) {
		asked = true
		at[evAnswer] = time.Time{}
		r.status(botRecordingPermissionDenied, sub)
		at[evDeniedTimeout] = when.Add(seconds(b.leave.PermissionDenied))
	}
	allow := func(when time.Time) {
		asked = true
		at[evAnswer], at[evDeniedTimeout], at[evNotRecordingTimeout] = time.Time{}, time.Time{}, time.Time{}
		now := time.Now().UTC()
		r.h.mu.Lock()
		b.addStatus(botRecordingPermissionAllowed, "")
		b.rec = &botRecording{
			id: newUUID(), mediaID: newUUID(), createdAt: now, startedAt: now, updatedAt: now,
			virtualStart: when, status: "processing",
		}
		b.rec.token = r.h.s.botMediaToken(b.rec.id)
		b.rec.eventsID, b.rec.participantsPath = newUUID(), r.h.s.participantsPath(b.rec.id)
		b.gen.recordings[b.rec.id] = b
		b.addStatus(botInCallRecording, "")
		r.h.mu.Unlock()
	}
	// ask is the consent dialog, shown once a participant with is_host is in.
	ask := func(when time.Time) {
		settings := m.host.Settings
		switch {
		case !settings.LocalRecording:
			deny(subLocalRecordingDisabled, when)
		case !settings.LocalRecordingRequests:
			deny(subLocalRecordingRequestDisabled, when)
		case spec.RequestsDisabledInMeeting:
			deny(subLocalRecordingRequestDisabledByHost, when)
		default:
			asked = true
			at[evAnswer] = when.Add(time.Duration(spec.AnswerAfterMS) * time.Millisecond)
		}
	}
	if tokenValid { // a join token grants recording without a dialog, not without the setting
		if !m.host.Settings.LocalRecording {
			deny(subLocalRecordingDisabled, inCallAt)
		} else {
			allow(inCallAt)
		}
	}

	for {
		k := -1
		for i, t := range at {
			if !t.IsZero() && (k < 0 || t.Before(at[k])) {
				k = i
			}
		}
		when := at[k] // evEnd is always pending
		switch r.sleepUntil(when) {
		case wokeStop:
			return
		case wokeLeave:
			r.endCall(subBotReceivedLeaveCall, time.Now())
			return
		}
		at[k] = time.Time{}
		switch k {
		case evHost:
			r.h.mu.Lock()
			b.participants = append(b.participants, BotParticipant{
				ID: 16779264, Name: m.host.displayName(), IsHost: !spec.HostSignedInElsewhere, Platform: "desktop",
			})
			r.h.mu.Unlock()
			if !spec.HostSignedInElsewhere && !asked {
				ask(when)
			}
		case evAnswer:
			switch spec.HostAnswer {
			case "allow":
				allow(when)
			case "deny":
				deny(subLocalRecordingRequestDeniedByHost, when)
			}
		case evEnd:
			r.endCall(subCallEndedByHost, when)
			return
		case evDeniedTimeout:
			r.endCall(subTimeoutPermissionDenied, when)
			return
		case evNotRecordingTimeout:
			r.endCall(subTimeoutInCallNotRecording, when)
			return
		case evOBFUserLeft:
			r.endCall(subBotKickedFromCall, when)
			return
		}
	}
}

// endCall leaves the call for reason sub at when (the bot's timeline): the
// recording, if any, stops and is processed before the bot is done.
func (r *botRun) endCall(sub string, when time.Time) {
	b := r.b
	r.h.mu.Lock()
	rec := b.rec
	if rec != nil {
		rec.virtualEnd = when
		b.addStatus(botRecordingDone, "")
	}
	b.addStatus(botCallEnded, sub)
	r.h.mu.Unlock()
	if rec == nil {
		r.status(botDone, "")
		return
	}
	if !r.pause(r.h.processing) {
		return
	}
	recorded := max(rec.virtualEnd.Sub(rec.virtualStart), time.Second)
	size := max(b.mtg.spec.BytesPerSecond*recorded.Milliseconds()/1000, 1)
	sum := r.h.s.digests.sum(keyOf(b.gen.world.seed, r.h.s.botMediaFile(b, rec, size)))
	now := time.Now().UTC()
	r.h.mu.Lock()
	rec.size, rec.sha, rec.status = size, sum, "done"
	rec.completedAt, rec.updatedAt = now, now
	b.addStatus(botDone, "")
	r.h.mu.Unlock()
}

// fetchJoinToken GETs zoom.join_token_url: the body is the token, as text or
// as {"token": "..."}. ok is false when the fetch failed; the bot then joins
// without a token.
func (r *botRun) fetchJoinToken() (string, bool) {
	b := r.b
	r.h.mu.Lock()
	b.tokenFetches++
	r.h.mu.Unlock()
	tok, err := r.getJoinToken()
	if err != nil {
		r.h.s.log.Warn("zoomsim bot: join token fetch failed; joining without a token", "bot", b.id, "err", err)
		return "", false
	}
	return tok, true
}

func (r *botRun) getJoinToken() (string, error) {
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, r.b.zoom.JoinTokenURL, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", "zoomsim-bot/1")
	resp, err := r.h.tokenClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("status %d", resp.StatusCode)
	}
	text := strings.TrimSpace(string(body))
	if strings.HasPrefix(text, "{") {
		var v struct {
			Token string `json:"token"`
		}
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return "", fmt.Errorf("unreadable JSON: %w", err)
		}
		text = strings.TrimSpace(v.Token)
	}
	if text == "" {
		return "", errors.New("empty token")
	}
	return text, nil
}

// botStatusMessage is the human-readable text of a status change.
func botStatusMessage(code, sub string) string {
	switch sub {
	case subLocalRecordingDisabled:
		return "The host's Zoom settings do not allow local recording (Record to computer files is off)."
	case subLocalRecordingRequestDisabled:
		return "The host's Zoom settings do not let participants request permission to record locally."
	case subLocalRecordingRequestDisabledByHost:
		return "The host turned off recording requests in this meeting."
	case subLocalRecordingRequestDeniedByHost:
		return "The host denied the bot's request to record."
	case subInternalError:
		return "Zoom returned an internal error while the bot was joining the meeting."
	case subInvalidJoinToken:
		return "Zoom rejected the join token for local recording (expired, already used or minted for another meeting)."
	case subMeetingNotFound:
		return "The meeting does not exist."
	case subOBFTokenRequired:
		return "The meeting is hosted outside the Zoom app's account: Zoom requires an OBF token or a ZAK (zoom.obf_token_url or zoom.zak_url) to join it."
	case subInvalidOBFToken:
		return "Zoom rejected the OBF token (expired, already used or not minted by Zoom)."
	case subInvalidZAK:
		return "Zoom rejected the ZAK (expired or not minted by Zoom)."
	case subJoinTimeout:
		return "The bot could not join before the timeout: the user of its OBF token never joined the meeting."
	case subBotKickedFromCall:
		return "The bot was removed from the call (the user of its OBF token left)."
	case subMeetingPasswordIncorrect:
		return "The meeting passcode is incorrect."
	case subCallEndedByHost:
		return "The host ended the meeting."
	case subBotReceivedLeaveCall:
		return "The bot left the call after a leave_call request."
	case subTimeoutWaitingRoom:
		return "The bot left because nobody admitted it from the waiting room before waiting_room_timeout."
	case subTimeoutInCallNotRecording:
		return "The bot left because it was not recording before in_call_not_recording_timeout."
	case subTimeoutPermissionDenied:
		return "The bot left recording_permission_denied_timeout after recording permission was denied."
	}
	switch code {
	case botJoiningCall:
		return "The bot is joining the call."
	case botInWaitingRoom:
		return "The bot is in the waiting room."
	case botInCallNotRecording:
		return "The bot joined the call and is not recording."
	case botRecordingPermissionAllowed:
		return "The bot was granted permission to record."
	case botInCallRecording:
		return "The bot is recording."
	case botRecordingDone:
		return "The bot stopped recording."
	case botCallEnded:
		return "The bot left the call."
	case botDone:
		return "The bot finished processing the call."
	}
	return ""
}
