package zoom

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// User token types for UsersService.Token.
const (
	// UserTokenOnBehalf is an on-behalf-of (OBF) token: a Meeting SDK bot
	// carrying it joins a meeting as that user's assistant, only once the
	// user is in the meeting, and is removed when the user leaves. Since
	// March 2026 Zoom requires it (or a ZAK) for bots in meetings outside
	// the app owner's account. Scope user:read:token; short-lived and
	// single-use: mint it just in time.
	UserTokenOnBehalf = "onbehalf"
	// UserTokenZAK is the user's Zoom Access Key: a bot carrying it joins as
	// that signed-in user. Lives 2 h by default (TTL up to a year).
	UserTokenZAK = "zak"
)

// UserToken is the answer of GET /users/{userId}/token.
type UserToken struct {
	Token string `json:"token"`
}

// UserTokenOptions are the optional parameters of UsersService.Token.
type UserTokenOptions struct {
	// MeetingID names the meeting an OBF token is for (meeting_id).
	MeetingID string
	// TTL is the token's lifetime in seconds (ttl); 0 keeps Zoom's default.
	TTL int
}

// Token mints a user token (GET /users/{userId}/token?type=…, Light).
// userID is "me" for a user-level app's own user. An empty token in a 200
// answer is an error (Zoom returns none for some sign-in methods).
func (s *UsersService) Token(ctx context.Context, userID, tokenType string, opts *UserTokenOptions) (*UserToken, *Response, error) {
	if userID == "" {
		return nil, nil, fmt.Errorf("zoom: Token: user id is empty (use \"me\" for a user-level app)")
	}
	if tokenType != UserTokenOnBehalf && tokenType != UserTokenZAK {
		return nil, nil, fmt.Errorf("zoom: Token: type %q: use %q or %q", tokenType, UserTokenOnBehalf, UserTokenZAK)
	}
	q := url.Values{"type": {tokenType}}
	if opts != nil {
		if opts.MeetingID != "" {
			q.Set("meeting_id", opts.MeetingID)
		}
		if opts.TTL > 0 {
			q.Set("ttl", strconv.Itoa(opts.TTL))
		}
	}
	var t UserToken
	resp, err := s.client.get(ctx, "/users/"+url.PathEscape(userID)+"/token", q, &t)
	if err != nil {
		return nil, resp, err
	}
	if t.Token == "" {
		return nil, resp, fmt.Errorf("zoom: GET /users/%s/token?type=%s answered without a token", userID, tokenType)
	}
	return &t, resp, nil
}
