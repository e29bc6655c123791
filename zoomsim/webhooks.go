package zoomsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Zoom's delivery rules: an attempt must be answered with a 2xx within 3 s;
// otherwise it is retried 5, 20 and 60 minutes after the previous attempt
// (simulator clock), then given up.
const (
	webhookAttemptTimeout = 3 * time.Second
	webhookMaxParallel    = 2 // attempts in flight at once (one per URL at a time)
	webhookLogLimit       = 10000
	webhookUserAgent      = "Zoom Marketplace/1.0a"
)

var webhookRetryDelays = []time.Duration{5 * time.Minute, 20 * time.Minute, 60 * time.Minute}

// webhookHub holds the subscriptions and the delivery queue. A dispatcher
// goroutine (started with the first subscription) wakes on enqueues, clock
// moves and a timer; it announces files that finished processing and starts
// the attempts that are due on the simulator clock. Attempts to one URL are
// made one at a time, in queue order, so events arrive in the order they were
// queued unless a retry or a fault reorders them.
type webhookHub struct {
	s           *Server
	client      *http.Client
	retryDelays []time.Duration

	mu       sync.Mutex
	world    *world          // the world the notified set belongs to
	notified map[string]bool // files whose completion has been announced
	subs     map[string]*webhookSub
	queue    []*webhookDelivery // pending deliveries, queue order
	busy     map[string]bool    // URL → an attempt is in flight
	running  int
	log      []WebhookAttempt
	started  bool
	stopped  bool

	wake chan struct{}
	done chan struct{}
}

type webhookSub struct {
	accountID string
	url       string
	events    []string
	base      string // scheme://host for URLs in events; "" → the server's address
	validated bool
	createdAt time.Time
}

func (sub *webhookSub) wants(event string) bool { return slices.Contains(sub.events, event) }

// webhookDelivery is one copy of one event on its way to one URL.
type webhookDelivery struct {
	ev       builtEvent
	url      string
	secret   string
	copy     int       // 1-based; >1 for duplicates the fault adds
	attempt  int       // number of the next attempt, 1-based
	due      time.Time // simulator time the next attempt is due
	dropLeft int       // attempts still to fail without sending (fault)
	inFlight bool
}

func newWebhookHub(s *Server) *webhookHub {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 4
	return &webhookHub{
		s: s,
		client: &http.Client{
			Timeout:   webhookAttemptTimeout,
			Transport: tr,
			// Zoom does not follow redirects: a 3xx is a failed delivery.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		retryDelays: webhookRetryDelays,
		notified:    map[string]bool{},
		subs:        map[string]*webhookSub{},
		busy:        map[string]bool{},
		wake:        make(chan struct{}, 1),
		done:        make(chan struct{}),
	}
}

// webhookSignature is Zoom's x-zm-signature for a body sent at ts (Unix s).
func webhookSignature(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":"))
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// load resets the hub for a newly loaded world: subscriptions come from the
// scenario's webhook_url fields (taken as already validated), pending
// deliveries are dropped, and files already completed count as announced.
// The delivery log is kept.
func (h *webhookHub) load(w *world, now time.Time) {
	h.mu.Lock()
	h.world = w
	h.notified = map[string]bool{}
	for _, a := range w.accounts {
		for _, m := range a.meetings {
			for _, f := range m.allFiles() {
				if !f.CompletesAt.IsZero() && !now.Before(f.CompletesAt) {
					h.notified[f.ID] = true
				}
			}
		}
	}
	h.subs = map[string]*webhookSub{}
	for _, sa := range w.scenario.Accounts {
		if sa.WebhookURL != "" {
			h.subs[sa.AccountID] = &webhookSub{accountID: sa.AccountID, url: sa.WebhookURL, events: slices.Clone(webhookEventNames), createdAt: now}
		}
	}
	h.queue = nil
	start := len(h.subs) > 0
	h.mu.Unlock()
	if start {
		h.ensureStarted()
	}
}

func (h *webhookHub) ensureStarted() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.started || h.stopped {
		return
	}
	h.started = true
	go h.run()
}

func (h *webhookHub) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.stopped {
		h.stopped = true
		close(h.done)
	}
}

