package zoomsim

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Zoom RTMS webhook events.
const (
	WebhookRTMSStarted     = "meeting.rtms_started"
	WebhookRTMSStopped     = "meeting.rtms_stopped"
	WebhookRTMSInterrupted = "meeting.rtms_interrupted"
)

// rtmsHub holds the RTMS streams started since the simulator began.
type rtmsHub struct {
	s       *Server
	mu      sync.Mutex
	streams map[string]*rtmsStream
	order   []string
	n       int // streams started, for stream ids
}

func newRTMSHub(s *Server) *rtmsHub { return &rtmsHub{s: s, streams: map[string]*rtmsStream{}} }

// rtmsRoutes registers the RTMS admin API and the RTMS servers.
func (s *Server) rtmsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /_sim/rtms/start", s.adminRTMSStart)
	mux.HandleFunc("POST /_sim/rtms/fault", s.adminRTMSFault)
	mux.HandleFunc("GET /_sim/rtms", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"rtms": s.rtmsHub().truth()})
	})
	mux.HandleFunc("GET /rtms/{server}/signal", s.rtmsSignal)
	mux.HandleFunc("GET /rtms/{server}/media", s.rtmsMedia)
}

// rtmsHub creates the hub on first use, so Server needs no constructor change.
func (s *Server) rtmsHub() *rtmsHub {
	s.rtmsOnce.Do(func() { s.rtms = newRTMSHub(s) })
	return s.rtms
}

// RTMSStartRequest is POST /_sim/rtms/start.
type RTMSStartRequest struct {
	MeetingUUID string `json:"meeting_uuid"`
	// RTMS overrides the meeting's scenario rtms field (optional).
	RTMS *ScenarioRTMS `json:"rtms,omitempty"`
}

// RTMSStartResult names the stream started.
type RTMSStartResult struct {
	RTMSStreamID string `json:"rtms_stream_id"`
	MeetingUUID  string `json:"meeting_uuid"`
	ServerURLs   string `json:"server_urls"`
}

// RTMSFaultRequest is POST /_sim/rtms/fault.
type RTMSFaultRequest struct {
	RTMSStreamID string `json:"rtms_stream_id"`
	ScenarioRTMSFault
}

