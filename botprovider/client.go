package botprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults used when the corresponding Config field is empty.
const (
	DefaultUserAgent = "meetvault-botprovider/1"

	// defaultTimeout bounds each call when Config.HTTPClient is nil.
	defaultTimeout = 30 * time.Second

	// maxResponseBody bounds how much of a success body is decoded.
	maxResponseBody = 16 << 20
	// maxErrorBody bounds how much of an error body is read.
	maxErrorBody = 64 << 10
)

// Config configures a Client. BaseURL and APIKey are required.
type Config struct {
	// BaseURL is the provider's root for its region, e.g.
	// "https://us-east-1.recall.ai" or a self-hosted "http://127.0.0.1:8080".
	// A path prefix is kept ("https://example.com/recall" calls
	// https://example.com/recall/api/v1/bot/).
	BaseURL string
	// APIKey is sent as "Authorization: Token <APIKey>".
	APIKey string
	// HTTPClient is optional; default is a client with a 30 s timeout.
	HTTPClient *http.Client
	// UserAgent is optional; default DefaultUserAgent.
	UserAgent string
	// Logger receives one debug line per call. Default slog.Default().
	Logger *slog.Logger
	// APIVersion, when set, is sent as the Recall-Api-Version header on
	// every API call (e.g. "2025-01-01"); it selects, among others, where
	// the provider publishes participants (see Participants).
	APIVersion string
}

// Client talks to one bot-provider workspace. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	apiKey    string
	http      *http.Client
	userAgent string
	logger    *slog.Logger
	version   string
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if strings.TrimSpace(cfg.BaseURL) == "" {
		return nil, errors.New("botprovider: Config.BaseURL is empty: set the provider's regional URL, e.g. https://us-east-1.recall.ai")
	}
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("botprovider: Config.BaseURL %q is not an absolute http(s) URL, e.g. https://us-east-1.recall.ai", cfg.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("botprovider: Config.BaseURL %q must not carry a query or fragment", cfg.BaseURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if strings.TrimSpace(cfg.APIKey) == "" {
		return nil, errors.New("botprovider: Config.APIKey is empty: create an API key in the provider's dashboard (it must belong to the same region as BaseURL)")
	}
	c := &Client{
		base:      u,
		apiKey:    strings.TrimSpace(cfg.APIKey),
		http:      cfg.HTTPClient,
		userAgent: cfg.UserAgent,
		logger:    cfg.Logger,
		version:   strings.TrimSpace(cfg.APIVersion),
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: defaultTimeout}
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	return c, nil
}

// BaseURL returns the configured root, without a trailing slash.
func (c *Client) BaseURL() string { return c.base.String() }

// endpoint joins escaped path segments under BaseURL + "/api/v1/" and adds
// the trailing slash the API expects.
func (c *Client) endpoint(segments ...string) string {
	u := *c.base
	var p, raw strings.Builder
	p.WriteString(u.Path + "/api/v1/")
	raw.WriteString(u.EscapedPath() + "/api/v1/")
	for _, s := range segments {
		p.WriteString(s + "/")
		raw.WriteString(url.PathEscape(s) + "/")
	}
	u.Path, u.RawPath = p.String(), raw.String()
	return u.String()
}

// do sends one request. in, if non-nil, is encoded as the JSON body; out, if
// non-nil, receives the decoded JSON answer. Non-2xx answers become typed
// errors (see checkResponse).
func (c *Client) do(ctx context.Context, method, endpoint string, in, out any) error {
	return c.doWith(ctx, method, endpoint, nil, in, out)
}

// doWith is do with extra request headers.
func (c *Client) doWith(ctx context.Context, method, endpoint string, hdr http.Header, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("botprovider: encode %s request: %w", method, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		return fmt.Errorf("botprovider: build request: %w", err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Token "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if c.version != "" {
		req.Header.Set(HeaderAPIVersion, c.version)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("botprovider: %s %s: %w", method, req.URL.EscapedPath(), err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
	}()
	c.logger.DebugContext(ctx, "botprovider call",
		"method", method, "path", req.URL.EscapedPath(),
		"status", resp.StatusCode, "elapsed", time.Since(start))

	if err := checkResponse(resp); err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBody))
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("botprovider: %s %s: decode %d answer: %w", method, req.URL.EscapedPath(), resp.StatusCode, err)
	}
	return nil
}