// kick wakes the dispatcher (after an enqueue, a finished attempt or a clock
// move); it never blocks.
func (h *webhookHub) kick() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *webhookHub) run() {
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-h.wake:
		case <-timer.C:
		}
		h.checkCompletions()
		timer.Reset(h.dispatch())
	}
}

// checkCompletions queues a recording.completed for every meeting with files
// that finished processing since the last check: one event per distinct
// completes_at (a rendition), to subscribed accounts. Late transcripts
// (scenario zoom.late_transcripts) get a recording.transcript_completed each.
func (h *webhookHub) checkCompletions() {
	w, now, wf := h.s.world(), h.s.clock.Now(), h.s.faults.forWebhook()
	h.mu.Lock()
	defer h.mu.Unlock()
	if w != h.world {
		return // a scenario load is in progress; load will reset us
	}
	for _, a := range w.accounts {
		sub := h.subs[a.ID]
		for _, m := range a.meetings {
			var renditions, transcripts []time.Time
			for _, f := range m.allFiles() {
				if f.CompletesAt.IsZero() || now.Before(f.CompletesAt) || h.notified[f.ID] {
					continue
				}
				h.notified[f.ID] = true
				if f.lateTranscript() {
					transcripts = appendTime(transcripts, f.CompletesAt)
				} else {
					renditions = appendTime(renditions, f.CompletesAt)
				}
			}
			if sub == nil {
				continue
			}
			h.queueRenditionsLocked(sub, m, WebhookRecordingCompleted, len(renditions), wf, now)
			h.queueRenditionsLocked(sub, m, WebhookTranscriptCompleted, len(transcripts), wf, now)
		}
	}
}

func appendTime(ts []time.Time, t time.Time) []time.Time {
	if slices.ContainsFunc(ts, t.Equal) {
		return ts
	}
	return append(ts, t)
}

// queueRenditionsLocked queues n events of one name for m, if sub wants it.
func (h *webhookHub) queueRenditionsLocked(sub *webhookSub, m *meeting, event string, n int, wf webhookFaults, now time.Time) {
	if !sub.wants(event) {
		return
	}
	for range n {
		ev, err := h.s.buildEvent(event, m, h.baseFor(sub), now, wf.outOfOrder)
		if err != nil {
			h.s.log.Error("zoomsim webhook: build event", "err", err)
			continue
		}
		h.enqueueLocked(ev, sub, wf, now)
	}
}

// queueTrash queues recording.trashed or recording.deleted for files of m
// to the account's subscription, if it wants the event.
func (h *webhookHub) queueTrash(event string, m *meeting, files []*recFile, operator *user, now time.Time) {
	wf := h.s.faults.forWebhook()
	h.mu.Lock()
	defer h.mu.Unlock()
	sub := h.subs[m.acct.ID]
	if sub == nil || !sub.wants(event) {
		return
	}
	h.enqueueLocked(h.s.buildTrashEvent(event, m, h.baseFor(sub), now, files, operator), sub, wf, now)
}

// baseFor is the scheme://host the URLs in sub's events use.
func (h *webhookHub) baseFor(sub *webhookSub) string {
	if sub.base != "" {
		return sub.base
	}
	if u := h.s.URL(); u != "" {
		return u
	}
	return "http://" + h.s.opts.Addr
}

// enqueueLocked queues ev for sub's URL, once plus the duplicates the fault
// asks for, the first attempt after the fault's delay. It returns the number
// of copies queued.
func (h *webhookHub) enqueueLocked(ev builtEvent, sub *webhookSub, wf webhookFaults, now time.Time) int {
	secret := ""
	if a := h.world.accountByID[ev.accountID]; a != nil {
		secret = a.WebhookSecretToken
	}
	copies := 1 + wf.duplicates
	for c := 1; c <= copies; c++ {
		h.queue = append(h.queue, &webhookDelivery{
			ev: ev, url: sub.url, secret: secret, copy: c, attempt: 1,
			due: now.Add(wf.delay), dropLeft: wf.dropFirst,
		})
	}
	h.s.stats.webhook(func(ws *WebhookStats) { ws.Events++; ws.Queued += int64(copies) })
	h.kick()
	return copies
}

