package zoomsim

import (
	"encoding/json"
	"fmt"
)

// FaultRate is a probability between 0 and 1; other values are rejected when
// read from JSON (and clamped when set from Go).
type FaultRate float64

// UnmarshalJSON reads a number in [0, 1].
func (r *FaultRate) UnmarshalJSON(b []byte) error {
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("want a number between 0 and 1: %w", err)
	}
	if v < 0 || v > 1 {
		return fmt.Errorf("%v is not between 0 and 1", v)
	}
	*r = FaultRate(v)
	return nil
}

// botWebhookDropRate is the share of bot status webhooks dropped unsent.
func (s *faultState) botWebhookDropRate() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.BotWebhookDropRate
}
