package zoom

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/meetvault/meetvault/netguard"
)

// htmlSnippetSize bounds how much of an HTML answer is kept for the error.
const htmlSnippetSize = 4 << 10

// Download is an open recording file stream. Close Body when done.
type Download struct {
	Body        io.ReadCloser
	ContentType string
	// ContentLength is the number of bytes in Body, -1 if unknown.
	ContentLength int64
	// Offset is where Body starts in the file: 0, or the requested offset
	// when the server honoured the Range request (206). When a non-zero
	// offset was asked for and Offset is 0, the server ignored Range: skip
	// the bytes you already have.
	Offset int64
	// TotalSize is the whole file's size when known (Content-Range total on
	// 206, Content-Length on 200), else -1.
	TotalSize int64
	// StatusCode is 200 or 206.
	StatusCode int
	// URL is the final URL after redirects, with access_token redacted.
	URL string
}

// HTMLResponseError reports a download that answered with an HTML page
// instead of the file (Zoom does this, with 200, for deleted, trashed or
// unauthorised files).
type HTMLResponseError struct {
	URL     string // access_token redacted
	Status  int
	Snippet string // up to 4 KiB of the page
}

func (e *HTMLResponseError) Error() string {
	return fmt.Sprintf("zoom: download %s answered %d with an HTML page instead of the file "+
		"(the file may be deleted or trashed, or the token lacks access): refresh the download access token with "+
		"GET /meetings/{uuid}/recordings?include_fields=download_access_token and check the file still exists; page starts: %q",
		e.URL, e.Status, snippet([]byte(e.Snippet), 200))
}

// DownloadPolicy limits where OpenDownload goes and where it sends the
// token. A download URL comes from a webhook or an API answer, so anyone who
// can sign a tenant's webhooks chooses it: the guard keeps every hop on
// allowed hosts (and off private addresses), and the token goes only to
// Zoom's own hosts.
type DownloadPolicy struct {
	// Guard checks the URL, every redirect hop and every dialed address.
	// Nil: netguard.DefaultZoomHosts.
	Guard *netguard.Guard
	// TokenHosts may receive the token (Authorization: Bearer or
	// ?access_token=). Empty: netguard.DefaultZoomHosts. The API base URL's
	// scheme, host and port are always added.
	TokenHosts netguard.Allowlist
	// Transport, when set, carries the downloads as is; it must dial
	// through Guard (build it with Guard.Transport). Sharing one between
	// the clients of a policy shares their connections. Nil: a clone of
	// Config.HTTPClient's transport dialing through Guard.
	Transport http.RoundTripper
}

// setupDownloads builds the download client: the guard's dialer on the
// configured transport (when it is an *http.Transport; a custom
// RoundTripper keeps the URL checks only) and the token-aware redirect
// policy.
func (c *Client) setupDownloads(cfg Config) error {
	var p DownloadPolicy
	if cfg.Downloads != nil {
		p = *cfg.Downloads
	}
	if p.Guard == nil {
		p.Guard = netguard.New(netguard.MustParse("zoom download hosts", netguard.DefaultZoomHosts))
	}
	if p.TokenHosts.Empty() {
		p.TokenHosts = netguard.MustParse("zoom token hosts", netguard.DefaultZoomHosts)
	}
	api, err := netguard.HostOf("APIBaseURL", c.apiBase.String())
	if err != nil {
		return fmt.Errorf("zoom: %w", err)
	}
	c.dlGuard, c.tokenHosts = p.Guard, p.TokenHosts.Union(api)
	hc := c.baseHTTP(cfg, false)
	if t, ok := hc.Transport.(*http.Transport); ok {
		hc.Transport = p.Guard.Transport(t)
	}
	if p.Transport != nil {
		hc.Transport = p.Transport
	}
	hc.CheckRedirect = c.downloadRedirectPolicy
	c.download = hc
	return nil
}

// OpenDownload opens downloadURL for streaming. The URL and every redirect
// hop must pass the client's DownloadPolicy (else a *netguard.RefusedError).
// token (the webhook's download_token, a download_access_token, or an
// OAuth access token) is sent as "Authorization: Bearer" only when
// downloadURL is on a token host; if that host answers 401 the request is
// repeated once on downloadURL itself with ?access_token= instead. The token
// follows redirects only to the same scheme and host: a redirect to
// storage elsewhere (a signed URL) gets neither header nor query token,
// whatever it answers. When offset > 0, "Range: bytes=offset-" is sent;
// see Download.Offset.
//
// Errors: *HTMLResponseError for an HTML answer, *RateLimitError for 429,
// *ErrorResponse for other non-2xx answers, *netguard.RefusedError for a
// URL or address outside the policy.
func (c *Client) OpenDownload(ctx context.Context, downloadURL, token string, offset int64) (*Download, error) {
	u, err := url.Parse(downloadURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("zoom: download URL %q is not an absolute http(s) URL", redactURL(downloadURL))
	}
	if offset < 0 {
		return nil, fmt.Errorf("zoom: download offset %d is negative", offset)
	}
	if err := c.dlGuard.Check(u); err != nil {
		return nil, fmt.Errorf("zoom: download: %w", err)
	}
	if !c.tokenHosts.Allows(u) {
		token = "" // not Zoom itself: the token stays home
	}
	resp, err := c.sendDownload(ctx, u, token, false, offset)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized && token != "" {
		// Fall back to the query-string token on the URL we were given
		// (a Zoom host), never on where a redirect led.
		drainClose(resp.Body)
		resp, err = c.sendDownload(ctx, withAccessToken(u, token), "", true, offset)
		if err != nil {
			return nil, err
		}
	}
	return c.openedDownload(resp, offset)
}

