package zoomsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

const (
	downloadChunk  = 256 << 10
	signedURLValid = time.Hour
)

var chunkPool = sync.Pool{New: func() any { b := make([]byte, downloadChunk); return &b }}

// download is GET /rec/download/{opaque}, the URL the API's listings name.
// It needs a token, either as ?access_token= or "Authorization: Bearer": the
// account's OAuth access token, or a download_access_token / webhook
// download_token for the file's meeting. Like Zoom it answers 200 text/html,
// not an error status, when it will not serve the file. With redirects on
// (the default) it sends a 302 to a signed /rec/file URL; otherwise it serves
// the bytes itself.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	const route = "GET /rec/download/{opaque}"
	wd := s.world()
	s.serveDownload(w, r, route, wd, wd.fileByOpaque[r.PathValue("opaque")])
}

// webhookDownload is GET /rec/webhook_download/{opaque}/{hook}, the URL a
// recording.completed names for the same file the listing calls
// /rec/download/{opaque}: same bytes, same token rules.
func (s *Server) webhookDownload(w http.ResponseWriter, r *http.Request) {
	const route = "GET /rec/webhook_download/{opaque}/{hook}"
	wd := s.world()
	f := wd.fileByOpaque[r.PathValue("opaque")]
	if f != nil && r.PathValue("hook") != f.WebhookOpaque {
		f = nil
	}
	s.serveDownload(w, r, route, wd, f)
}

func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, route string, wd *world, f *recFile) {
	now := s.clock.Now()
	if f == nil {
		s.stats.call(route, "", "")
		writeHTMLError(w, http.StatusOK, "Error", "This recording does not exist.")
		return
	}
	s.stats.call(route, "", f.m.acct.ID)
	if s.trash.fileState(f) != trashNone { // trashed or deleted: Zoom's HTML page
		writeHTMLError(w, http.StatusOK, "Error", "This recording does not exist.")
		return
	}
	if !s.downloadAllowed(r, f, now) {
		writeHTMLError(w, http.StatusOK, "Sign In", "You need to sign in or provide a valid access token to download this recording.")
		return
	}
	if f.status(now) == statusProcessing {
		writeHTMLError(w, http.StatusOK, "Processing", "This recording is still being processed. Please try again later.")
		return
	}
	df := s.faults.forDownload(f.ID)
	if df.refused(w) {
		return
	}
	if df.redirect {
		http.Redirect(w, r, s.signedFileURL(r, f, now), http.StatusFound)
		return
	}
	s.serveBytes(w, r, wd.seed, f, df)
}

// serveSignedFile is GET /rec/file/{opaque}?expires&sig, the redirect target:
// a pre-signed URL, like Zoom's file CDN, that needs no token.
func (s *Server) serveSignedFile(w http.ResponseWriter, r *http.Request) {
	const route = "GET /rec/file/{opaque}"
	wd, now := s.world(), s.clock.Now()
	opaque := r.PathValue("opaque")
	q := r.URL.Query()
	f := wd.fileByOpaque[opaque]
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if f == nil || err != nil || !hmac.Equal([]byte(q.Get("sig")), []byte(s.sign(opaque, q.Get("expires")))) || now.Unix() > exp {
		s.stats.call(route, "", "")
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>\n"))
		return
	}
	s.stats.call(route, "", f.m.acct.ID)
	if s.trash.fileState(f) != trashNone {
		writeHTMLError(w, http.StatusOK, "Error", "This recording does not exist.")
		return
	}
	s.serveBytes(w, r, wd.seed, f, s.faults.forFileServe(f.ID))
}

// signedFileURL is where a download redirects: /rec/file/{opaque} with an
// expiring signature, on the file host when one listens (a host name other
// than the API's, as Zoom's CDN is), else on the host the request reached.
func (s *Server) signedFileURL(r *http.Request, f *recFile, now time.Time) string {
	expires := strconv.FormatInt(now.Add(signedURLValid).Unix(), 10)
	base := s.fileHostURL()
	if base == "" {
		base = baseURL(r)
	}
	return base + "/rec/file/" + f.Opaque + "?expires=" + expires + "&sig=" + s.sign(f.Opaque, expires)
}

