// Package zoom is a client for the parts of Zoom's REST API that meetvault
// uses: users, cloud recordings, meeting join tokens and file downloads, the
// dashboard, past-meeting and archiving endpoints used for reconciliation,
// plus webhook verification and payload types.
//
// It is shaped like google/go-github: one Client holding one service per API
// area, typed results, a Response that carries the pagination token and the
// rate-limit headers, and typed errors (ErrorResponse, RateLimitError,
// HTMLResponseError, TokenError). The client never retries: callers (Temporal
// activities) decide from the typed errors. An optional Limiter, shared by all
// clients of an account, paces requests under Zoom's per-label rate limits
// (see Label), and Client.PoolCalls counts requests that draw on the
// account's daily pool.
//
// Base URLs are configuration, so the same code talks to api.zoom.us and to a
// local simulator.
package zoom

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
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/meetvault/meetvault/netguard"
)

// Defaults used when the corresponding Config field is empty.
const (
	DefaultAPIBaseURL   = "https://api.zoom.us/v2"
	DefaultOAuthBaseURL = "https://zoom.us"
	DefaultUserAgent    = "meetvault-zoom/1"

	// MaxPageSize is the largest page_size Zoom accepts on list endpoints.
	MaxPageSize = 300

	// maxErrorBody bounds how much of an error body is read.
	maxErrorBody = 1 << 20

	// defaultTokenTimeout bounds token requests when Config.HTTPClient has
	// no Timeout.
	defaultTokenTimeout = 30 * time.Second
)

// Config configures a Client. Only the credentials are required.
type Config struct {
	// APIBaseURL is the REST root including the version, default
	// "https://api.zoom.us/v2".
	APIBaseURL string
	// OAuthBaseURL is the OAuth host, default "https://zoom.us"; the token
	// URL is OAuthBaseURL + "/oauth/token".
	OAuthBaseURL string

	// Server-to-Server OAuth app credentials.
	AccountID, ClientID, ClientSecret string

	// HTTPClient is optional. Its Transport is used as the base transport for
	// API calls, token requests and downloads; its Timeout applies to API
	// calls and token requests only (downloads are bounded by their context,
	// since a recording can take hours to stream).
	HTTPClient *http.Client

	// UserAgent is sent on every request, default DefaultUserAgent.
	UserAgent string

	// Logger receives debug logs (token fetches). Default slog.Default().
	Logger *slog.Logger

	// Limiter, when set, paces API requests under the account's rate
	// limits: Do waits for the request's label before sending it. Share one
	// Limiter between every Client of the same account (LimiterRegistry.For).
	// Nil sends at once.
	Limiter *Limiter

	// Downloads limits where OpenDownload goes and where it sends the
	// token (see DownloadPolicy). Nil: Zoom's own hosts only.
	Downloads *DownloadPolicy
}

// Client talks to one Zoom account.
type Client struct {
	apiBase   *url.URL
	userAgent string
	accountID string
	logger    *slog.Logger

	tokens     *resettableTokenSource
	api        *http.Client // adds the OAuth bearer token
	apiTimeout time.Duration
	download   *http.Client // no automatic auth; OpenDownload sets it
	dlGuard    *netguard.Guard
	tokenHosts netguard.Allowlist // hosts that may receive the download token
	now        func() time.Time
	limiter    *Limiter
	httpCfg    *http.Client // Config.HTTPClient, the base of API calls

	// Requests handed to the network for endpoints that draw on the daily
	// pool of the main API and of Zoom Phone.
	poolCalls, phonePoolCalls atomic.Int64

	common service

	Users        *UsersService
	Recordings   *RecordingsService
	Phone        *PhoneService // Zoom Phone call recordings (phone.go)
	Meetings     *MeetingsService
	PastMeetings *PastMeetingsService
	Dashboards   *DashboardsService
	Archives     *ArchivesService
}

type service struct{ client *Client }

