package rtms

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/coder/websocket"
)

// maxMessage caps one incoming message: a base64 video frame (FHD JPG) fits.
const maxMessage = 16 << 20

// checkURL enforces the transport rule: wss always, ws only to a loopback
// host and only when the configuration allows it.
func checkURL(raw string, allowInsecureLoopback bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("rtms: server URL %q: %w", raw, err)
	}
	switch u.Scheme {
	case "wss":
		return nil
	case "ws":
		if !allowInsecureLoopback {
			return fmt.Errorf("rtms: server URL %q is not wss://: refusing plain WebSocket (set AllowInsecureLoopback only for a local simulator)", raw)
		}
		ip := net.ParseIP(u.Hostname())
		if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("rtms: server URL %q: plain ws:// is allowed to loopback hosts only", raw)
		}
		return nil
	}
	return fmt.Errorf("rtms: server URL %q: scheme must be wss", raw)
}

// dial opens one WebSocket. TLS verification stays on: the TLS config is only
// ever the caller's RootCAs (a test CA), never InsecureSkipVerify.
func (s *Session) dial(ctx context.Context, raw string) (*websocket.Conn, error) {
	if err := checkURL(raw, s.cfg.AllowInsecureLoopback); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
	defer cancel()
	opts := &websocket.DialOptions{HTTPClient: s.httpClient()}
	c, resp, err := websocket.Dial(ctx, raw, opts)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("rtms: connect %s: %w", redact(raw), err)
	}
	c.SetReadLimit(maxMessage)
	return c, nil
}

func (s *Session) httpClient() *http.Client {
	if s.cfg.HTTPClient != nil {
		return s.cfg.HTTPClient
	}
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, TLSHandshakeTimeout: 10 * time.Second}
	if s.cfg.RootCAs != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr}
}

// redact drops the query (Zoom's URLs may carry tokens) from logged URLs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	u.RawQuery = ""
	return u.String()
}

func writeJSON(ctx context.Context, c *websocket.Conn, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.Write(ctx, websocket.MessageText, b)
}

// readJSON reads the next message into v and returns its bytes.
func readJSON(ctx context.Context, c *websocket.Conn, v any) ([]byte, error) {
	_, b, err := c.Read(ctx)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return b, fmt.Errorf("rtms: message is not JSON: %w", err)
	}
	return b, nil
}
