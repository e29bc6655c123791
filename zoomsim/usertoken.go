package zoomsim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// GET /v2/users/{userId}/token?type=onbehalf|zak|token[&ttl=]: the tokens a
// Meeting SDK bot joins with. Since March 2026 Zoom refuses bots in meetings
// outside the app's account unless they bring an on-behalf-of (OBF) token
// of a user who authorised the app and attends, or a ZAK (the bot then
// joins as that user). The bot simulation checks what a bot's token URLs
// return against the tokens minted here.

const (
	obfDefaultTTL = 2 * time.Hour
	obfMaxTTL     = 365 * 24 * time.Hour
	zakTTL        = 2 * time.Hour
)

type sdkTokenResponse struct {
	Token string `json:"token"`
}

// getUserToken mints a token for the user: type=onbehalf (OBF; needs the
// user's own OAuth token, ttl seconds up to a year, default 2 h), zak (a
// user token of that user or an S2S token of the account; 2 h) or token
// (the default, an opaque SDK token).
func (s *Server) getUserToken(w http.ResponseWriter, r *http.Request, c *call) {
	id := r.PathValue("userId")
	u := c.acct.findUser(id)
	q := r.URL.Query()
	typ := q.Get("type")
	if typ == "" {
		typ = "token"
	}
	if typ != "onbehalf" && typ != "zak" && typ != "token" {
		writeFieldError(w, "type", "Invalid field.")
		return
	}
	if c.user != nil && u != c.user {
		writeMissingScope(w, "user:read:token:admin")
		return
	}
	if u == nil {
		writeAPIError(w, http.StatusNotFound, codeUserNotFound, fmt.Sprintf("User does not exist: %s.", id))
		return
	}
	if typ == "onbehalf" && c.user == nil {
		// OBF tokens are the user's own consent: only their OAuth token mints them.
		writeMissingScope(w, "user:read:token")
		return
	}
	ttl := obfDefaultTTL
	if v := q.Get("ttl"); v != "" && typ != "zak" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || time.Duration(n)*time.Second > obfMaxTTL {
			writeFieldError(w, "ttl", "ttl must be between 1 and 31536000.")
			return
		}
		ttl = time.Duration(n) * time.Second
	}
	kind := map[string]tokenKind{"onbehalf": tokenOBF, "zak": tokenZAK, "token": tokenSDK}[typ]
	if typ == "zak" {
		ttl = zakTTL
	}
	tok := s.tokens.issue(grant{kind: kind, accountID: c.acct.ID, userID: u.ID, expires: c.now.Add(ttl)}, c.now)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, sdkTokenResponse{Token: tok})
}

// redeemOBF consumes an OBF token (single use): the user it was minted
// for, and whether it is valid now.
func (s *Server) redeemOBF(tok string) (userID string, ok bool) {
	now := s.clock.Now()
	s.tokens.mu.Lock()
	defer s.tokens.mu.Unlock()
	g, found := s.tokens.m[tok]
	if !found || g.kind != tokenOBF || !now.Before(g.expires) {
		return "", false
	}
	delete(s.tokens.m, tok)
	return g.userID, true
}

// checkZAK reports the user of a valid ZAK.
func (s *Server) checkZAK(tok string) (userID string, ok bool) {
	g, found := s.tokens.lookup(tok)
	if !found || g.kind != tokenZAK || !s.clock.Now().Before(g.expires) {
		return "", false
	}
	return g.userID, true
}

// MintUserToken mints an OBF ("onbehalf") or "zak" token for a user (id or
// email) of any account without the REST round trip, for Go tests.
func (s *Server) MintUserToken(user, typ string) (string, error) {
	kind, ttl := tokenOBF, obfDefaultTTL
	switch typ {
	case "onbehalf":
	case "zak":
		kind, ttl = tokenZAK, zakTTL
	default:
		return "", fmt.Errorf("zoomsim: token type %q: want onbehalf or zak", typ)
	}
	now := s.clock.Now()
	for _, a := range s.world().accounts {
		if u := a.findUser(user); u != nil {
			return s.tokens.issue(grant{kind: kind, accountID: a.ID, userID: u.ID, expires: now.Add(ttl)}, now), nil
		}
	}
	return "", ErrUnknownUser
}
