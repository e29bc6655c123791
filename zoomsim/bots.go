package zoomsim

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The simulated Recall-compatible bot provider: the API under /api/v1/bot/,
// the bots' media under /rec/bot/ and the admin view under /_sim/bots. The
// scenario contract is in scenario_live.go; the lifecycle in
// bots_lifecycle.go, webhooks in bots_webhooks.go, media in bots_media.go.

const maxBotBody = 1 << 20

// botRoutes registers the bot API, bot media downloads and /_sim/bots.
func (s *Server) botRoutes(mux *http.ServeMux) {
	both := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern+"/{$}", h)
		mux.HandleFunc(pattern, h)
	}
	both("POST /api/v1/bot", s.botAPI("POST /api/v1/bot/", s.createBot))
	both("GET /api/v1/bot", s.botAPI("GET /api/v1/bot/", s.listBots))
	both("GET /api/v1/bot/{id}", s.botAPI("GET /api/v1/bot/{id}/", s.getBot))
	both("POST /api/v1/bot/{id}/send_chat_message", s.botAPI("POST /api/v1/bot/{id}/send_chat_message/", s.sendBotChat))
	both("POST /api/v1/bot/{id}/leave_call", s.botAPI("POST /api/v1/bot/{id}/leave_call/", s.leaveBotCall))
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		s.stats.call("/api/v1/", "", "")
		writeJSON(w, http.StatusNotFound, botDetail{"Not found."})
	})
	mux.HandleFunc("GET /rec/bot/{file}", s.serveBotMedia)
	mux.HandleFunc("GET /rec/bot/{recording}/participants.json", s.serveBotParticipants)
	mux.HandleFunc("GET /_sim/bots", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.bots.state())
	})
	mux.HandleFunc("GET /_sim/bots/{id}", func(w http.ResponseWriter, r *http.Request) {
		if b, ok := s.Bot(r.PathValue("id")); ok {
			writeJSON(w, http.StatusOK, b)
			return
		}
		writeAdminError(w, http.StatusNotFound, fmt.Errorf("no bot %q", r.PathValue("id")))
	})
}

// botDetail is Django REST framework's error body.
type botDetail struct {
	Detail string `json:"detail"`
}

type botHandler func(w http.ResponseWriter, r *http.Request, g *botGen)

// botAPI counts the call and checks the API key before h runs.
func (s *Server) botAPI(route string, h botHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.stats.call(route, "", "")
		g := s.bots.current()
		if g == nil {
			writeJSON(w, http.StatusServiceUnavailable, botDetail{"The simulator is shutting down."})
			return
		}
		if !botKeyOK(r.Header.Get("Authorization"), g.provider.APIKey) {
			w.Header().Set("WWW-Authenticate", "Token")
			writeJSON(w, http.StatusUnauthorized, botDetail{"Invalid token."})
			return
		}
		h(w, r, g)
	}
}

// botKeyOK accepts "Token <key>" (and, like Recall, the bare key).
func botKeyOK(header, key string) bool {
	h := strings.TrimSpace(header)
	if len(h) > 6 && strings.EqualFold(h[:6], "token ") {
		h = strings.TrimSpace(h[6:])
	}
	return key != "" && subtle.ConstantTimeCompare([]byte(h), []byte(key)) == 1
}

// botFieldErrors is a DRF validation error body: field → messages, or field
// → nested errors.
type botFieldErrors map[string]any

func (e botFieldErrors) add(field, msg string) { e[field] = []string{msg} }

func (e botFieldErrors) addNested(field, sub, msg string) {
	m, _ := e[field].(map[string][]string)
	if m == nil {
		m = map[string][]string{}
		e[field] = m
	}
	m[sub] = []string{msg}
}

// createBotInput is the validated body of POST /api/v1/bot/.
type createBotInput struct {
	meetingURL string
	meetingID  int64
	idText     string
	password   string
	hasPwd     bool
	name       string
	joinAt     time.Time
	recConfig  json.RawMessage
	leave      botLeave
	zoom       botZoom
	metadata   map[string]string
}

