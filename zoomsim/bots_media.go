package zoomsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// A bot's recording is one video_mixed MP4 served by the simulator at
// /rec/bot/{recording_id}.mp4?token=..., a pre-signed URL like the S3 links
// Recall hands out. Its bytes are generated from (scenario seed, bot id) by
// the same generator as Zoom's files.

// botMediaToken signs a recording id for its download URL.
func (s *Server) botMediaToken(recID string) string {
	m := hmac.New(sha256.New, s.signKey)
	m.Write([]byte("bot-media|" + recID))
	return hex.EncodeToString(m.Sum(nil))
}

// botMediaFile describes a bot's MP4 as a recording file so the download and
// digest code of the cloud recordings serve it. Its id, which keys the
// content, is derived from the bot id.
func (s *Server) botMediaFile(b *bot, r *botRecording, size int64) *recFile {
	f := &recFile{
		ID: "bot-" + b.id, FileType: "MP4", FileExtension: "MP4", RecordingType: "video_mixed",
		Size: size, baseStatus: statusCompleted, RecStart: r.startedAt, RecEnd: r.completedAt,
		m: &meeting{},
	}
	if b.mtg != nil {
		f.m.acct = b.mtg.acct
	}
	return f
}

// serveBotMedia is GET (and HEAD) /rec/bot/{recording_id}.mp4?token=. It
// honours a single Range and, keyed by the recording id, the download faults
// html_error_files, fail_first_downloads, truncate_files and
// download_bytes_per_sec.
func (s *Server) serveBotMedia(w http.ResponseWriter, r *http.Request) {
	const route = "GET /rec/bot/{file}"
	s.stats.call(route, "", "")
	recID, ok := strings.CutSuffix(r.PathValue("file"), ".mp4")
	tok := r.URL.Query().Get("token")
	if !ok || tok == "" || !hmac.Equal([]byte(tok), []byte(s.botMediaToken(recID))) {
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	h := s.bots
	h.mu.Lock()
	var b *bot
	if h.gen != nil {
		b = h.gen.recordings[recID]
	}
	var f *recFile
	var seed int64
	if b != nil && b.rec.status == "done" {
		f = s.botMediaFile(b, b.rec, b.rec.size)
		seed = b.gen.world.seed
	}
	h.mu.Unlock()
	if f == nil {
		writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	df := s.faults.forDownload(recID)
	df.redirect = false
	switch {
	case df.htmlError:
		writeHTMLError(w, http.StatusOK, "Error", "This recording does not exist.")
	case df.fail:
		w.Header().Set("Retry-After", "1")
		writeS3Error(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	default:
		if f.m.acct == nil { // cannot happen: only bots in a known meeting record
			writeS3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
			return
		}
		s.serveBytes(w, r, seed, f, df)
	}
}

func writeS3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + msg + "</Message></Error>\n"))
}
