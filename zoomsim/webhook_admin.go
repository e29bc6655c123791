package zoomsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookSubscriptionRequest is the body of POST /_sim/webhooks: it sets or
// replaces the account's event subscription. Events defaults to every event
// the simulator sends; an empty URL removes the subscription. BaseURL is the
// scheme://host the download URLs in events use (default: the address the
// admin request reached, or Start's address from Go).
type WebhookSubscriptionRequest struct {
	AccountID string   `json:"account_id"`
	URL       string   `json:"url"`
	Events    []string `json:"events,omitempty"`
	BaseURL   string   `json:"base_url,omitempty"`
}

// WebhookSubscription is one account's subscription.
type WebhookSubscription struct {
	AccountID string   `json:"account_id"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	BaseURL   string   `json:"base_url,omitempty"`
	// Validated is false for subscriptions a scenario's webhook_url set up,
	// which skip the URL validation handshake.
	Validated bool   `json:"validated"`
	CreatedAt string `json:"created_at"`
}

// WebhookSendRequest is the body of POST /_sim/webhooks/send: one event for
// the meeting instance MeetingUUID, or (All) one per meeting of the account,
// oldest first (newest first under the webhook_out_of_order fault).
type WebhookSendRequest struct {
	AccountID   string `json:"account_id"`
	Event       string `json:"event"`
	MeetingUUID string `json:"meeting_uuid,omitempty"`
	All         bool   `json:"all,omitempty"`
}

// WebhookSendResult answers POST /_sim/webhooks/send.
type WebhookSendResult struct {
	Events []QueuedWebhook `json:"events"`
}

// QueuedWebhook is one queued event; Copies counts the duplicates the
// webhook_duplicates fault adds.
type QueuedWebhook struct {
	EventID     string `json:"event_id"`
	Event       string `json:"event"`
	AccountID   string `json:"account_id"`
	MeetingUUID string `json:"meeting_uuid"`
	URL         string `json:"url"`
	Copies      int    `json:"copies"`
}

// WebhooksState answers GET /_sim/webhooks.
type WebhooksState struct {
	Subscriptions []WebhookSubscription `json:"subscriptions"`
	Pending       []PendingWebhook      `json:"pending"`
	Deliveries    []WebhookAttempt      `json:"deliveries"`
	Stats         WebhookStats          `json:"stats"`
}

// PendingWebhook is a delivery still to be (re)tried: Attempt is the number of
// its next attempt, Due its simulator time.
type PendingWebhook struct {
	EventID     string `json:"event_id"`
	Event       string `json:"event"`
	AccountID   string `json:"account_id"`
	MeetingUUID string `json:"meeting_uuid,omitempty"`
	URL         string `json:"url"`
	Copy        int    `json:"copy"`
	Attempt     int    `json:"attempt"`
	Due         string `json:"due"`
	InFlight    bool   `json:"in_flight"`
}

// WebhookAttempt is one delivery attempt in the log (also the URL validation
// requests). StatusCode is 0 when no answer came (Error says why).
type WebhookAttempt struct {
	EventID       string  `json:"event_id"`
	Event         string  `json:"event"`
	AccountID     string  `json:"account_id"`
	MeetingUUID   string  `json:"meeting_uuid,omitempty"`
	URL           string  `json:"url"`
	Copy          int     `json:"copy"`
	Attempt       int     `json:"attempt"`
	OK            bool    `json:"ok"`
	StatusCode    int     `json:"status_code,omitempty"`
	Error         string  `json:"error,omitempty"`
	SimTime       string  `json:"sim_time"`
	LatencyMS     float64 `json:"latency_ms"`
	NextAttemptAt string  `json:"next_attempt_at,omitempty"`
	GaveUp        bool    `json:"gave_up,omitempty"`
}

// notFoundError marks admin requests naming an unknown account or meeting (404).
type notFoundError string

func (e notFoundError) Error() string { return string(e) }

func (s *Server) webhookRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sim/webhooks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Webhooks())
	})
	mux.HandleFunc("POST /_sim/webhooks", s.adminSetWebhook)
	mux.HandleFunc("POST /_sim/webhooks/send", s.adminSendWebhook)
}

func (s *Server) adminSetWebhook(w http.ResponseWriter, r *http.Request) {
	var req WebhookSubscriptionRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.BaseURL == "" {
		req.BaseURL = baseURL(r)
	}
	sub, err := s.SetWebhook(req)
	if err != nil {
		writeAdminError(w, adminStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, sub)
}

func (s *Server) adminSendWebhook(w http.ResponseWriter, r *http.Request) {
	var req WebhookSendRequest
	if !decodeBody(w, r, &req) {
		return
	}
	res, err := s.SendWebhook(req)
	if err != nil {
		writeAdminError(w, adminStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func adminStatus(err error) int {
	if errors.As(err, new(notFoundError)) {
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

// SetWebhook sets or replaces an account's subscription (POST /_sim/webhooks).
// Like Zoom it first validates the URL: a signed endpoint.url_validation
// request must be answered 200 with {"plainToken","encryptedToken"}, else the
// subscription is not changed and the error says why.
func (s *Server) SetWebhook(req WebhookSubscriptionRequest) (WebhookSubscription, error) {
	h, w := s.hooks, s.world()
	a := w.accountByID[req.AccountID]
	if a == nil {
		return WebhookSubscription{}, notFoundError(fmt.Sprintf("unknown account %q", req.AccountID))
	}
	if req.URL == "" {
		h.mu.Lock()
		delete(h.subs, a.ID)
		h.mu.Unlock()
		return WebhookSubscription{AccountID: a.ID, Events: []string{}}, nil
	}
	if err := checkWebhookURL(req.URL); err != nil {
		return WebhookSubscription{}, fmt.Errorf("url: %w", err)
	}
	if req.BaseURL != "" {
		if err := checkWebhookURL(req.BaseURL); err != nil {
			return WebhookSubscription{}, fmt.Errorf("base_url: %w", err)
		}
	}
	events := slices.Clone(req.Events)
	if len(events) == 0 {
		events = subscribableEvents()
	}
	for _, e := range events {
		if !slices.Contains(subscribableEvents(), e) {
			return WebhookSubscription{}, fmt.Errorf("event %q is not one the simulator sends (%v)", e, subscribableEvents())
		}
	}
	if err := h.validateURL(a, req.URL); err != nil {
		return WebhookSubscription{}, err
	}
	// Files that finished before this subscription existed are not announced to it.
	h.checkCompletions()
	sub := &webhookSub{accountID: a.ID, url: req.URL, events: events, base: req.BaseURL, validated: true, createdAt: s.clock.Now()}
	h.mu.Lock()
	if h.world != w {
		h.mu.Unlock()
		return WebhookSubscription{}, errors.New("a scenario was loaded meanwhile; try again")
	}
	h.subs[a.ID] = sub
	h.mu.Unlock()
	h.ensureStarted()
	s.log.Info("zoomsim webhook subscription set", "account_id", a.ID, "url", req.URL, "events", events)
	return sub.info(), nil
}

func (sub *webhookSub) info() WebhookSubscription {
	return WebhookSubscription{
		AccountID: sub.accountID, URL: sub.url, Events: slices.Clone(sub.events), BaseURL: sub.base,
		Validated: sub.validated, CreatedAt: sub.createdAt.Format(time.RFC3339Nano),
	}
}

func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	return nil
}

// validateURL performs Zoom's endpoint.url_validation handshake with url and
// logs it as an attempt.
func (h *webhookHub) validateURL(a *account, target string) error {
	now := h.s.clock.Now()
	var env validationEnvelope
	env.Event, env.EventTS = webhookURLValidation, now.UnixMilli()
	env.Payload.PlainToken = randomToken(16)
	status, body, latency, err := h.post(target, a.WebhookSecretToken, encodeWebhookBody(env), now)
	if err == nil {
		err = checkValidationAnswer(status, body, a.WebhookSecretToken, env.Payload.PlainToken)
	}
	e := WebhookAttempt{
		EventID: "val_" + randomToken(12), Event: webhookURLValidation, AccountID: a.ID, URL: target,
		Copy: 1, Attempt: 1, OK: err == nil, StatusCode: status, SimTime: now.Format(time.RFC3339Nano),
		LatencyMS: float64(latency.Microseconds()) / 1000,
	}
	if err != nil {
		e.Error = err.Error()
	}
	h.mu.Lock()
	h.appendLogLocked(e)
	h.mu.Unlock()
	h.s.stats.webhook(func(ws *WebhookStats) {
		ws.Validations++
		if err != nil {
			ws.ValidationFailures++
		}
	})
	if err != nil {
		return fmt.Errorf("url validation failed: %w", err)
	}
	return nil
}

func checkValidationAnswer(status int, body []byte, secret, plain string) error {
	if status != http.StatusOK {
		return fmt.Errorf("endpoint answered %d, want 200", status)
	}
	var ans struct {
		PlainToken     string `json:"plainToken"`
		EncryptedToken string `json:"encryptedToken"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return fmt.Errorf("answer is not JSON {\"plainToken\",\"encryptedToken\"}: %v", err)
	}
	if ans.PlainToken != plain {
		return fmt.Errorf("plainToken %q does not match the one sent", ans.PlainToken)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(plain))
	if want := hex.EncodeToString(m.Sum(nil)); ans.EncryptedToken != want {
		return errors.New("encryptedToken is not hex(HMAC-SHA256(webhook_secret_token, plainToken))")
	}
	return nil
}

