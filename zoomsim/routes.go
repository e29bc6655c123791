package zoomsim

import (
	"net/http"
	"strings"
	"time"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// Zoom OAuth and REST.
	mux.HandleFunc("POST /oauth/token", s.oauthToken)
	s.rest(mux, "GET /v2/users", labelMedium, s.listUsers)
	s.rest(mux, "GET /v2/users/{userId}", labelLight, s.getUser)
	s.rest(mux, "GET /v2/users/{userId}/recordings", labelMedium, s.listUserRecordings)
	s.rest(mux, "GET /v2/accounts/{accountId}/recordings", labelMedium, s.listAccountRecordings)
	s.rest(mux, "GET /v2/meetings/{meetingId}/recordings", labelLight, s.getMeetingRecordings)
	s.rest(mux, "DELETE /v2/meetings/{meetingId}/recordings", labelLight, s.deleteMeetingRecordings)
	s.rest(mux, "DELETE /v2/meetings/{meetingId}/recordings/{recordingId}", labelLight, s.deleteRecordingFile)
	s.rest(mux, "PUT /v2/meetings/{meetingId}/recordings/status", labelLight, s.recoverMeetingRecordings)
	s.rest(mux, "PUT /v2/meetings/{meetingId}/recordings/{recordingId}/status", labelLight, s.recoverRecordingFile)
	// Dashboards, reports and archiving (reconciliation).
	s.rest(mux, "GET /v2/metrics/meetings", labelResourceIntensive, s.listDashboardMeetings)
	s.rest(mux, "GET /v2/metrics/meetings/{meetingId}/participants", labelHeavy, s.listDashboardParticipants)
	s.rest(mux, "GET /v2/past_meetings/{meetingId}/participants", labelMedium, s.listPastMeetingParticipants)
	s.rest(mux, "GET /v2/archive_files", labelMedium, s.listArchiveFiles)
	s.phoneRoutes(mux) // /v2/phone/recordings, /v2/phone/users/{id}/recordings, MP3 downloads (phone_http.go)
	mux.HandleFunc("/v2/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusNotFound, 404, "Not found")
	})

	// File downloads (GET also answers HEAD).
	mux.HandleFunc("GET /rec/download/{opaque}", s.download)
	mux.HandleFunc("GET /rec/webhook_download/{opaque}/{hook}", s.webhookDownload)
	mux.HandleFunc("GET /rec/file/{opaque}", s.serveSignedFile)

	// Admin API.
	mux.HandleFunc("GET /_sim/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /_sim/truth", s.adminTruth)
	mux.HandleFunc("GET /_sim/accounts", s.adminAccounts)
	mux.HandleFunc("GET /_sim/stats", s.adminStats)
	mux.HandleFunc("POST /_sim/stats/reset", s.adminStatsReset)
	mux.HandleFunc("GET /_sim/clock", s.adminClock)
	mux.HandleFunc("POST /_sim/clock", s.adminClock)
	mux.HandleFunc("GET /_sim/scenario", s.adminGetScenario)
	mux.HandleFunc("POST /_sim/scenario", s.adminLoadScenario)
	mux.HandleFunc("GET /_sim/faults", s.adminFaults)
	mux.HandleFunc("POST /_sim/faults", s.adminFaults)
	mux.HandleFunc("GET /_sim/ratelimits", s.adminRateLimits)
	mux.HandleFunc("POST /_sim/ratelimits", s.adminRateLimits)
	s.webhookRoutes(mux)   // GET/POST /_sim/webhooks, POST /_sim/webhooks/send
	s.userOAuthRoutes(mux) // /oauth/authorize, user grants, /v2/users/{id}/settings, /v2/meetings/{id}[/jointoken/local_recording]
	s.botRoutes(mux)       // /api/v1/bot/..., bot media downloads, /_sim/bots
	s.rtmsRoutes(mux)      // /_sim/rtms/..., RTMS signalling and media WebSockets /rtms/{server}/...
	return s.logged(mux)
}

// call is what a REST handler gets besides the request.
type call struct {
	w    *world
	acct *account
	// user is the user of a user OAuth token (the one who authorised the
	// app); nil for Server-to-Server tokens, which act for the whole account.
	user *user
	now  time.Time
	base string // scheme://host of this request, for the URLs in responses
}

type restHandler func(w http.ResponseWriter, r *http.Request, c *call)

// rest registers a REST endpoint: it checks the bearer token, counts the call
// under its route pattern, rate-limit label and account, and applies the
// account's rate limits (429) before the handler runs.
func (s *Server) rest(mux *http.ServeMux, pattern, label string, h restHandler) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.sleepAPILatency(r, label) // the internet round trip (api_latency_ms fault)
		w.Header().Set("x-zm-trackingid", "v=2.0;clid=sim;rid=WEB_"+randomToken(16))
		c := &call{w: s.world(), now: s.clock.Now(), base: baseURL(r)}
		acct, u, code, msg := s.authenticate(r, c.w, c.now)
		accountID := ""
		if acct != nil {
			accountID = acct.ID
		}
		s.stats.call(pattern, label, accountID)
		if acct == nil {
			writeAPIError(w, http.StatusUnauthorized, code, msg)
			return
		}
		c.acct, c.user = acct, u
		if !s.admitRequest(w, pattern, label, acct, c.now) {
			return
		}
		h(w, r, c)
	})
}

// authenticate resolves the OAuth access token of a REST request: a
// Server-to-Server token (its account) or a user OAuth token (its user and the
// user's account; a revoked grant's tokens are invalid). For a user token a
// path userId of "me" is rewritten to the token's user.
func (s *Server) authenticate(r *http.Request, w *world, now time.Time) (*account, *user, int, string) {
	tok, ok := bearer(r)
	if !ok {
		return nil, nil, codeInvalidToken, "Invalid access token."
	}
	g, ok := s.tokens.lookup(tok)
	if !ok || (g.kind != tokenS2S && g.kind != tokenUser) {
		return nil, nil, codeInvalidToken, "Invalid access token."
	}
	if g.kind == tokenUser && !s.tokens.user.active(g.grantID) {
		return nil, nil, codeInvalidToken, "Invalid access token."
	}
	if !now.Before(g.expires) {
		return nil, nil, codeInvalidToken, "Access token is expired."
	}
	a := w.accountByID[g.accountID]
	if a == nil {
		return nil, nil, codeInvalidToken, "Invalid access token."
	}
	if g.kind != tokenUser {
		return a, nil, 0, ""
	}
	u := a.userByID[g.userID]
	if u == nil {
		return nil, nil, codeInvalidToken, "Invalid access token."
	}
	if r.PathValue("userId") == "me" {
		r.SetPathValue("userId", u.ID)
	}
	return a, u, 0, ""
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		tok := strings.TrimSpace(h[7:])
		return tok, tok != ""
	}
	return "", false
}

// baseURL is the scheme and host the client used to reach the simulator, so
// the URLs it hands out work through any address it listens on.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// logged logs each request at debug level.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Debug("zoomsim request", "method", r.Method, "path", r.URL.EscapedPath())
		next.ServeHTTP(w, r)
	})
}