func (s *Server) createBot(w http.ResponseWriter, r *http.Request, g *botGen) {
	in, errs, err := parseCreateBot(http.MaxBytesReader(w, r.Body, maxBotBody))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, botDetail{"JSON parse error - " + err.Error()})
		return
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	now := time.Now()
	adHoc := in.joinAt.IsZero() || in.joinAt.Sub(now) < botAdHocHorizon
	immediate := in.joinAt.IsZero() || !in.joinAt.After(now)

	h := s.bots
	h.mu.Lock()
	if h.closed || h.gen != g {
		h.mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, botDetail{"The bot service is restarting; retry."})
		return
	}
	// Recall answers a repeated Idempotency-Key with the original answer
	// (within the hour; here for the scenario's lifetime), errors included.
	key := r.Header.Get("Idempotency-Key")
	if prev, ok := g.idempotent[key]; key != "" && ok {
		var body any = prev.body
		if prev.bot != nil {
			body = prev.bot.apiView(participantsAsDownload(r, g))
		}
		h.mu.Unlock()
		if prev.retry != "" {
			w.Header().Set("Retry-After", prev.retry)
		}
		writeJSON(w, prev.status, body)
		return
	}
	if adHoc && g.poolLeft > 0 {
		g.poolLeft--
		retry := strconv.Itoa(g.provider.PoolRetryAfterSeconds)
		body := botDetail{"There are no ad-hoc bots available right now. Please retry in " +
			retry + " seconds, or schedule the bot with join_at more than 10 minutes ahead."}
		if key != "" {
			g.idempotent[key] = cachedAnswer{status: http.StatusInsufficientStorage, body: body, retry: retry}
		}
		h.mu.Unlock()
		w.Header().Set("Retry-After", retry)
		writeJSON(w, http.StatusInsufficientStorage, body)
		return
	}
	b := &bot{
		gen: g, id: newUUID(), createdAt: now.UTC(), meetingURL: in.meetingURL, meetingID: in.meetingID,
		idText: in.idText, password: in.password, hasPwd: in.hasPwd, mtg: g.world.liveMeetingByID[in.meetingID],
		name: in.name, joinAt: in.joinAt, recConfig: in.recConfig, leave: in.leave, zoom: in.zoom,
		metadata: in.metadata, base: baseURL(r), hookURL: g.provider.WebhookURL, hookSecret: g.provider.WebhookSecret,
		svix: g.provider.WebhookHeaders == "svix", leaveCh: make(chan struct{}), wake: make(chan struct{}, 1),
	}
	g.bots[b.id] = b
	g.order = append(g.order, b)
	if key != "" {
		g.idempotent[key] = cachedAnswer{status: http.StatusCreated, bot: b}
	}
	if immediate {
		b.addStatus(botJoiningCall, "")
	}
	g.wg.Add(1)
	if b.hookURL != "" {
		g.wg.Add(1)
	}
	view := b.apiView(participantsAsDownload(r, g))
	h.mu.Unlock()

	go h.runBot(b, immediate)
	if b.hookURL != "" {
		go h.deliverBotWebhooks(b)
	}
	s.log.Info("zoomsim bot created", "bot", b.id, "meeting", in.meetingID, "join_at", in.joinAt)
	writeJSON(w, http.StatusCreated, view)
}