// NewClient validates cfg and returns a client authenticated with
// Server-to-Server OAuth (grant_type=account_credentials). Tokens are fetched
// lazily on first use and cached until shortly before they expire.
func NewClient(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.validate(true); err != nil {
		return nil, err
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	tokenHTTP := c.baseHTTP(cfg, true)
	if tokenHTTP.Timeout == 0 {
		// oauth2 token sources cannot see the caller's context: bound the
		// token request so a hung token endpoint cannot block callers forever.
		tokenHTTP.Timeout = defaultTokenTimeout
	}
	src := newS2STokenSource(context.WithoutCancel(ctx), cfg, tokenHTTP, c.logger)
	c.setTokenSource(src)
	return c, nil
}

// NewClientWithTokenSource returns a client that authenticates with ts, for
// example a user OAuth (authorization code) token source from
// oauth2.Config.TokenSource. cfg's credentials are not used and may be empty;
// AccountID, when set, only labels errors.
func NewClientWithTokenSource(cfg Config, ts oauth2.TokenSource) (*Client, error) {
	if ts == nil {
		return nil, errors.New("zoom: NewClientWithTokenSource: token source is nil")
	}
	if err := cfg.validate(false); err != nil {
		return nil, err
	}
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	c.setTokenSource(ts)
	return c, nil
}

func newClient(cfg Config) (*Client, error) {
	api, err := parseBaseURL("APIBaseURL", cfg.APIBaseURL, DefaultAPIBaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		apiBase:   api,
		userAgent: orDefault(cfg.UserAgent, DefaultUserAgent),
		accountID: cfg.AccountID,
		logger:    cfg.Logger,
		now:       time.Now,
		limiter:   cfg.Limiter,
		httpCfg:   cfg.HTTPClient,
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if cfg.HTTPClient != nil {
		c.apiTimeout = cfg.HTTPClient.Timeout
	}
	if err := c.setupDownloads(cfg); err != nil {
		return nil, err
	}
	c.common.client = c
	c.Users = (*UsersService)(&c.common)
	c.Recordings = (*RecordingsService)(&c.common)
	c.Phone = (*PhoneService)(&c.common)
	c.Meetings = (*MeetingsService)(&c.common)
	c.PastMeetings = (*PastMeetingsService)(&c.common)
	c.Dashboards = (*DashboardsService)(&c.common)
	c.Archives = (*ArchivesService)(&c.common)
	return c, nil
}

// baseHTTP returns a fresh http.Client on cfg's transport.
func (c *Client) baseHTTP(cfg Config, withTimeout bool) *http.Client {
	hc := &http.Client{Transport: http.DefaultTransport}
	if cfg.HTTPClient != nil {
		if cfg.HTTPClient.Transport != nil {
			hc.Transport = cfg.HTTPClient.Transport
		}
		if withTimeout {
			hc.Timeout = cfg.HTTPClient.Timeout
		}
	}
	return hc
}

func (c *Client) setTokenSource(src oauth2.TokenSource) {
	c.tokens = newResettableTokenSource(src)
	base := c.baseHTTP(Config{HTTPClient: c.httpCfg}, false).Transport
	counted := &poolCountingTransport{base: base, client: c}
	c.api = &http.Client{Transport: &oauth2.Transport{Source: c.tokens, Base: counted}, Timeout: c.apiTimeout}
}

// AccessToken returns a valid access token (cached, refreshed when near
// expiry). The S2S token can also be used as the bearer for download URLs.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	t, err := c.tokens.Token()
	if err != nil {
		return "", err
	}
	return t.AccessToken, nil
}

// BaseURL returns a copy of the API base URL.
func (c *Client) BaseURL() *url.URL {
	u := *c.apiBase
	return &u
}

// NewRequest builds a request for path (relative to the API base URL, with an
// optional query already escaped) and JSON-encodes body when non-nil.
// Path segments that come from user input must be escaped by the caller
// (url.PathEscape or EscapeMeetingUUID).
func (c *Client) NewRequest(ctx context.Context, method, path string, query url.Values, body any) (*http.Request, error) {
	u, err := url.Parse(strings.TrimRight(c.apiBase.String(), "/") + "/" + strings.TrimLeft(path, "/"))
	if err != nil {
		return nil, fmt.Errorf("zoom: bad request path %q: %w", path, err)
	}
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("zoom: encode %s %s body: %w", method, path, err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, fmt.Errorf("zoom: build %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", c.userAgent)
	return req, nil
}

// Do sends an API request and decodes a JSON answer into v (when non-nil).
// A non-2xx answer becomes *ErrorResponse or *RateLimitError; the returned
// Response is non-nil whenever Zoom answered. With Config.Limiter set, Do
// first waits for the request's rate-limit label (see Limiter.Wait); it never
// retries.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	if err := c.limiter.Wait(req.Context(), req.Method, c.apiPath(req.URL)); err != nil {
		return nil, err
	}
	resp, err := c.api.Do(req)
	if err != nil {
		var te *TokenError
		if errors.As(err, &te) {
			return nil, te
		}
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("zoom: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	response := newResponse(resp)
	if err := c.checkResponse(resp); err != nil {
		if IsUnauthorized(err) {
			// The token may have been revoked (Zoom invalidates older tokens
			// when too many are issued): make the next call fetch a new one.
			c.tokens.Reset()
		}
		return response, err
	}
	if v == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return response, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return response, fmt.Errorf("zoom: %s %s: decode %d answer: %w", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	if p, ok := v.(pageTokener); ok {
		response.NextPageToken = p.pageToken()
	}
	return response, nil
}

// get is the common GET-and-decode helper for services.
func (c *Client) get(ctx context.Context, path string, query url.Values, v any) (*Response, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req, v)
}

// Response wraps the HTTP response with what Zoom puts in body and headers.
type Response struct {
	*http.Response
	// NextPageToken is the body's next_page_token on list endpoints; empty
	// on the last page.
	NextPageToken string
	// RateLimit holds the X-RateLimit-* headers of this response.
	RateLimit RateLimit
}

func newResponse(r *http.Response) *Response {
	return &Response{Response: r, RateLimit: parseRateLimit(r.Header)}
}

type pageTokener interface{ pageToken() string }

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}
