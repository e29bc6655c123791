package activities

import (
	"fmt"
	"io"
	"net/http"

	"github.com/meetvault/meetvault/netguard"
	"github.com/meetvault/meetvault/zoom"
)

// Egress limits where downloads go. Download links come from outside (a
// signed webhook is enough to name one), so every fetch, every redirect hop
// and every dialed address is checked (package netguard).
//
// The zero value is safe: Zoom's own hosts for recordings, nothing for bot
// media, the token for Zoom's hosts only, DefaultMaxUnknownBytes.
type Egress struct {
	// Downloads are the hosts recording downloads may reach (empty:
	// netguard.DefaultZoomHosts); TenantDownloads replaces it per tenant.
	Downloads       netguard.Allowlist
	TenantDownloads map[string]netguard.Allowlist
	// ZoomTokenHosts may receive the Zoom token, besides the API base
	// URL's host (empty: netguard.DefaultZoomHosts).
	ZoomTokenHosts netguard.Allowlist
	// BotMedia are the hosts bot media links may reach: the provider's
	// own and its media CDN.
	BotMedia netguard.Allowlist
	// MaxUnknownBytes caps a download whose size was not announced
	// (default DefaultMaxUnknownBytes).
	MaxUnknownBytes int64
	// GuardOptions are passed to every guard (tests: a fake resolver).
	GuardOptions []netguard.Option
}

// DefaultMaxUnknownBytes caps downloads of unannounced size: 16 GiB.
const DefaultMaxUnknownBytes = 16 << 30

// downloadPolicy is the tenant's Zoom download policy. Tenants with the
// same list share one policy, and so one guarded transport (connections
// to Zoom's hosts are reused across tenants).
func (a *Activities) downloadPolicy(tenantID string) *zoom.DownloadPolicy {
	allow, ok := a.Egress.TenantDownloads[tenantID]
	if !ok {
		allow = a.Egress.Downloads
	}
	if allow.Empty() {
		allow = netguard.MustParse("MEETVAULT_DOWNLOAD_ALLOWED_HOSTS", netguard.DefaultZoomHosts)
	}
	key := allow.Name() + "\x00" + allow.String() // the name is quoted in refusals
	a.policyMu.Lock()
	defer a.policyMu.Unlock()
	if p, ok := a.policies[key]; ok {
		return p
	}
	guard := netguard.New(allow, a.Egress.GuardOptions...)
	var base *http.Transport
	if a.HTTPClient != nil {
		base, _ = a.HTTPClient.Transport.(*http.Transport)
	}
	p := &zoom.DownloadPolicy{Guard: guard, TokenHosts: a.Egress.ZoomTokenHosts, Transport: guard.Transport(base)}
	if a.policies == nil {
		a.policies = map[string]*zoom.DownloadPolicy{}
	}
	a.policies[key] = p
	return p
}

// botMediaClient is the guarded client for bot media links, built once.
func (a *Activities) botMediaClient() *http.Client {
	a.botMediaOnce.Do(func() {
		var base *http.Transport
		if a.HTTPClient != nil {
			base, _ = a.HTTPClient.Transport.(*http.Transport)
		}
		a.botMedia = netguard.New(a.Egress.BotMedia, a.Egress.GuardOptions...).Client(base)
	})
	return a.botMedia
}

func (a *Activities) maxUnknownBytes() int64 {
	if a.Egress.MaxUnknownBytes > 0 {
		return a.Egress.MaxUnknownBytes
	}
	return DefaultMaxUnknownBytes
}

// TooLargeError reports a download of unannounced size that went past the cap.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the download sent more than %d bytes without announcing its size; "+
		"raise MEETVAULT_DOWNLOAD_MAX_UNKNOWN_SIZE_MIB if such files are genuine", e.Limit)
}

// capped fails reads past limit bytes with *TooLargeError.
type capped struct {
	io.ReadCloser
	left, limit int64
}

func capReader(rc io.ReadCloser, limit int64) io.ReadCloser {
	return &capped{ReadCloser: rc, left: limit, limit: limit}
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, &TooLargeError{Limit: c.limit}
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.ReadCloser.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, &TooLargeError{Limit: c.limit}
	}
	return n, err
}
