package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/zoom"
)

// maxWebhookBody caps a webhook body; Zoom's events are a few KiB.
const maxWebhookBody = 1 << 20

// webhookTenant is one tenant as the ingress knows it.
type webhookTenant struct {
	ID          string
	AccountID   string
	SecretToken string
}

// tenantDirectory finds tenants for incoming webhooks.
type tenantDirectory interface {
	ByID(ctx context.Context, id string) (webhookTenant, bool)
	ByAccount(ctx context.Context, accountID string) (webhookTenant, bool)
	// Only returns the single tenant of a one-tenant deployment.
	Only(ctx context.Context) (webhookTenant, bool)
}

// eventSink makes events durable before the ingress acknowledges them.
type eventSink interface {
	// RecordingCompleted signals (with start) the conversation's ArchiveMeeting.
	RecordingCompleted(ctx context.Context, tenantID string, m activities.Meeting, downloadToken string, eventTime time.Time) error
	// Note records an event acknowledged without further work.
	Note(ctx context.Context, tenantID, event, conversationUUID string, eventTime time.Time, body []byte) error
}

// zoomWebhooks serves POST /webhooks/zoom/{tenant} and POST /webhooks/zoom.
type zoomWebhooks struct {
	tenants tenantDirectory
	sink    eventSink
	// appSecret verifies endpoint.url_validation on the shared endpoint when
	// more than one tenant is registered (the event carries no account).
	appSecret string
	now       func() time.Time
	// maxSkew widens the 5-minute replay window when set above it (test
	// rigs whose Zoom runs on a simulated clock); zero means Zoom's 5 minutes.
	maxSkew time.Duration
	log     *slog.Logger
	metrics *ingressMetrics
	// replays remembers handled deliveries (nil: no replay detection).
	replays *replayCache
}

// Outcomes (metric labels, log fields).
const (
	outcomeAccepted      = "accepted"
	outcomeValidated     = "url_validated"
	outcomeNoted         = "noted"
	outcomeIgnored       = "ignored_event"
	outcomeBadSignature  = "bad_signature"
	outcomeMissingHeader = "missing_header"
	outcomeStale         = "stale_timestamp"
	outcomeNoSecret      = "no_secret"
	outcomeTooLarge      = "body_too_large"
	outcomeMalformed     = "malformed"
	outcomeUnknownTenant = "unknown_tenant"
	outcomeWrongAccount  = "wrong_account"
	outcomeSinkFailed    = "sink_failed"
)

// envelope is the part of every Zoom event the ingress routes on.
type envelope struct {
	Event   string `json:"event"`
	EventTS int64  `json:"event_ts"`
	Payload struct {
		AccountID  string `json:"account_id"`
		PlainToken string `json:"plainToken"`
		Object     struct {
			UUID string `json:"uuid"`
		} `json:"object"`
	} `json:"payload"`
}

func (h *zoomWebhooks) tenantRoute(w http.ResponseWriter, r *http.Request) {
	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	t, found := h.tenants.ByID(r.Context(), r.PathValue("tenant"))
	if !found {
		h.noTenant(w, r, body, r.PathValue("tenant"))
		return
	}
	if !h.verify(w, r, t.SecretToken, body) {
		return
	}
	ev, ok := h.parse(w, body)
	if !ok {
		return
	}
	if ev.Payload.AccountID != "" && ev.Payload.AccountID != t.AccountID {
		// Signed with this tenant's secret but about another account: refuse
		// rather than let one tenant's app act on another's data.
		h.reject(w, http.StatusForbidden, outcomeWrongAccount, "event account does not belong to this tenant")
		return
	}
	h.handleOnce(w, r, t, ev, body)
}

func (h *zoomWebhooks) sharedRoute(w http.ResponseWriter, r *http.Request) {
	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	// Routing needs the account id before verification; the body is only
	// trusted after the signature matched the routed tenant's secret.
	ev, ok := h.parse(w, body)
	if !ok {
		return
	}
	var t webhookTenant
	var found bool
	switch {
	case ev.Event == zoom.EventURLValidation && h.appSecret != "":
		t, found = webhookTenant{SecretToken: h.appSecret}, true
	case ev.Event == zoom.EventURLValidation:
		t, found = h.tenants.Only(r.Context())
	default:
		t, found = h.tenants.ByAccount(r.Context(), ev.Payload.AccountID)
	}
	if !found {
		h.noTenant(w, r, body, ev.Payload.AccountID)
		return
	}
	if !h.verify(w, r, t.SecretToken, body) {
		return
	}
	h.handleOnce(w, r, t, ev, body)
}

func (h *zoomWebhooks) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	return readWebhookBody(w, r, h.reject)
}

// readWebhookBody reads a webhook body of at most 1 MiB; on failure it
// answers through reject (413 or 400) and returns false.
func readWebhookBody(w http.ResponseWriter, r *http.Request, reject func(http.ResponseWriter, int, string, string)) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		reject(w, http.StatusRequestEntityTooLarge, outcomeTooLarge, "body larger than 1 MiB")
		return nil, false
	case err != nil:
		reject(w, http.StatusBadRequest, outcomeMalformed, "cannot read body")
		return nil, false
	}
	return body, true
}