// dispatch starts the attempts that are due and returns how long the
// dispatcher may sleep before the next one is due (at most a second, so
// processing files are noticed as the clock ticks).
func (h *webhookHub) dispatch() time.Duration {
	now := h.s.clock.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	wait := time.Second
	for _, d := range slices.Clone(h.queue) {
		if d.inFlight || h.busy[d.url] {
			continue
		}
		if d.due.After(now) {
			wait = min(wait, d.due.Sub(now))
			continue
		}
		if d.dropLeft > 0 { // the fault: fail the attempt without sending it
			d.dropLeft--
			e := h.attemptEntry(d, now)
			e.Error = "dropped by fault webhook_drop_first (not sent)"
			h.s.stats.webhook(func(ws *WebhookStats) { ws.Dropped++ })
			h.afterAttemptLocked(d, e, false, now)
			continue
		}
		if h.running >= webhookMaxParallel {
			break
		}
		d.inFlight = true
		h.busy[d.url] = true
		h.running++
		go h.attempt(d)
	}
	return max(wait, 5*time.Millisecond)
}

func (h *webhookHub) attemptEntry(d *webhookDelivery, now time.Time) WebhookAttempt {
	return WebhookAttempt{
		EventID: d.ev.id, Event: d.ev.name, AccountID: d.ev.accountID, MeetingUUID: d.ev.meetingUUID,
		URL: d.url, Copy: d.copy, Attempt: d.attempt, SimTime: now.Format(time.RFC3339Nano),
	}
}

// attempt makes one HTTP attempt of d and records the outcome.
func (h *webhookHub) attempt(d *webhookDelivery) {
	at := h.s.clock.Now()
	status, _, latency, err := h.post(d.url, d.secret, d.ev.body, at)
	ok := err == nil && status >= 200 && status < 300
	h.mu.Lock()
	e := h.attemptEntry(d, at)
	e.StatusCode, e.LatencyMS = status, float64(latency.Microseconds())/1000
	if err != nil {
		e.Error = err.Error()
	}
	d.inFlight = false
	delete(h.busy, d.url)
	h.running--
	h.afterAttemptLocked(d, e, ok, h.s.clock.Now())
	h.mu.Unlock()
	h.kick()
}

// afterAttemptLocked logs an attempt and counts it, then drops the delivery
// (delivered or given up) or schedules its retry.
func (h *webhookHub) afterAttemptLocked(d *webhookDelivery, e WebhookAttempt, ok bool, now time.Time) {
	e.OK = ok
	done := ok
	if !ok {
		if d.attempt > len(h.retryDelays) {
			e.GaveUp, done = true, true
		} else {
			d.due = now.Add(h.retryDelays[d.attempt-1])
			d.attempt++
			e.NextAttemptAt = d.due.Format(time.RFC3339Nano)
		}
	}
	if done {
		h.queue = slices.DeleteFunc(h.queue, func(x *webhookDelivery) bool { return x == d })
	}
	h.s.stats.webhook(func(ws *WebhookStats) {
		ws.Attempted++
		if e.Attempt > 1 {
			ws.Retried++
		}
		switch {
		case ok:
			ws.Succeeded++
		case e.GaveUp:
			ws.Failed++
			ws.GivenUp++
		default:
			ws.Failed++
		}
	})
	h.appendLogLocked(e)
	if !ok {
		h.s.log.Debug("zoomsim webhook attempt failed", "event", e.Event, "event_id", e.EventID, "url", e.URL,
			"attempt", e.Attempt, "status", e.StatusCode, "err", e.Error, "gave_up", e.GaveUp)
	}
}

func (h *webhookHub) appendLogLocked(e WebhookAttempt) {
	if len(h.log) >= webhookLogLimit {
		h.log = slices.Delete(h.log, 0, len(h.log)-webhookLogLimit+1)
	}
	h.log = append(h.log, e)
}

// post sends one signed notification (timestamped with the simulator clock)
// and returns the answer's status and (first 64 KiB of) body.
func (h *webhookHub) post(url, secret string, body []byte, now time.Time) (int, []byte, time.Duration, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, err
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", webhookUserAgent)
	req.Header.Set("x-zm-request-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("x-zm-signature", webhookSignature(secret, ts, body))
	req.Header.Set("x-zm-trackingid", "v=2.0;clid=sim;rid=WH_"+randomToken(16))
	start := time.Now()
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, nil, time.Since(start), err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, b, time.Since(start), err
}