func (s *Server) adminRTMSStart(w http.ResponseWriter, r *http.Request) {
	var req RTMSStartRequest
	if !decodeBody(w, r, &req) {
		return
	}
	res, err := s.StartRTMS(req)
	if err != nil {
		writeAdminError(w, adminStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) adminRTMSFault(w http.ResponseWriter, r *http.Request) {
	var req RTMSFaultRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := req.validate(); err != nil {
		writeAdminError(w, http.StatusBadRequest, err)
		return
	}
	st := s.rtmsHub().stream(req.RTMSStreamID)
	if st == nil {
		writeAdminError(w, http.StatusNotFound, notFoundError("unknown rtms_stream_id"))
		return
	}
	st.inject(req.ScenarioRTMSFault)
	writeJSON(w, http.StatusOK, st.truth())
}

// StartRTMS starts streaming a scenario meeting that has an rtms field (or
// any meeting, given req.RTMS) and sends meeting.rtms_started.
func (s *Server) StartRTMS(req RTMSStartRequest) (RTMSStartResult, error) {
	wd := s.world()
	var acct *account
	var spec *ScenarioRTMS
	for _, sa := range wd.scenario.Accounts {
		for _, sm := range sa.Meetings {
			if sm.UUID == req.MeetingUUID {
				acct, spec = wd.accountByID[sa.AccountID], sm.RTMS
			}
		}
	}
	if acct == nil {
		return RTMSStartResult{}, notFoundError(fmt.Sprintf("no scenario meeting %q", req.MeetingUUID))
	}
	if req.RTMS != nil {
		spec = req.RTMS
	}
	if spec == nil {
		return RTMSStartResult{}, errors.New("the meeting does not use RTMS: give it an rtms field in the scenario, or rtms in this request")
	}
	filled, err := spec.filled()
	if err != nil {
		return RTMSStartResult{}, err
	}
	h := s.rtmsHub()
	h.mu.Lock()
	h.n++
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%s/%d", wd.seed, req.MeetingUUID, h.n))
	id := hex.EncodeToString(sum[:16])
	st := newRTMSStream(h, id, req.MeetingUUID, acct, filled)
	h.streams[id] = st
	h.order = append(h.order, id)
	h.mu.Unlock()
	st.start()
	return RTMSStartResult{RTMSStreamID: id, MeetingUUID: req.MeetingUUID, ServerURLs: st.signalURL()}, nil
}

func (h *rtmsHub) stream(id string) *rtmsStream {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.streams[id]
}

func (h *rtmsHub) truth() []RTMSTruth {
	h.mu.Lock()
	ids := slices.Clone(h.order)
	h.mu.Unlock()
	out := []RTMSTruth{}
	for _, id := range ids {
		out = append(out, h.stream(id).truth())
	}
	return out
}

// wsBase is the ws:// (or wss://) form of the simulator's address.
func (h *rtmsHub) wsBase(acctID string) string {
	base := ""
	h.s.hooks.mu.Lock()
	if sub := h.s.hooks.subs[acctID]; sub != nil {
		base = h.s.hooks.baseFor(sub)
	}
	h.s.hooks.mu.Unlock()
	if base == "" {
		base = h.s.URL()
	}
	if base == "" {
		base = "http://" + h.s.opts.Addr
	}
	return "ws" + strings.TrimPrefix(base, "http")
}

// rtmsWebhookPayload is the payload of the RTMS events; Zoom's samples read
// the fields directly under payload.
type rtmsWebhookPayload struct {
	AccountID    string `json:"account_id"`
	MeetingUUID  string `json:"meeting_uuid"`
	RTMSStreamID string `json:"rtms_stream_id"`
	ServerURLs   string `json:"server_urls,omitempty"`
	StopReason   *int   `json:"stop_reason,omitempty"`
	OperatorID   string `json:"operator_id,omitempty"`
}

// sendWebhook queues an RTMS event to the account's subscription (the RTMS
// app's event subscription is implied: every subscribed account gets them).
func (h *rtmsHub) sendWebhook(event string, p rtmsWebhookPayload) {
	now, wf := h.s.clock.Now(), h.s.faults.forWebhook()
	body := encodeWebhookBody(webhookEnvelope{Event: event, EventTS: now.UnixMilli(), Payload: p})
	hk := h.s.hooks
	hk.mu.Lock()
	defer hk.mu.Unlock()
	sub := hk.subs[p.AccountID]
	if sub == nil || hk.world == nil {
		h.s.log.Warn("zoomsim rtms: no webhook subscription", "account", p.AccountID, "event", event)
		return
	}
	ev := builtEvent{id: "evt_" + randomToken(12), name: event, accountID: p.AccountID, meetingUUID: p.MeetingUUID, body: body}
	hk.enqueueLocked(ev, sub, wf, now)
}

// RTMSTruth is one stream as sent (GET /_sim/truth, key rtms).
type RTMSTruth struct {
	AccountID    string `json:"account_id"`
	RTMSStreamID string `json:"rtms_stream_id"`
	MeetingUUID  string `json:"meeting_uuid"`
	State        string `json:"state"` // started | stopped
	StopReason   int    `json:"stop_reason,omitempty"`
	StartedAt    string `json:"started_at"`
	// AudioMediaSHA256 is the SHA-256 of the decoded audio payload of every
	// audio frame sent, in order (L16 PCM).
	AudioMediaSHA256 string `json:"audio_media_sha256"`
	AudioFramesSent  int    `json:"audio_frames_sent"`
	AudioBytesSent   int64  `json:"audio_bytes_sent"`
	// AudioFramesLost were due while no media socket was connected (and not
	// buffered); AudioFramesMuted were never produced (everyone muted).
	AudioFramesLost  int                 `json:"audio_frames_lost"`
	AudioFramesMuted int                 `json:"audio_frames_muted"`
	Transcript       []RTMSTruthSegment  `json:"transcript"`
	Frames           []RTMSTruthFrame    `json:"frames"`
	Servers          int                 `json:"servers"` // 1 + failovers
	Connections      RTMSTruthConnection `json:"connections"`
}

// RTMSTruthSegment is one transcript turn sent.
type RTMSTruthSegment struct {
	UserID    int64  `json:"user_id"`
	UserName  string `json:"user_name"`
	StartTime int64  `json:"start_time"`
	EndTime   int64  `json:"end_time"`
	Language  string `json:"language"`
	Text      string `json:"text"`
}

// RTMSTruthFrame is one video frame sent.
type RTMSTruthFrame struct {
	Timestamp int64  `json:"timestamp"`
	Length    int    `json:"length"`
	SHA256    string `json:"sha256"`
}

// RTMSTruthConnection counts handshakes.
type RTMSTruthConnection struct {
	Signaling         int `json:"signaling"`
	Media             int `json:"media"`
	SignatureRefused  int `json:"signature_refused"`
	KeepAliveTimeouts int `json:"keep_alive_timeouts"`
}
