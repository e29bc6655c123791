package zoom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// tokenEarlyExpiry is how long before its expiry a cached token is replaced.
const tokenEarlyExpiry = time.Minute

// s2sTokenSource fetches Server-to-Server OAuth tokens:
// POST {OAuthBaseURL}/oauth/token?grant_type=account_credentials&account_id=…
// with HTTP Basic client_id:client_secret. It does not cache; it is wrapped
// in oauth2.ReuseTokenSourceWithExpiry.
type s2sTokenSource struct {
	ctx       context.Context
	tokenURL  string
	accountID string
	clientID  string
	secret    string
	userAgent string
	hc        *http.Client
	logger    *slog.Logger
	now       func() time.Time
}

func newS2STokenSource(ctx context.Context, cfg Config, hc *http.Client, logger *slog.Logger) *s2sTokenSource {
	base, _ := parseBaseURL("OAuthBaseURL", cfg.OAuthBaseURL, DefaultOAuthBaseURL) // validated earlier
	return &s2sTokenSource{
		ctx:       ctx,
		tokenURL:  base.String() + "/oauth/token",
		accountID: strings.TrimSpace(cfg.AccountID),
		clientID:  strings.TrimSpace(cfg.ClientID),
		secret:    strings.TrimSpace(cfg.ClientSecret),
		userAgent: orDefault(cfg.UserAgent, DefaultUserAgent),
		hc:        hc,
		logger:    logger,
		now:       time.Now,
	}
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`

	// Error fields: OAuth style {error, reason} or Zoom API style {code, message}.
	Error   string `json:"error"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Token implements oauth2.TokenSource.
func (s *s2sTokenSource) Token() (*oauth2.Token, error) {
	form := url.Values{"grant_type": {"account_credentials"}, "account_id": {s.accountID}}
	// Zoom documents the parameters in the query string; its official SDK
	// sends them form-encoded. Send both so either reading works.
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, s.tokenURL+"?"+form.Encode(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("zoom: account %q: build token request: %w", s.accountID, err)
	}
	req.SetBasicAuth(s.clientID, s.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", s.userAgent)

	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, &TokenError{AccountID: s.accountID, URL: s.tokenURL, Err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))

	var ans tokenAnswer
	jsonErr := json.Unmarshal(body, &ans)
	if resp.StatusCode/100 != 2 || ans.AccessToken == "" {
		te := &TokenError{AccountID: s.accountID, URL: s.tokenURL, StatusCode: resp.StatusCode, Code: ans.Error, Reason: firstNonEmpty(ans.Reason, ans.Message)}
		if jsonErr != nil {
			te.Reason = tokenAnswerSnippet(body)
		}
		if resp.StatusCode/100 == 2 && te.Code == "" {
			te.Code = "no_access_token"
		}
		return nil, te
	}
	expiresIn := time.Duration(ans.ExpiresIn) * time.Second
	if ans.ExpiresIn <= 0 {
		expiresIn = 5 * time.Minute // unknown lifetime: refresh soon rather than never
	}
	s.logger.Debug("zoom: fetched S2S access token", "account_id", s.accountID, "expires_in", ans.ExpiresIn, "scope", ans.Scope)
	t := &oauth2.Token{AccessToken: ans.AccessToken, TokenType: orDefault(ans.TokenType, "Bearer"), Expiry: s.now().Add(expiresIn)}
	return t.WithExtra(map[string]any{"scope": ans.Scope}), nil
}

// TokenError reports a failed OAuth token request.
type TokenError struct {
	AccountID  string
	URL        string
	StatusCode int    // 0 when the request did not reach the server
	Code       string // OAuth error code, e.g. "invalid_client"
	Reason     string // Zoom's explanation
	Err        error  // transport error, if any
}

func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "zoom: account %q: Server-to-Server OAuth token request to %s failed", e.AccountID, e.URL)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v — check OAuthBaseURL and network access", e.Err)
		return b.String()
	}
	fmt.Fprintf(&b, " (%d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, ": %s", e.Reason)
	}
	b.WriteString(")")
	switch {
	case e.Code == "invalid_client" || e.StatusCode == http.StatusUnauthorized:
		b.WriteString(" — check the client ID and client secret of this account's Server-to-Server OAuth app, and that the app is activated")
	case strings.Contains(strings.ToLower(e.Reason), "account"):
		b.WriteString(" — check the account ID configured for this app")
	case e.Code == "invalid_grant" || e.Code == "unsupported_grant_type":
		b.WriteString(" — the app must be a Server-to-Server OAuth app (grant type account_credentials)")
	case e.StatusCode == http.StatusTooManyRequests:
		b.WriteString(" — token endpoint rate limited; reuse cached tokens and retry later")
	default:
		b.WriteString(" — check the app's credentials and OAuthBaseURL")
	}
	return b.String()
}

func (e *TokenError) Unwrap() error { return e.Err }

// IsCredentialsError reports whether Zoom rejected the credentials themselves
// (as opposed to a network failure or server error).
func (e *TokenError) IsCredentialsError() bool {
	return e.Err == nil && (e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden)
}

// resettableTokenSource caches tokens through oauth2.ReuseTokenSourceWithExpiry
// and can drop the cache when Zoom rejects a token before its expiry.
type resettableTokenSource struct {
	src oauth2.TokenSource
	mu  sync.Mutex
	cur oauth2.TokenSource
}

func newResettableTokenSource(src oauth2.TokenSource) *resettableTokenSource {
	return &resettableTokenSource{src: src, cur: oauth2.ReuseTokenSourceWithExpiry(nil, src, tokenEarlyExpiry)}
}

func (r *resettableTokenSource) Token() (*oauth2.Token, error) {
	r.mu.Lock()
	cur := r.cur
	r.mu.Unlock()
	return cur.Token()
}

// Reset forgets the cached token; the next Token call fetches a new one.
func (r *resettableTokenSource) Reset() {
	r.mu.Lock()
	r.cur = oauth2.ReuseTokenSourceWithExpiry(nil, r.src, tokenEarlyExpiry)
	r.mu.Unlock()
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// snippet returns up to n bytes of b as a trimmed single-line string.
// tokenAnswerSnippet quotes an unreadable token answer, unless it may hold a
// token (a truncated success): errors end up in logs and workflow history.
func tokenAnswerSnippet(body []byte) string {
	if bytes.Contains(body, []byte("token")) {
		return fmt.Sprintf("unreadable answer of %d bytes (not quoted: it may hold a token)", len(body))
	}
	return snippet(body, 200)
}

func snippet(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return strings.Join(strings.Fields(string(b)), " ")
}