// parseCreateBot validates the body field by field, the way DRF reports
// errors. err is set when the body is not a JSON object.
func parseCreateBot(body io.Reader) (createBotInput, botFieldErrors, error) {
	in := createBotInput{leave: botLeaveDefaults, name: botDefaultName, metadata: map[string]string{}}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(body)
	if err := dec.Decode(&raw); err != nil {
		return in, nil, err
	}
	if raw == nil {
		return in, nil, errors.New("expected a JSON object")
	}
	errs := botFieldErrors{}
	str := func(field string) (string, bool) {
		v, ok := raw[field]
		if !ok || isJSONNull(v) {
			return "", false
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			errs.add(field, "Not a valid string.")
			return "", false
		}
		return s, true
	}

	if u, ok := str("meeting_url"); !ok || strings.TrimSpace(u) == "" {
		if _, bad := errs["meeting_url"]; !bad {
			errs.add("meeting_url", "This field is required.")
		}
	} else if id, idText, pwd, hasPwd, err := parseZoomJoinURL(u); err != nil {
		errs.add("meeting_url", err.Error())
	} else {
		in.meetingURL, in.meetingID, in.idText, in.password, in.hasPwd = u, id, idText, pwd, hasPwd
	}
	if n, ok := str("bot_name"); ok {
		if strings.TrimSpace(n) == "" {
			errs.add("bot_name", "This field may not be blank.")
		} else if len(n) > 100 {
			errs.add("bot_name", "Ensure this field has no more than 100 characters.")
		} else {
			in.name = n
		}
	}
	if j, ok := str("join_at"); ok && j != "" {
		t, err := time.Parse(time.RFC3339Nano, j)
		if err != nil {
			errs.add("join_at", "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")
		} else {
			in.joinAt = t.UTC()
		}
	}
	if v, ok := raw["recording_config"]; ok && !isJSONNull(v) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(v, &obj) != nil {
			errs.add("recording_config", "Expected a dictionary of items.")
		} else {
			in.recConfig = v
		}
	}
	if v, ok := raw["automatic_leave"]; ok && !isJSONNull(v) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(v, &obj) != nil {
			errs.add("automatic_leave", "Expected a dictionary of items.")
		} else {
			for _, f := range []struct {
				name string
				dst  *float64
			}{
				{"waiting_room_timeout", &in.leave.WaitingRoom},
				{"noone_joined_timeout", &in.leave.NooneJoined},
				{"in_call_not_recording_timeout", &in.leave.InCallNotRecording},
				{"recording_permission_denied_timeout", &in.leave.PermissionDenied},
			} {
				fv, ok := obj[f.name]
				if !ok || isJSONNull(fv) {
					continue
				}
				var n float64
				switch {
				case json.Unmarshal(fv, &n) != nil:
					errs.addNested("automatic_leave", f.name, "A valid number is required.")
				case n < 0:
					errs.addNested("automatic_leave", f.name, "Ensure this value is greater than or equal to 0.")
				case n > 0: // 0 keeps the default
					*f.dst = n
				}
			}
		}
	}
	if v, ok := raw["zoom"]; ok && !isJSONNull(v) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(v, &obj) != nil {
			errs.add("zoom", "Expected a dictionary of items.")
		} else {
			for _, f := range []struct {
				name  string
				dst   *string
				isURL bool
			}{
				{"join_token_url", &in.zoom.JoinTokenURL, true},
				{"obf_token_url", &in.zoom.OBFTokenURL, true},
				{"zak_url", &in.zoom.ZakURL, true},
				{"user_email", &in.zoom.UserEmail, false},
			} {
				fv, ok := obj[f.name]
				if !ok || isJSONNull(fv) {
					continue
				}
				var sv string
				if json.Unmarshal(fv, &sv) != nil {
					errs.addNested("zoom", f.name, "Not a valid string.")
					continue
				}
				if f.isURL && sv != "" {
					if u, err := url.Parse(sv); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
						errs.addNested("zoom", f.name, "Enter a valid URL.")
						continue
					}
				}
				*f.dst = sv
			}
		}
	}
	if v, ok := raw["metadata"]; ok && !isJSONNull(v) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(v, &obj) != nil {
			errs.add("metadata", "Expected a dictionary of items.")
		} else {
			for k, mv := range obj {
				var sv string
				if isJSONNull(mv) {
					continue
				}
				if json.Unmarshal(mv, &sv) != nil {
					errs.add("metadata", fmt.Sprintf("Metadata values must be strings (key %q).", k))
					break
				}
				in.metadata[k] = sv
			}
		}
	}
	return in, errs, nil
}

func isJSONNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// parseZoomJoinURL reads a Zoom invite link on any host: /j/{id},
// /wc/join/{id} or /wc/{id}/join, with the passcode in ?pwd=.
func parseZoomJoinURL(raw string) (id int64, idText, pwd string, hasPwd bool, err error) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, perr := url.Parse(s)
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		//lint:ignore ST1005 the provider's own wording, shown to users as is
		return 0, "", "", false, errors.New("Enter a valid URL.")
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(segs) == 2 && segs[0] == "j":
		idText = segs[1]
	case len(segs) == 3 && segs[0] == "wc" && segs[1] == "join":
		idText = segs[2]
	case len(segs) == 3 && segs[0] == "wc" && segs[2] == "join":
		idText = segs[1]
	default:
		//lint:ignore ST1005 the provider's own wording, shown to users as is
		return 0, "", "", false, errors.New("Could not find a Zoom meeting id in this URL: expected https://<host>/j/<id>?pwd=<passcode> or /wc/join/<id>.")
	}
	if len(idText) < 9 || len(idText) > 13 || strings.Trim(idText, "0123456789") != "" {
		//lint:ignore ST1005 the provider's own wording, shown to users as is
		return 0, "", "", false, fmt.Errorf("%q is not a Zoom meeting id (9 to 13 digits).", idText)
	}
	id, _ = strconv.ParseInt(idText, 10, 64)
	q := u.Query()
	pwd, hasPwd = q.Get("pwd"), q.Has("pwd")
	return id, idText, pwd, hasPwd, nil
}

// lookupBot finds a bot of g, answering 404 itself.
func (s *Server) lookupBot(w http.ResponseWriter, r *http.Request, g *botGen) *bot {
	s.bots.mu.Lock()
	b := g.bots[r.PathValue("id")]
	s.bots.mu.Unlock()
	if b == nil {
		writeJSON(w, http.StatusNotFound, botDetail{"Not found."})
	}
	return b
}

