package zoomsim

import (
	"crypto/hmac"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Where a bot's participants appear depends on the Recall API version the
// client asks for (header Recall-Api-Version, else the scenario's
// bot_provider.api_version): older versions list them inline in
// meeting_participants; from 2025-01-01 that list stays empty and each
// recording publishes them as a participant-events download,
// media_shortcuts.participant_events.data.participants_download_url, a JSON
// array of {id, name, is_host, platform}. A client that reads only
// meeting_participants then sees nobody, host or not.

// participantEventsSince is the first API version that publishes
// participants as a download.
const participantEventsSince = "2025-01-01"

var recallVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// participantsAsDownload reports whether r gets the newer participant shape.
func participantsAsDownload(r *http.Request, g *botGen) bool {
	v := strings.TrimSpace(r.Header.Get("Recall-Api-Version"))
	if v == "" {
		v = g.provider.APIVersion
	}
	return recallVersion.MatchString(v) && v >= participantEventsSince
}

// participantsPath is the participant list's download path of a recording.
func (s *Server) participantsPath(recID string) string {
	return "/rec/bot/" + recID + "/participants.json?token=" + s.botMediaToken(recID+"/participants")
}

// participantEventsData is participant_events.data.
type participantEventsData struct {
	ParticipantsDownloadURL *string `json:"participants_download_url"`
}

// serveBotParticipants is GET /rec/bot/{recording}/participants.json?token=:
// the bot's participants so far.
func (s *Server) serveBotParticipants(w http.ResponseWriter, r *http.Request) {
	const route = "GET /rec/bot/{recording}/participants.json"
	s.stats.call(route, "", "")
	recID := r.PathValue("recording")
	tok := r.URL.Query().Get("token")
	if tok == "" || !hmac.Equal([]byte(tok), []byte(s.botMediaToken(recID+"/participants"))) {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	h := s.bots
	h.mu.Lock()
	var ps []BotParticipant
	found := false
	if h.gen != nil {
		if b := h.gen.recordings[recID]; b != nil {
			ps, found = slices.Clone(b.participants), true
		}
	}
	h.mu.Unlock()
	if !found {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	if ps == nil {
		ps = []BotParticipant{}
	}
	writeJSON(w, http.StatusOK, ps)
}
