package zoomsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Bot status webhooks: one "bot.<code>" event per status change, signed the
// Standard Webhooks (Svix) way, delivered in order per bot by one goroutine
// per bot, retried on failure on the simulator clock for 24 h.

// botWebhookBody is the event body Recall sends for a status change.
type botWebhookBody struct {
	Event string `json:"event"`
	Data  struct {
		Data struct {
			Code      string  `json:"code"`
			SubCode   *string `json:"sub_code"`
			UpdatedAt string  `json:"updated_at"`
		} `json:"data"`
		Bot botRef `json:"bot"`
	} `json:"data"`
}

func (b *bot) webhookBody(st BotStatusChange) []byte {
	var ev botWebhookBody
	ev.Event = "bot." + st.Code
	ev.Data.Data.Code = st.Code
	ev.Data.Data.SubCode = nullable(st.SubCode)
	ev.Data.Data.UpdatedAt = st.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
	ev.Data.Bot = botRef{ID: b.id, Metadata: b.metadata} // metadata never changes
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(ev)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// standardWebhookSignature is "v1," + base64(HMAC-SHA256(key, id.ts.body))
// where key is the base64 decoding of the secret after "whsec_".
func standardWebhookSignature(secret, msgID string, ts int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID + "." + strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// newMessageID looks like a Svix message id: "msg_" and 27 alphanumerics.
func newMessageID() string {
	b := make([]byte, 27)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnumAlphabet[int(b[i])%len(alnumAlphabet)]
	}
	return "msg_" + string(b)
}

// deliverBotWebhooks sends b's queued status webhooks in order until the bot
// is terminal and its queue empty, or the generation ends.
func (h *botHub) deliverBotWebhooks(b *bot) {
	defer b.gen.wg.Done()
	ctx := b.gen.ctx
	for {
		h.mu.Lock()
		if len(b.queue) == 0 {
			terminal := b.terminal
			h.mu.Unlock()
			if terminal {
				return
			}
			select {
			case <-b.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		st := b.queue[0]
		b.queue = b.queue[1:]
		h.mu.Unlock()
		if !h.deliverOne(b, st) {
			return
		}
	}
}

// deliverOne sends one status webhook with retries. It returns false when
// the generation ended.
func (h *botHub) deliverOne(b *bot, st BotStatusChange) bool {
	ctx := b.gen.ctx
	if rate := h.s.faults.botWebhookDropRate(); rate > 0 && mrand.Float64() < rate {
		h.count(b, func(s *BotWebhookStats) { s.Dropped++ })
		h.s.log.Debug("zoomsim bot webhook dropped by fault", "bot", b.id, "code", st.Code)
		return true
	}
	body, msgID := b.webhookBody(st), newMessageID()
	first := h.s.clock.Now()
	// An attempt is counted once its outcome is settled (and, on failure,
	// its retry's due time fixed), so a caller that sees the count and then
	// moves the simulated clock always moves it past that due time.
	for attempt := 0; ; attempt++ {
		err := h.attemptWebhook(b, msgID, body)
		if err == nil {
			h.count(b, func(s *BotWebhookStats) { s.Attempts++; s.Sent++ })
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		var due time.Time
		if attempt < len(h.retryDelays) {
			due = h.s.clock.Now().Add(h.retryDelays[attempt])
		}
		if due.IsZero() || due.Sub(first) > botWebhookRetryWindow {
			h.count(b, func(s *BotWebhookStats) { s.Attempts++; s.Failed++ })
			h.s.log.Warn("zoomsim bot webhook given up", "bot", b.id, "code", st.Code, "err", err)
			return true
		}
		h.count(b, func(s *BotWebhookStats) { s.Attempts++ })
		h.s.log.Debug("zoomsim bot webhook failed; will retry", "bot", b.id, "code", st.Code, "attempt", attempt+1, "due", due, "err", err)
		if !h.sleepSim(ctx, due) {
			return false
		}
	}
}

func (h *botHub) count(b *bot, fn func(*BotWebhookStats)) {
	h.mu.Lock()
	fn(&b.gen.hooks)
	h.mu.Unlock()
}

// attemptWebhook POSTs body once, freshly timestamped and signed.
func (h *botHub) attemptWebhook(b *bot, msgID string, body []byte) error {
	ts := time.Now().Unix()
	sig, err := standardWebhookSignature(b.hookSecret, msgID, ts, body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(b.gen.ctx, http.MethodPost, b.hookURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	prefix := "webhook-"
	if b.svix {
		prefix = "svix-"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Svix-Webhooks/1.0 (zoomsim)")
	req.Header.Set(prefix+"id", msgID)
	req.Header.Set(prefix+"timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set(prefix+"signature", sig)
	resp, err := h.hookClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errors.New("status " + strconv.Itoa(resp.StatusCode))
	}
	return nil
}
