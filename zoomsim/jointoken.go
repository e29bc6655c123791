package zoomsim

import (
	"net/http"
	"strconv"
)

// Join tokens for local recording: GET /v2/meetings/{meetingId}/jointoken/
// local_recording mints them for the meeting's host (a user token of the host,
// or a Server-to-Server token of the host's account); the bot simulation
// redeems them when a bot joins with one. Tokens are opaque, single-use,
// bound to one meeting and live 120 s of simulated time.

type joinTokenResponse struct {
	Token    string `json:"token"`
	ExpireIn int    `json:"expire_in"`
}

// codeLocalRecordingNotAllowed is Zoom's 3000 for a host whose local
// recording setting is off.
const codeLocalRecordingNotAllowed = 3000

// getLocalRecordingJoinToken is GET /v2/meetings/{meetingId}/jointoken/
// local_recording[?bypass_waiting_room=true].
func (s *Server) getLocalRecordingJoinToken(w http.ResponseWriter, r *http.Request, c *call) {
	raw := r.PathValue("meetingId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		writeAPIError(w, http.StatusBadRequest, codeInvalidField, "Invalid meeting ID.")
		return
	}
	bypass := false
	if v := r.URL.Query().Get("bypass_waiting_room"); v != "" {
		if bypass, err = strconv.ParseBool(v); err != nil {
			writeFieldError(w, "bypass_waiting_room", "Invalid field.")
			return
		}
	}
	lm, m := meetingOf(c, id)
	var host *user
	switch {
	case lm != nil:
		host = lm.host
	case m != nil:
		host = m.Host
	default:
		meetingNotFound(w, raw)
		return
	}
	if c.user != nil && c.user != host {
		// A user token reaches the meetings its user hosts only.
		meetingNotFound(w, raw)
		return
	}
	if !host.Settings.LocalRecording {
		writeAPIError(w, http.StatusBadRequest, codeLocalRecordingNotAllowed,
			`Not allowed to start local recording. To use this feature, enable the "Local Recording" setting in the "Settings" page of the Zoom web portal.`)
		return
	}
	tok := s.tokens.user.mintJoin(id, bypass, c.now)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, joinTokenResponse{Token: tok, ExpireIn: int(joinTokenTTL.Seconds())})
}

// redeemJoinToken consumes a join token for local recording minted by
// GET /v2/meetings/{id}/jointoken/local_recording: ok only if it was minted
// for meetingID, has not expired and was not used before (single use).
// bypassWaitingRoom reports whether it was minted with bypass_waiting_room.
// Safe for concurrent use: of concurrent redeems of one token, one wins.
func (s *Server) redeemJoinToken(token string, meetingID int64) (bypassWaitingRoom, ok bool) {
	return s.tokens.user.redeemJoin(token, meetingID, s.clock.Now())
}

// MintJoinToken mints a join token for local recording for a meeting id, as
// the REST endpoint would for its host, without any checks (for Go tests).
func (s *Server) MintJoinToken(meetingID int64, bypassWaitingRoom bool) string {
	return s.tokens.user.mintJoin(meetingID, bypassWaitingRoom, s.clock.Now())
}