// SendWebhook queues events (POST /_sim/webhooks/send).
func (s *Server) SendWebhook(req WebhookSendRequest) (WebhookSendResult, error) {
	h := s.hooks
	w, now, wf := s.world(), s.clock.Now(), s.faults.forWebhook()
	a := w.accountByID[req.AccountID]
	if a == nil {
		return WebhookSendResult{}, notFoundError(fmt.Sprintf("unknown account %q", req.AccountID))
	}
	if !slices.Contains(webhookEventNames, req.Event) {
		return WebhookSendResult{}, fmt.Errorf("event %q: want one of %v", req.Event, webhookEventNames)
	}
	var meetings []*meeting
	switch {
	case req.All && req.MeetingUUID != "":
		return WebhookSendResult{}, errors.New(`give either "meeting_uuid" or "all", not both`)
	case req.All:
		meetings = slices.Clone(a.meetings) // newest first
		if !wf.outOfOrder {
			slices.Reverse(meetings)
		}
	case req.MeetingUUID != "":
		m := a.meetingByUUID[req.MeetingUUID]
		if m == nil {
			return WebhookSendResult{}, notFoundError(fmt.Sprintf("account %s has no meeting %q", a.ID, req.MeetingUUID))
		}
		meetings = []*meeting{m}
	default:
		return WebhookSendResult{}, errors.New(`give "meeting_uuid" or "all": true`)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.world != w {
		return WebhookSendResult{}, errors.New("a scenario is being loaded; try again")
	}
	sub := h.subs[a.ID]
	if sub == nil {
		return WebhookSendResult{}, fmt.Errorf("account %s has no webhook subscription (POST /_sim/webhooks)", a.ID)
	}
	if !sub.wants(req.Event) {
		return WebhookSendResult{}, fmt.Errorf("the subscription of account %s does not include %s", a.ID, req.Event)
	}
	res := WebhookSendResult{Events: []QueuedWebhook{}}
	for _, m := range meetings {
		ev, err := s.buildEvent(req.Event, m, h.baseFor(sub), now, wf.outOfOrder)
		if err != nil {
			return res, err
		}
		n := h.enqueueLocked(ev, sub, wf, now)
		res.Events = append(res.Events, QueuedWebhook{
			EventID: ev.id, Event: ev.name, AccountID: a.ID, MeetingUUID: m.UUID, URL: sub.url, Copies: n,
		})
		if req.Event != WebhookRecordingCompleted || !hasCompletedLateTranscript(m, now) || !sub.wants(WebhookTranscriptCompleted) {
			continue
		}
		// Zoom follows with the transcript's own event.
		ev, err = s.buildEvent(WebhookTranscriptCompleted, m, h.baseFor(sub), now, wf.outOfOrder)
		if err != nil {
			return res, err
		}
		n = h.enqueueLocked(ev, sub, wf, now)
		res.Events = append(res.Events, QueuedWebhook{
			EventID: ev.id, Event: ev.name, AccountID: a.ID, MeetingUUID: m.UUID, URL: sub.url, Copies: n,
		})
	}
	return res, nil
}

func hasCompletedLateTranscript(m *meeting, now time.Time) bool {
	return slices.ContainsFunc(m.files, func(f *recFile) bool {
		return f.lateTranscript() && f.status(now) == statusCompleted
	})
}

// Webhooks returns the subscriptions, pending deliveries, the delivery log
// and the webhook counters (GET /_sim/webhooks).
func (s *Server) Webhooks() WebhooksState {
	h := s.hooks
	out := WebhooksState{Subscriptions: []WebhookSubscription{}, Pending: []PendingWebhook{}, Stats: s.stats.snapshot().Webhooks}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, sub := range h.subs {
		out.Subscriptions = append(out.Subscriptions, sub.info())
	}
	slices.SortFunc(out.Subscriptions, func(a, b WebhookSubscription) int {
		return strings.Compare(a.AccountID, b.AccountID)
	})
	for _, d := range h.queue {
		out.Pending = append(out.Pending, PendingWebhook{
			EventID: d.ev.id, Event: d.ev.name, AccountID: d.ev.accountID, MeetingUUID: d.ev.meetingUUID,
			URL: d.url, Copy: d.copy, Attempt: d.attempt, Due: d.due.Format(time.RFC3339Nano), InFlight: d.inFlight,
		})
	}
	out.Deliveries = slices.Clone(h.log)
	if out.Deliveries == nil {
		out.Deliveries = []WebhookAttempt{}
	}
	return out
}
