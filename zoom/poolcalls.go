package zoom

import (
	"net/http"
	"net/url"
	"strings"
)

// PoolCalls returns how many requests this Client has sent to endpoints that
// draw on the account's daily Heavy + Resource-intensive pool (see
// RateLabel.DrawsDailyPool) since it was created. A request counts once it is
// handed to the network, whatever the answer (429s and transport errors
// included); requests refused before that (invalid options, the Limiter's
// wait outlasting the context, an access token that could not be fetched) do
// not. Zoom Phone endpoints have their own pool and count in PhonePoolCalls.
//
// It is an upper bound of the budget this Client spent: Zoom does not charge
// the requests it refuses with a 429. Response.RateLimit.Remaining, when Zoom
// sends it, is the pool left after a request.
func (c *Client) PoolCalls() int64 { return c.poolCalls.Load() }

// PhonePoolCalls is PoolCalls for the Zoom Phone API's separate daily pool
// (Heavy and Resource-intensive endpoints under /phone).
func (c *Client) PhonePoolCalls() int64 { return c.phonePoolCalls.Load() }

// poolCountingTransport sits under the OAuth transport, so it sees only
// requests that are about to go out with a token.
type poolCountingTransport struct {
	base   http.RoundTripper
	client *Client
}

func (t *poolCountingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Context().Err() == nil {
		path := t.client.apiPath(req.URL)
		if Label(req.Method, path).DrawsDailyPool() {
			if isPhonePath(path) {
				t.client.phonePoolCalls.Add(1)
			} else {
				t.client.poolCalls.Add(1)
			}
		}
	}
	return t.base.RoundTrip(req)
}

// apiPath returns u's escaped path relative to the API base URL (so that a
// base such as http://127.0.0.1:9000/zoom/v2 labels like /v2), or the whole
// path when u is elsewhere.
func (c *Client) apiPath(u *url.URL) string {
	p := u.EscapedPath()
	if u.Host != c.apiBase.Host {
		return p
	}
	base := strings.TrimRight(c.apiBase.EscapedPath(), "/")
	if base == "" {
		return p
	}
	if rest, ok := strings.CutPrefix(p, base); ok && (rest == "" || rest[0] == '/') {
		return rest
	}
	return p
}
