package hostauth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// OBF and ZAK links mint a fresh token of the link's user at each fetch,
// each on its own route only, and say ErrNoUserToken when Zoom refuses.
func TestOBFAndZAKLinksMintTheUsersTokens(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()
	connect(t, s, f, "u-alice")

	obf, err := s.IssueTokenURL(ctx, KindOBF, "acme", "999", "u-alice", "bot/acme/999", false, t0.Add(time.Hour))
	if err != nil || !strings.HasPrefix(obf, "https://mv.example"+OBFTokenPath+"?secret=") {
		t.Fatalf("obf link %q %v", obf, err)
	}
	zak, err := s.IssueTokenURL(ctx, KindZAK, "acme", "999", "u-alice", "bot/acme/999", false, t0.Add(time.Hour))
	if err != nil || !strings.HasPrefix(zak, "https://mv.example"+ZAKPath+"?secret=") {
		t.Fatalf("zak link %q %v", zak, err)
	}
	tok1, err := s.MintUserToken(ctx, KindOBF, secretOf(t, obf))
	tok2, err2 := s.MintUserToken(ctx, KindOBF, secretOf(t, obf))
	if err != nil || err2 != nil || !strings.HasPrefix(tok1, "onbehalf-u-alice-999-") || tok1 == tok2 {
		t.Fatalf("obf tokens %q %q (%v %v): minted fresh for the meeting each time", tok1, tok2, err, err2)
	}
	if q := f.userTokens[0]; q.Get("type") != "onbehalf" || q.Get("meeting_id") != "999" {
		t.Fatalf("obf query %v", q)
	}
	if tok, err := s.MintUserToken(ctx, KindZAK, secretOf(t, zak)); err != nil || !strings.HasPrefix(tok, "zak-u-alice-") {
		t.Fatalf("zak %q %v", tok, err)
	}
	// Scoped: a link works on its own route only.
	if _, err := s.MintUserToken(ctx, KindZAK, secretOf(t, obf)); !errors.Is(err, ErrUnknownLink) {
		t.Fatalf("obf secret on the zak route: %v", err)
	}
	if _, err := s.MintJoinToken(ctx, secretOf(t, zak)); !errors.Is(err, ErrUnknownLink) {
		t.Fatalf("zak secret on the join-token route: %v", err)
	}
	// A connection without user:read:token: no token, and the error says
	// which scope to add.
	f.noTokenScope["u-alice"] = true
	_, err = s.MintUserToken(ctx, KindOBF, secretOf(t, obf))
	if !errors.Is(err, ErrNoUserToken) || !strings.Contains(err.Error(), ScopeUserToken) {
		t.Fatalf("missing scope: %v", err)
	}
	clk.Advance(2 * time.Hour)
	if _, err := s.MintUserToken(ctx, KindOBF, secretOf(t, obf)); !errors.Is(err, ErrLinkExpired) {
		t.Fatalf("expired link: %v", err)
	}
	if _, err := s.IssueTokenURL(ctx, KindOBF, "acme", "999", "u-nobody", "", false, t0.Add(3*time.Hour)); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("a user without a connection gets no link: %v", err)
	}
}

func TestUserConnectionFindsAUserByIDOrEmail(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()
	connect(t, s, f, "u-alice")
	for _, who := range []string{"u-alice", "Alice@Acme.example"} {
		if c, err := s.UserConnection(ctx, "acme", who); err != nil || c == nil || c.ZoomUserID != "u-alice" {
			t.Fatalf("%s: %+v %v", who, c, err)
		}
	}
	if c, err := s.UserConnection(ctx, "acme", "bob@acme.example"); c != nil || err != nil {
		t.Fatalf("not connected: %+v %v", c, err)
	}
}
