package zoomsim

import (
	"strings"
	"sync"
	"time"
)

// User OAuth state: authorization codes, grants (one per completed
// authorization, carrying the current refresh token) and join tokens for
// local recording. It lives in tokenStore, so loading a scenario clears it.

const (
	// authCodeTTL is how long an authorization code can be exchanged.
	authCodeTTL = 10 * time.Minute
	// refreshTokenTTL is the lifetime of a user refresh token (Zoom: 90 days).
	refreshTokenTTL = 90 * 24 * time.Hour
	// joinTokenTTL is the lifetime of a join token for local recording.
	joinTokenTTL = 120 * time.Second
)

// Reasons a grant stopped working, as GET /_sim/oauth reports them.
const (
	revokedByAdmin    = "revoked"    // POST /_sim/oauth/revoke: the user removed the app
	revokedSuperseded = "superseded" // the user authorised the app again
)

type authCode struct {
	redirectURI string
	challenge   string // PKCE code_challenge; "" without PKCE
	method      string // "S256" or "plain"
	accountID   string
	userID      string
	expires     time.Time
}

type userGrant struct {
	id            string
	accountID     string
	userID        string
	email         string
	createdAt     time.Time
	refreshToken  string // the only refresh token that works now
	refreshExpiry time.Time
	refreshCount  int
	lastRefreshAt time.Time
	revoked       string // "" while it works, else revokedByAdmin / revokedSuperseded
	revokedAt     time.Time
}

type joinToken struct {
	meetingID int64
	bypass    bool
	expires   time.Time
}

// userAuthState is safe for concurrent use.
type userAuthState struct {
	mu        sync.Mutex
	codes     map[string]*authCode
	grants    []*userGrant // creation order
	grantByID map[string]*userGrant
	refresh   map[string]*userGrant // current refresh token → grant
	join      map[string]*joinToken
	liveStart map[int64]time.Time // first time a live meeting was looked up

	joinMinted, joinRedeemed, joinRejected int64
}

func (s *userAuthState) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes, s.grants, s.grantByID, s.refresh, s.join, s.liveStart = nil, nil, nil, nil, nil, nil
	s.joinMinted, s.joinRedeemed, s.joinRejected = 0, 0, 0
}

// newCode stores an authorization code.
func (s *userAuthState) newCode(c authCode, now time.Time) string {
	code := randomToken(24)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.codes == nil {
		s.codes = map[string]*authCode{}
	}
	for k, v := range s.codes { // codes never exchanged
		if now.Sub(v.expires) > time.Hour {
			delete(s.codes, k)
		}
	}
	s.codes[code] = &c
	return code
}

// takeCode removes and returns an authorization code: every code is
// presented once, whether the exchange then succeeds or not.
func (s *userAuthState) takeCode(code string) (*authCode, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	if ok {
		delete(s.codes, code)
	}
	return c, ok
}

// newGrant records a completed authorization and returns it with its first
// refresh token. Earlier grants of the same user stop working: Zoom keeps
// only the latest authorization of a user for an app.
func (s *userAuthState) newGrant(accountID, userID, email string, now time.Time) (*userGrant, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.grantByID == nil {
		s.grantByID, s.refresh = map[string]*userGrant{}, map[string]*userGrant{}
	}
	for _, g := range s.grants {
		if g.accountID == accountID && g.userID == userID && g.revoked == "" {
			s.revokeLocked(g, revokedSuperseded, now)
		}
	}
	g := &userGrant{id: "grant_" + randomToken(9), accountID: accountID, userID: userID, email: email, createdAt: now}
	s.grants = append(s.grants, g)
	s.grantByID[g.id] = g
	return g, s.rotateLocked(g, now)
}

// rotateLocked gives g a new refresh token; the previous one stops working.
func (s *userAuthState) rotateLocked(g *userGrant, now time.Time) string {
	if g.refreshToken != "" {
		delete(s.refresh, g.refreshToken)
	}
	g.refreshToken = randomToken(48)
	g.refreshExpiry = now.Add(refreshTokenTTL)
	s.refresh[g.refreshToken] = g
	return g.refreshToken
}