func (h *zoomWebhooks) verify(w http.ResponseWriter, r *http.Request, secret string, body []byte) bool {
	err := zoom.VerifyWebhook(secret, r.Header, body, h.verifyTime(r))
	// Every refusal gets the same public answer, the one an unknown tenant
	// gets too (noTenant): the reason is in the metric and the log only.
	outcome := outcomeBadSignature
	switch {
	case err == nil:
		return true
	case errors.Is(err, zoom.ErrWebhookNoSecret):
		outcome = outcomeNoSecret
		h.log.Warn("zoom webhook refused: the tenant has no webhook secret token; register it with starter tenant add --webhook-secret-file")
	case errors.Is(err, zoom.ErrWebhookMissingHeader):
		outcome = outcomeMissingHeader
	case errors.Is(err, zoom.ErrWebhookStale):
		outcome = outcomeStale
	}
	h.log.Debug("zoom webhook refused", "outcome", outcome, "err", err)
	h.reject(w, http.StatusUnauthorized, outcome, badSignatureMsg)
	return false
}

// verifyTime is the clock the signature's timestamp is checked against: now,
// or the signed timestamp itself when it lies within a configured skew wider
// than Zoom's 5 minutes.
func (h *zoomWebhooks) verifyTime(r *http.Request) time.Time {
	now := h.now()
	if h.maxSkew <= 5*time.Minute {
		return now
	}
	sec, err := strconv.ParseInt(r.Header.Get(zoom.HeaderWebhookTimestamp), 10, 64)
	if err != nil {
		return now
	}
	if ts := time.Unix(sec, 0); ts.Sub(now).Abs() <= h.maxSkew {
		return ts
	}
	return now
}

func (h *zoomWebhooks) parse(w http.ResponseWriter, body []byte) (envelope, bool) {
	var ev envelope
	if err := json.Unmarshal(body, &ev); err != nil || ev.Event == "" {
		h.reject(w, http.StatusBadRequest, outcomeMalformed, "body is not a Zoom event")
		return ev, false
	}
	return ev, true
}

// handle acts on a verified event. It answers only once the event is durable
// (signalled into Temporal or written to Postgres); all real work happens in
// workflows.
func (h *zoomWebhooks) handle(w http.ResponseWriter, r *http.Request, t webhookTenant, ev envelope, body []byte) {
	ctx, cancel := context.WithTimeout(r.Context(), 2500*time.Millisecond) // Zoom waits 3 s
	defer cancel()
	when := time.UnixMilli(ev.EventTS).UTC()
	if ev.EventTS == 0 {
		when = time.Time{}
	}
	if isRTMSEvent(ev.Event) && h.handleRTMS(ctx, w, t, ev, body, when) {
		return // webhook_rtms.go
	}
	switch ev.Event {
	case zoom.EventURLValidation:
		if ev.Payload.PlainToken == "" {
			h.reject(w, http.StatusBadRequest, outcomeMalformed, "url_validation without plainToken")
			return
		}
		h.metrics.outcome(ev.Event, outcomeValidated)
		writeJSON(w, http.StatusOK, zoom.NewURLValidationAnswer(t.SecretToken, ev.Payload.PlainToken))
	case zoom.EventRecordingCompleted, zoom.EventTranscriptCompleted:
		// A transcript comes later in its own event; it joins the same
		// ArchiveMeeting through the same signal, its download_token sealed
		// first like any other.
		rc, err := zoom.ParseRecordingCompleted(body)
		if err != nil || rc.Payload.Object.UUID == "" {
			h.reject(w, http.StatusBadRequest, outcomeMalformed, ev.Event+" without a meeting")
			return
		}
		start := time.Now()
		if err := h.sink.RecordingCompleted(ctx, t.ID, activities.MeetingFromZoom(rc.Payload.Object), rc.DownloadToken, when); err != nil {
			h.fail(w, ev, t, err)
			return
		}
		h.metrics.signalLatency.Observe(time.Since(start).Seconds())
		h.metrics.outcome(ev.Event, outcomeAccepted)
		w.WriteHeader(http.StatusOK)
	case zoom.EventPhoneRecordingCompleted:
		h.phoneRecordingCompleted(ctx, w, ev, t, body, when)
	case "recording.trashed", "recording.deleted", "recording.recovered", "meeting.ended",
		"session.recording_completed", "meeting.rtms_started", "meeting.rtms_stopped":
		if err := h.sink.Note(ctx, t.ID, ev.Event, ev.Payload.Object.UUID, when, body); err != nil {
			h.fail(w, ev, t, err)
			return
		}
		h.metrics.outcome(ev.Event, outcomeNoted)
		w.WriteHeader(http.StatusOK)
	default:
		h.log.Info("zoom webhook: unhandled event acknowledged", "tenant", t.ID, "event", ev.Event)
		h.metrics.outcome("other", outcomeIgnored)
		w.WriteHeader(http.StatusOK)
	}
}

// fail answers 503 so Zoom retries the delivery later (+5, +20, +60 min).
func (h *zoomWebhooks) fail(w http.ResponseWriter, ev envelope, t webhookTenant, err error) {
	h.log.Error("zoom webhook: could not make the event durable; Zoom will retry", "tenant", t.ID, "event", ev.Event, "err", err)
	h.metrics.outcome(ev.Event, outcomeSinkFailed)
	http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
}

func (h *zoomWebhooks) reject(w http.ResponseWriter, status int, outcome, msg string) {
	h.metrics.rejected.WithLabelValues(outcome).Inc()
	http.Error(w, msg, status)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