func (s *Server) getBot(w http.ResponseWriter, r *http.Request, g *botGen) {
	b := s.lookupBot(w, r, g)
	if b == nil {
		return
	}
	s.bots.mu.Lock()
	view := b.apiView(participantsAsDownload(r, g))
	s.bots.mu.Unlock()
	writeJSON(w, http.StatusOK, view)
}

// botList is DRF's paginated list.
type botList struct {
	Next     *string      `json:"next"`
	Previous *string      `json:"previous"`
	Results  []botAPIView `json:"results"`
}

func (s *Server) listBots(w http.ResponseWriter, r *http.Request, g *botGen) {
	s.bots.mu.Lock()
	out := botList{Results: make([]botAPIView, 0, len(g.order))}
	for i := len(g.order) - 1; i >= 0; i-- { // newest first
		out.Results = append(out.Results, g.order[i].apiView(participantsAsDownload(r, g)))
	}
	s.bots.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) sendBotChat(w http.ResponseWriter, r *http.Request, g *botGen) {
	b := s.lookupBot(w, r, g)
	if b == nil {
		return
	}
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBotBody)).Decode(&raw); err != nil || raw == nil {
		writeJSON(w, http.StatusBadRequest, botDetail{"JSON parse error - expected a JSON object."})
		return
	}
	errs := botFieldErrors{}
	var msg string
	if v, ok := raw["message"]; !ok || isJSONNull(v) {
		errs.add("message", "This field is required.")
	} else if json.Unmarshal(v, &msg) != nil {
		errs.add("message", "Not a valid string.")
	} else if strings.TrimSpace(msg) == "" {
		errs.add("message", "This field may not be blank.")
	} else if len(msg) > 4096 {
		errs.add("message", "Ensure this field has no more than 4096 characters.")
	}
	to := "everyone"
	if v, ok := raw["to"]; ok && !isJSONNull(v) {
		var sv string
		var n json.Number
		switch {
		case json.Unmarshal(v, &sv) == nil:
			to = sv
		case json.Unmarshal(v, &n) == nil:
			to = n.String()
		default:
			errs.add("to", "Not a valid string.")
		}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}

	s.bots.mu.Lock()
	defer s.bots.mu.Unlock()
	if !b.inCall() {
		writeJSON(w, http.StatusBadRequest, botDetail{"Bot is not in the call; chat messages can only be sent while it is in the call."})
		return
	}
	switch to {
	case "everyone", "host", "everyone_except_host":
	default:
		found := false
		for _, p := range b.participants {
			if strconv.FormatInt(p.ID, 10) == to {
				found = true
			}
		}
		if !found {
			writeJSON(w, http.StatusBadRequest, botFieldErrors{"to": []string{
				fmt.Sprintf("%q is not everyone, host, everyone_except_host or the id of a participant in the call.", to)}})
			return
		}
	}
	b.chats = append(b.chats, BotChatMessage{To: to, Message: msg, At: time.Now().UTC()})
	writeJSON(w, http.StatusOK, b.apiView(participantsAsDownload(r, g)))
}

func (s *Server) leaveBotCall(w http.ResponseWriter, r *http.Request, g *botGen) {
	b := s.lookupBot(w, r, g)
	if b == nil {
		return
	}
	s.bots.mu.Lock()
	defer s.bots.mu.Unlock()
	if !b.canLeave() {
		writeJSON(w, http.StatusBadRequest, botDetail{"Bot is not in a call (it has already left)."})
		return
	}
	if !b.leaveRequested {
		b.leaveRequested = true
		close(b.leaveCh)
	}
	writeJSON(w, http.StatusOK, b.apiView(participantsAsDownload(r, g)))
}

// botAPIView is the bot object of the API.
type botAPIView struct {
	ID                  string             `json:"id"`
	MeetingURL          botMeetingURL      `json:"meeting_url"`
	BotName             string             `json:"bot_name"`
	JoinAt              *string            `json:"join_at"`
	RecordingConfig     json.RawMessage    `json:"recording_config"`
	AutomaticLeave      botLeave           `json:"automatic_leave"`
	StatusChanges       []BotStatusChange  `json:"status_changes"`
	MeetingParticipants []BotParticipant   `json:"meeting_participants"`
	Recordings          []botRecordingView `json:"recordings"`
	Metadata            map[string]string  `json:"metadata"`
}

type botMeetingURL struct {
	MeetingID       string  `json:"meeting_id"`
	MeetingPassword *string `json:"meeting_password"`
	Platform        string  `json:"platform"`
}

type botRef struct {
	ID       string            `json:"id"`
	Metadata map[string]string `json:"metadata"`
}