// refreshGrant redeems a refresh token: ok with the grant and its new refresh
// token, or false for an unknown, already used, revoked or expired one.
func (s *userAuthState) refreshGrant(token string, now time.Time) (userGrant, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.refresh[token]
	if !ok || g.revoked != "" || !now.Before(g.refreshExpiry) {
		return userGrant{}, "", false
	}
	rt := s.rotateLocked(g, now)
	g.refreshCount++
	g.lastRefreshAt = now
	return *g, rt, true
}

// active reports whether the grant an access token belongs to still works.
func (s *userAuthState) active(grantID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.grantByID[grantID]
	return g != nil && g.revoked == ""
}

func (s *userAuthState) revokeLocked(g *userGrant, reason string, now time.Time) {
	g.revoked, g.revokedAt = reason, now
	delete(s.refresh, g.refreshToken)
}

// revokeUsers revokes every working grant of the given (account id, user id)
// pairs and returns how many it revoked.
func (s *userAuthState) revokeUsers(users map[[2]string]bool, now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, g := range s.grants {
		if g.revoked == "" && users[[2]string{g.accountID, g.userID}] {
			s.revokeLocked(g, revokedByAdmin, now)
			n++
		}
	}
	return n
}

func (s *userAuthState) grantInfos() []UserGrantInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]UserGrantInfo, 0, len(s.grants))
	for _, g := range s.grants {
		gi := UserGrantInfo{
			GrantID: g.id, UserID: g.userID, Email: g.email, AccountID: g.accountID,
			CreatedAt: g.createdAt, RefreshCount: g.refreshCount, Revoked: g.revoked != "",
			RevokedReason: g.revoked, RefreshTokenExpiresAt: g.refreshExpiry,
		}
		if !g.lastRefreshAt.IsZero() {
			t := g.lastRefreshAt
			gi.LastRefreshAt = &t
		}
		if !g.revokedAt.IsZero() {
			t := g.revokedAt
			gi.RevokedAt = &t
		}
		out = append(out, gi)
	}
	return out
}

// mintJoin stores a join token for local recording.
func (s *userAuthState) mintJoin(meetingID int64, bypass bool, now time.Time) string {
	tok := randomToken(32)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.join == nil {
		s.join = map[string]*joinToken{}
	}
	if len(s.join) > 1000 {
		for k, v := range s.join {
			if now.After(v.expires) {
				delete(s.join, k)
			}
		}
	}
	s.join[tok] = &joinToken{meetingID: meetingID, bypass: bypass, expires: now.Add(joinTokenTTL)}
	s.joinMinted++
	return tok
}

// redeemJoin consumes a join token: only the first redeem of a token minted
// for meetingID, before it expires, succeeds. An unexpired token presented for
// another meeting stays usable for its own.
func (s *userAuthState) redeemJoin(tok string, meetingID int64, now time.Time) (bypass, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	jt := s.join[tok]
	switch {
	case jt == nil || jt.meetingID != meetingID:
		s.joinRejected++
		return false, false
	case !now.Before(jt.expires):
		delete(s.join, tok)
		s.joinRejected++
		return false, false
	}
	delete(s.join, tok)
	s.joinRedeemed++
	return jt.bypass, true
}

func (s *userAuthState) joinStats(now time.Time) JoinTokenStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	live := 0
	for _, jt := range s.join {
		if now.Before(jt.expires) {
			live++
		}
	}
	return JoinTokenStats{Minted: s.joinMinted, Redeemed: s.joinRedeemed, Rejected: s.joinRejected, Outstanding: live}
}

// liveStartTime is the start_time GET /meetings/{id} shows for a live
// meeting: the first time anyone looked it up (so it stays put).
func (s *userAuthState) liveStartTime(id int64, now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.liveStart == nil {
		s.liveStart = map[int64]time.Time{}
	}
	t, ok := s.liveStart[id]
	if !ok {
		t = now.Add(-5 * time.Minute).Truncate(time.Second)
		s.liveStart[id] = t
	}
	return t
}

// usersMatching finds users by id or email (case-insensitive) in every
// account, as (account id, user id) pairs.
func usersMatching(w *world, idOrEmail string) (map[[2]string]bool, []*user) {
	out := map[[2]string]bool{}
	var users []*user
	for _, a := range w.accounts {
		u := a.userByID[idOrEmail]
		if u == nil {
			u = a.userByEmail[strings.ToLower(idOrEmail)]
		}
		if u != nil {
			out[[2]string{a.ID, u.ID}] = true
			users = append(users, u)
		}
	}
	return out, users
}
