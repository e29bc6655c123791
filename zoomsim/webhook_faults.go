package zoomsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// FaultDuration is a duration that reads and writes as a Go duration string
// ("90s", "5m"); "" means zero. Negative values are rejected.
type FaultDuration time.Duration

// MarshalJSON writes the duration string.
func (d FaultDuration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON parses a Go duration string.
func (d *FaultDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf(`want a duration string such as "90s": %w`, err)
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if v < 0 {
		return errors.New("duration must not be negative")
	}
	*d = FaultDuration(v)
	return nil
}

// webhookFaults is the part of the fault settings one queued event needs.
type webhookFaults struct {
	duplicates int           // extra copies of each event
	outOfOrder bool          // all:true newest first, recording_files shuffled
	delay      time.Duration // before the first attempt (simulator clock)
	dropFirst  int           // first attempts of each delivery failed unsent
}

func (s *faultState) forWebhook() webhookFaults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return webhookFaults{
		duplicates: s.f.WebhookDuplicates, outOfOrder: s.f.WebhookOutOfOrder,
		delay: time.Duration(s.f.WebhookDelay), dropFirst: s.f.WebhookDropFirst,
	}
}

// applyWebhookPatch applies the webhook fields of p; the caller holds s.mu.
func (s *faultState) applyWebhookPatch(p FaultsPatch) {
	if p.WebhookDuplicates != nil {
		s.f.WebhookDuplicates = min(max(*p.WebhookDuplicates, 0), 100)
	}
	if p.WebhookOutOfOrder != nil {
		s.f.WebhookOutOfOrder = *p.WebhookOutOfOrder
	}
	if p.WebhookDelay != nil {
		s.f.WebhookDelay = *p.WebhookDelay
	}
	if p.WebhookDropFirst != nil {
		s.f.WebhookDropFirst = max(*p.WebhookDropFirst, 0)
	}
}

// WebhookStats counts webhook deliveries, GET /_sim/stats "webhooks".
type WebhookStats struct {
	Events             int64 `json:"events"`              // events queued
	Queued             int64 `json:"queued"`              // deliveries queued (duplicates included)
	Attempted          int64 `json:"attempted"`           // attempts made (dropped ones included)
	Succeeded          int64 `json:"succeeded"`           // attempts answered 2xx
	Failed             int64 `json:"failed"`              // attempts that failed
	Retried            int64 `json:"retried"`             // attempts after the first
	GivenUp            int64 `json:"given_up"`            // deliveries abandoned after the last retry
	Dropped            int64 `json:"dropped"`             // attempts failed unsent by webhook_drop_first
	Validations        int64 `json:"validations"`         // URL validation handshakes
	ValidationFailures int64 `json:"validation_failures"` // handshakes that failed
}

// webhook updates the webhook counters.
func (r *statsRecorder) webhook(fn func(*WebhookStats)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(&r.s.Webhooks)
}
