package zoomsim

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

type tokenKind int

const (
	tokenS2S            tokenKind = iota + 1 // OAuth access token: REST and downloads of the account
	tokenDownloadAccess                      // download_access_token: one meeting's files
	tokenWebhook                             // recording.completed download_token: one meeting's files
	tokenUser                                // user OAuth access token: REST as one user (useroauth.go)
	tokenOBF                                 // on-behalf-of token a bot joins with (usertoken.go)
	tokenZAK                                 // ZAK: a bot joins as the user (usertoken.go)
	tokenSDK                                 // type=token: minted, never checked
)

// grant is what a bearer token allows.
type grant struct {
	kind        tokenKind
	accountID   string
	meetingUUID string // download tokens only
	userID      string // user tokens only: the user who authorised the app
	grantID     string // user tokens only: the authorisation (refresh chain) it belongs to
	expires     time.Time
}

// tokenStore holds every token the simulator has issued. Tokens are opaque
// random strings; their expiry follows the simulator clock.
type tokenStore struct {
	mu sync.Mutex
	m  map[string]grant

	// user holds user OAuth codes, grants and refresh tokens, and join
	// tokens for local recording (useroauth_state.go); reset with the rest.
	user userAuthState
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *tokenStore) issue(g grant, now time.Time) string {
	tok := randomToken(48)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]grant{}
	}
	if len(s.m) > 10000 { // drop the long-expired ones now and then
		for k, v := range s.m {
			if now.Sub(v.expires) > time.Hour {
				delete(s.m, k)
			}
		}
	}
	s.m[tok] = g
	return tok
}

// lookup returns the grant of tok and whether it exists; a found grant may
// still be expired, which callers check against the clock.
func (s *tokenStore) lookup(tok string) (grant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.m[tok]
	return g, ok
}

func (s *tokenStore) reset() {
	s.mu.Lock()
	s.m = nil
	s.mu.Unlock()
	s.user.reset()
}

// revokeS2S forgets every Server-to-Server token of the account but keep,
// so they answer 401 code 124 "Invalid access token." (the
// s2s_token_invalidates_previous fault). It returns how many it revoked.
func (s *tokenStore) revokeS2S(accountID, keep string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for tok, g := range s.m {
		if g.kind == tokenS2S && g.accountID == accountID && tok != keep {
			delete(s.m, tok)
			n++
		}
	}
	return n
}