func (c *Client) sendDownload(ctx context.Context, u *url.URL, token string, queryToken bool, offset int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("zoom: download %s: %w", redactURL(u.String()), err)
	}
	if token != "" && !queryToken {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.download.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		// url.Error would print the URL, which may carry the token or a
		// signature.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("zoom: download %s: %w", redactURL(u.String()), netguard.ScrubError(err))
	}
	return resp, nil
}

// openedDownload validates the final response and wraps it.
func (c *Client) openedDownload(resp *http.Response, offset int64) (*Download, error) {
	finalURL := redactURL(resp.Request.URL.String())
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer drainClose(resp.Body)
		return nil, c.checkResponse(resp)
	}
	d := &Download{
		ContentType:   resp.Header.Get("Content-Type"),
		ContentLength: resp.ContentLength,
		TotalSize:     -1,
		StatusCode:    resp.StatusCode,
		URL:           finalURL,
	}
	br := bufio.NewReaderSize(resp.Body, 512)
	if isHTML(d.ContentType, br) {
		defer drainClose(resp.Body)
		b, _ := io.ReadAll(io.LimitReader(br, htmlSnippetSize))
		return nil, &HTMLResponseError{URL: finalURL, Status: resp.StatusCode, Snippet: string(b)}
	}
	d.Body = readCloser{Reader: br, Closer: resp.Body}
	if resp.StatusCode == http.StatusPartialContent {
		start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || (offset > 0 && start != offset) {
			resp.Body.Close()
			return nil, fmt.Errorf("zoom: download %s: asked for bytes from %d, server sent Content-Range %q — restart the download from 0",
				finalURL, offset, resp.Header.Get("Content-Range"))
		}
		d.Offset, d.TotalSize = start, total
		return d, nil
	}
	// 200 (or another 2xx): the whole file from byte 0, Range ignored.
	d.Offset = 0
	d.TotalSize = resp.ContentLength
	return d, nil
}

// isHTML reports whether a download answer is an HTML page: by
// Content-Type, or by sniffing when no Content-Type was sent.
func isHTML(contentType string, br *bufio.Reader) bool {
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		return err == nil && (mt == "text/html" || mt == "application/xhtml+xml")
	}
	head, _ := br.Peek(512)
	return strings.HasPrefix(http.DetectContentType(head), "text/html")
}

// parseContentRange reads "bytes start-end/total" (total may be "*").
func parseContentRange(v string) (start, total int64, ok bool) {
	v = strings.TrimSpace(v)
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	s, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	total = -1
	if tot = strings.TrimSpace(tot); tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return start, total, true
}

// downloadRedirectPolicy checks every hop against the guard and carries
// the token only to the same scheme and host as the first request (which
// had it only if it was a token host). Another host (signed storage URLs)
// or a scheme change gets neither the bearer nor the query token.
func (c *Client) downloadRedirectPolicy(req *http.Request, via []*http.Request) error {
	if err := c.dlGuard.CheckRedirect(req, via); err != nil {
		return err
	}
	first := via[0]
	sameOrigin := strings.EqualFold(req.URL.Scheme, first.URL.Scheme) && strings.EqualFold(req.URL.Host, first.URL.Host)
	if !sameOrigin || !c.tokenHosts.Allows(req.URL) {
		req.Header.Del("Authorization")
		return nil
	}
	if auth := first.Header.Get("Authorization"); auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if tok := first.URL.Query().Get("access_token"); tok != "" && req.URL.Query().Get("access_token") == "" {
		req.URL = withAccessToken(req.URL, tok)
	}
	return nil
}

func withAccessToken(u *url.URL, token string) *url.URL {
	out := *u
	q := out.Query()
	q.Set("access_token", token)
	out.RawQuery = q.Encode()
	return &out
}

// redactURL hides every query value (tokens, signatures) of raw.
func redactURL(raw string) string { return netguard.RedactURL(raw) }

type readCloser struct {
	io.Reader
	io.Closer
}

func drainClose(rc io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, rc, 64<<10)
	_ = rc.Close()
}