type botMediaStatus struct {
	Code      string  `json:"code"`
	SubCode   *string `json:"sub_code"`
	UpdatedAt string  `json:"updated_at"`
}

type botRecordingView struct {
	ID             string            `json:"id"`
	CreatedAt      string            `json:"created_at"`
	StartedAt      *string           `json:"started_at"`
	CompletedAt    *string           `json:"completed_at"`
	ExpiresAt      *string           `json:"expires_at"`
	Bot            botRef            `json:"bot"`
	Status         botMediaStatus    `json:"status"`
	MediaShortcuts botMediaShortcuts `json:"media_shortcuts"`
	Metadata       map[string]string `json:"metadata"`
}

type botMediaShortcuts struct {
	VideoMixed        *botMediaView[botMediaData]          `json:"video_mixed"`
	AudioMixed        *botMediaView[botMediaData]          `json:"audio_mixed"`
	Transcript        *botMediaView[botMediaData]          `json:"transcript"`
	ParticipantEvents *botMediaView[participantEventsData] `json:"participant_events"`
	MeetingMetadata   *botMediaView[botMediaData]          `json:"meeting_metadata"`
}

// botMediaView is one media shortcut; D is its data (the download URL, or
// participant_events' participants download).
type botMediaView[D any] struct {
	ID          string            `json:"id"`
	RecordingID string            `json:"recording_id"`
	CreatedAt   string            `json:"created_at"`
	ExpiresAt   *string           `json:"expires_at"`
	Status      botMediaStatus    `json:"status"`
	Metadata    map[string]string `json:"metadata"`
	Data        D                 `json:"data"`
	Format      string            `json:"format"`
}

type botMediaData struct {
	DownloadURL *string `json:"download_url"`
}

// apiView renders the bot; the caller holds botHub.mu. With
// participantsDownload (API versions from 2025-01-01) meeting_participants
// is empty and each recording links its participant list instead.
func (b *bot) apiView(participantsDownload bool) botAPIView {
	v := botAPIView{
		ID: b.id, BotName: b.name, JoinAt: recallTimePtr(b.joinAt), RecordingConfig: b.recConfig,
		AutomaticLeave: b.leave, StatusChanges: append([]BotStatusChange{}, b.statuses...),
		MeetingParticipants: []BotParticipant{},
		Recordings:          []botRecordingView{}, Metadata: maps.Clone(b.metadata),
		MeetingURL: botMeetingURL{MeetingID: b.idText, Platform: "zoom"},
	}
	if !participantsDownload {
		v.MeetingParticipants = append(v.MeetingParticipants, b.participants...)
	}
	if b.hasPwd {
		v.MeetingURL.MeetingPassword = &b.password
	}
	if len(v.RecordingConfig) == 0 {
		v.RecordingConfig = json.RawMessage(`{"video_mixed_mp4":{}}`)
	}
	if r := b.rec; r != nil {
		st := botMediaStatus{Code: r.status, UpdatedAt: recallTime(r.updatedAt)}
		var expires *string
		var dl *string
		if !r.completedAt.IsZero() {
			expires = recallTimePtr(r.completedAt.Add(botMediaRetention))
			u := b.base + r.downloadPath()
			dl = &u
		}
		shortcuts := botMediaShortcuts{VideoMixed: &botMediaView[botMediaData]{
			ID: r.mediaID, RecordingID: r.id, CreatedAt: recallTime(r.startedAt), ExpiresAt: expires,
			Status: st, Metadata: map[string]string{}, Data: botMediaData{DownloadURL: dl}, Format: "mp4",
		}}
		if participantsDownload {
			u := b.base + r.participantsPath
			shortcuts.ParticipantEvents = &botMediaView[participantEventsData]{
				ID: r.eventsID, RecordingID: r.id, CreatedAt: recallTime(r.startedAt), ExpiresAt: expires,
				Status: botMediaStatus{Code: "processing", UpdatedAt: recallTime(r.startedAt)}, Metadata: map[string]string{},
				Data: participantEventsData{ParticipantsDownloadURL: &u}, Format: "json",
			}
			if r.status == "done" {
				shortcuts.ParticipantEvents.Status = st
			}
		}
		v.Recordings = append(v.Recordings, botRecordingView{
			ID: r.id, CreatedAt: recallTime(r.createdAt), StartedAt: recallTimePtr(r.startedAt),
			CompletedAt: recallTimePtr(r.completedAt), ExpiresAt: expires,
			Bot:    botRef{ID: b.id, Metadata: maps.Clone(b.metadata)},
			Status: st, Metadata: map[string]string{}, MediaShortcuts: shortcuts,
		})
	}
	return v
}