func (s *Server) sign(opaque, expires string) string {
	m := hmac.New(sha256.New, s.signKey)
	m.Write([]byte(opaque + "|" + expires))
	return hex.EncodeToString(m.Sum(nil))
}

// downloadAllowed checks the token of a download request.
func (s *Server) downloadAllowed(r *http.Request, f *recFile, now time.Time) bool {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		tok, _ = bearer(r)
	}
	if tok == "" {
		return false
	}
	g, ok := s.tokens.lookup(tok)
	if !ok || !now.Before(g.expires) || g.accountID != f.m.acct.ID {
		return false
	}
	switch g.kind {
	case tokenS2S:
		return true
	case tokenDownloadAccess, tokenWebhook:
		return g.meetingUUID == f.m.UUID
	}
	return false
}

// serveBytes streams the generated content of f, honouring a single Range and
// the transfer faults: truncation (announce the full length, send fewer bytes,
// drop the connection) and throttling.
func (s *Server) serveBytes(w http.ResponseWriter, r *http.Request, seed int64, f *recFile, df downloadFaults) {
	c := newContent(keyOf(seed, f))
	size := c.Size()
	start, end, partial, ok := parseRange(r.Header.Get("Range"), size)
	h := w.Header()
	if !ok {
		h.Set("Content-Range", fmt.Sprintf("bytes */%d", size))
		w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return
	}
	h.Set("Content-Type", mimeType(f))
	h.Set("Content-Length", strconv.FormatInt(end-start, 10))
	h.Set("Content-Disposition", `attachment; filename="`+downloadName(f)+`"`)
	h.Set("Accept-Ranges", "bytes")
	h.Set("ETag", `"`+f.ID+`"`)
	h.Set("Last-Modified", f.RecEnd.Format(http.TimeFormat))
	status := http.StatusOK
	if partial {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, size))
		status = http.StatusPartialContent
	}
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	acct := f.m.acct.ID
	s.stats.downloadStarted(acct)

	limit, truncated := end-start, false
	if df.truncate >= 0 && df.truncate < limit {
		limit, truncated = df.truncate, true
	}
	chunk := int64(downloadChunk)
	var limiter *rate.Limiter
	if df.rate > 0 {
		chunk = max(min(chunk, df.rate/10), 1)
		limiter = rate.NewLimiter(rate.Limit(df.rate), int(chunk))
	}
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := *bp
	for sent := int64(0); sent < limit; {
		n := min(chunk, limit-sent)
		if limiter != nil {
			if err := limiter.WaitN(r.Context(), int(n)); err != nil {
				return
			}
		}
		_, _ = c.ReadAt(buf[:n], start+sent)
		m, err := w.Write(buf[:n])
		sent += int64(m)
		s.stats.bytesSent(acct, int64(m))
		if err != nil {
			return
		}
	}
	if truncated {
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler) // closes the connection mid-body
	}
}

func mimeType(f *recFile) string {
	switch f.FileExtension {
	case "MP4":
		return "video/mp4"
	case "M4A":
		return "audio/mp4"
	case "MP3":
		return "audio/mpeg"
	case "VTT":
		return "text/vtt"
	case "TXT":
		return "text/plain"
	case "JSON":
		return "application/json"
	case "CSV":
		return "text/csv"
	}
	return "application/octet-stream"
}

// downloadName is the file name Zoom's Content-Disposition suggests.
func downloadName(f *recFile) string {
	stamp := "GMT" + f.RecStart.UTC().Format("20060102-150405")
	ext := strings.ToLower(f.FileExtension)
	switch {
	case f.Participant:
		return stamp + "_" + strings.ReplaceAll(strings.TrimPrefix(f.FileName, "Audio only - "), " ", "_") + "." + ext
	case f.FileType == "MP4" && strings.Contains(f.RecordingType, "gallery"):
		return stamp + "_Recording_gallery_1920x1080.mp4"
	case f.FileType == "MP4":
		return stamp + "_Recording_1920x1080.mp4"
	case f.FileType == "TRANSCRIPT":
		return stamp + "_Recording.transcript.vtt"
	case f.FileType == "CC":
		return stamp + "_Recording.cc.vtt"
	case f.FileType == "CHAT":
		return stamp + "_RecordingnewChat.txt"
	}
	return stamp + "_Recording." + ext
}
