package hostauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetvault/meetvault/store"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestNewRequiresTheUserAppsCredentials(t *testing.T) {
	for _, cfg := range []Config{{}, {ClientID: "x"}, {ClientSecret: "y"}} {
		if _, err := newService(cfg, newMemRepo()); !errors.Is(err, ErrNotConfigured) {
			t.Fatalf("%+v: %v", cfg, err)
		}
	}
	if !strings.Contains(ErrNotConfigured.Error(), "MEETVAULT_ZOOM_USER_CLIENT_ID") {
		t.Fatal("the error names the variables to set")
	}
	if _, err := newService(Config{ClientID: "x", ClientSecret: "y", PublicURL: "mv.example"}, newMemRepo()); err == nil {
		t.Fatal("a public URL without scheme is refused")
	}
}

// The whole authorization: PKCE challenge in the authorize URL, the verifier
// at the token endpoint, who the user is and the settings check, tokens
// stored.
func TestConnectStoresTheHostWithItsSettings(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()

	authURL, err := s.AuthorizeURL(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	if u.Query().Get("redirect_uri") != "https://mv.example/oauth/zoom/callback" {
		t.Fatalf("redirect_uri %q", u.Query().Get("redirect_uri"))
	}
	state, code := f.authorize(t, authURL, "u-alice")
	stored := repo.states[hex.EncodeToString(digest(state))]
	if stored.TenantID != "acme" || stored.Verifier == "" || !stored.ExpiresAt.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("pending state %+v", stored)
	}
	if len(repo.states) != 1 {
		t.Fatal("one state per authorization")
	}
	for k := range repo.states {
		if k == state {
			t.Fatal("the state is stored only as its hash")
		}
	}
	c, err := s.Complete(ctx, state, code)
	if err != nil {
		t.Fatal(err)
	}
	if f.verifiers[0] != stored.Verifier {
		t.Fatal("the PKCE verifier of this state was not sent")
	}
	if c.TenantID != "acme" || c.ZoomUserID != "u-alice" || c.ZoomAccountID != testAccount || c.Email != "alice@acme.example" ||
		c.Status != "active" || c.LocalRecording == nil || !*c.LocalRecording || c.Scope != "meeting:read user:read" || !c.ConnectedAt.Equal(t0) {
		t.Fatalf("connection %+v", c)
	}
	row := repo.conns[key("acme", "u-alice")]
	if life := row.AccessExpiresAt.Sub(t0); !strings.HasPrefix(row.AccessToken, "access-u-alice") || !strings.HasPrefix(row.RefreshToken, "refresh-u-alice") ||
		life < 3590*time.Second || life > 3599*time.Second {
		t.Fatalf("stored tokens %+v", row)
	}
	if len(repo.states) != 0 {
		t.Fatal("the state was not consumed")
	}

	// Bob's local recording is off: connected, and the check says so.
	b := connect(t, s, f, "u-bob")
	if b.LocalRecording == nil || *b.LocalRecording {
		t.Fatalf("bob %+v", b)
	}
	list, err := s.Connections(ctx, "acme")
	if err != nil || len(list) != 2 || list[0].ZoomUserID != "u-alice" || list[1].ZoomUserID != "u-bob" {
		t.Fatalf("connections %+v %v", list, err)
	}
}

func TestStateIsSingleUseExpiresAndBelongsToTheTenantsAccount(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()

	if _, err := s.AuthorizeURL(ctx, "nope"); !errors.Is(err, ErrUnknownTenant) {
		t.Fatalf("unknown tenant: %v", err)
	}
	if _, err := s.Complete(ctx, "made-up", "code"); !errors.Is(err, ErrBadState) {
		t.Fatalf("unknown state: %v", err)
	}

	// Used once: a replay of the same callback is refused.
	u, _ := s.AuthorizeURL(ctx, "acme")
	state, code := f.authorize(t, u, "u-alice")
	if _, err := s.Complete(ctx, state, code); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Complete(ctx, state, code); !errors.Is(err, ErrBadState) {
		t.Fatalf("reused state: %v", err)
	}

	// Expired: eleven minutes later nothing is exchanged or stored.
	delete(repo.conns, key("acme", "u-alice"))
	exchanges := f.exchangeCalls.Load()
	u, _ = s.AuthorizeURL(ctx, "acme")
	state, code = f.authorize(t, u, "u-alice")
	clk.Advance(11 * time.Minute)
	if _, err := s.Complete(ctx, state, code); !errors.Is(err, ErrStateExpired) {
		t.Fatalf("expired state: %v", err)
	}
	if _, err := s.Complete(ctx, state, code); !errors.Is(err, ErrBadState) {
		t.Fatalf("an expired state is gone too: %v", err)
	}
	if f.exchangeCalls.Load() != exchanges || len(repo.conns) != 0 {
		t.Fatal("an expired state reached Zoom or stored a connection")
	}

	// A user of another account is not connected to this tenant.
	u, _ = s.AuthorizeURL(ctx, "acme")
	state, code = f.authorize(t, u, "u-eve")
	if _, err := s.Complete(ctx, state, code); !errors.Is(err, ErrWrongAccount) {
		t.Fatalf("foreign account: %v", err)
	}
	// A code Zoom refuses.
	u, _ = s.AuthorizeURL(ctx, "acme")
	state, _ = f.authorize(t, u, "u-alice")
	if _, err := s.Complete(ctx, state, "forged"); !errors.Is(err, ErrCodeRejected) {
		t.Fatalf("forged code: %v", err)
	}
	if len(repo.conns) != 0 {
		t.Fatalf("stored %+v", repo.conns)
	}
}

// An expired access token is refreshed once; the rotated refresh token is
// stored (the old one is dead at Zoom) and used for the next refresh.
func TestRefreshRotationIsStored(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()
	connect(t, s, f, "u-alice")
	link, err := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "bot/acme/111", true, t0.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	secret := secretOf(t, link)

	if _, err := s.MintJoinToken(ctx, secret); err != nil || f.refreshCalls.Load() != 0 {
		t.Fatalf("a fresh token needs no refresh: %v, %d refreshes", err, f.refreshCalls.Load())
	}
	for i := 1; i <= 2; i++ {
		old := repo.conns[key("acme", "u-alice")]
		clk.Advance(time.Hour)
		tok, err := s.MintJoinToken(ctx, secret)
		if err != nil || !strings.HasPrefix(tok, "jt-111-") {
			t.Fatalf("round %d: %q %v", i, tok, err)
		}
		now := repo.conns[key("acme", "u-alice")]
		if f.refreshCalls.Load() != int32(i) || now.RefreshCount != i || now.RefreshToken == old.RefreshToken ||
			!f.liveRefreshToken(now.RefreshToken) || f.liveRefreshToken(old.RefreshToken) || !now.RefreshedAt.Equal(clk.Now()) {
			t.Fatalf("round %d: refreshes %d, row %+v", i, f.refreshCalls.Load(), now)
		}
	}
	if q := f.jointokens[0]; q.Get("bypass_waiting_room") != "true" {
		t.Fatalf("join token query %v", q)
	}
}

// invalid_grant kills the connection: the error is a *DeadConnectionError
// that tells the operator what to do, the row is marked, and Zoom is not
// asked again.
func TestInvalidGrantMarksTheConnectionDead(t *testing.T) {
	for _, code := range []string{"invalid_grant"} {
		t.Run(code, func(t *testing.T) {
			f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
			s := newTestService(t, f, repo, clk)
			ctx := context.Background()
			connect(t, s, f, "u-alice")
			link, _ := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, t0.Add(48*time.Hour))
			f.refreshErr = func() (int, string) { return 400, `{"reason":"Invalid Token!","error":"` + code + `"}` }
			clk.Advance(2 * time.Hour)

			_, err := s.MintJoinToken(ctx, secretOf(t, link))
			var dead *DeadConnectionError
			if !errors.As(err, &dead) || dead.TenantID != "acme" || dead.ZoomUserID != "u-alice" || !strings.Contains(dead.Reason, code) {
				t.Fatalf("err %v", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "starter host connect --tenant acme") || !strings.Contains(msg, "Invalid Token!") {
				t.Fatalf("message %q", msg)
			}
			row := repo.conns[key("acme", "u-alice")]
			if row.Status != "dead" || !strings.Contains(row.DeadReason, code) {
				t.Fatalf("row %+v", row)
			}
			calls := f.refreshCalls.Load()
			if _, err := s.MintJoinToken(ctx, secretOf(t, link)); !errors.As(err, &dead) || f.refreshCalls.Load() != calls {
				t.Fatalf("a dead connection is not refreshed again: %v", err)
			}
			if _, err := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, t0.Add(48*time.Hour)); !errors.As(err, &dead) {
				t.Fatalf("no new links for a dead connection: %v", err)
			}
			if hc, err := s.HostConnection(ctx, "acme", "111"); hc != nil || err != nil {
				t.Fatalf("a dead connection hosts nothing: %+v %v", hc, err)
			}
			// Reconnecting brings it back.
			f.refreshErr = nil
			if c := connect(t, s, f, "u-alice"); c.Status != "active" || repo.conns[key("acme", "u-alice")].DeadReason != "" {
				t.Fatalf("reconnected %+v", c)
			}
			if _, err := s.MintJoinToken(ctx, secretOf(t, link)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A 5xx or a network failure at the token endpoint is transient: the caller
// retries, the connection stays active.
func TestTransientRefreshFailureKeepsTheConnection(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()
	connect(t, s, f, "u-alice")
	link, _ := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, t0.Add(48*time.Hour))
	clk.Advance(2 * time.Hour)
	f.refreshErr = func() (int, string) { return 503, `{"error":"server_error"}` }
	_, err := s.MintJoinToken(ctx, secretOf(t, link))
	var dead *DeadConnectionError
	if err == nil || errors.As(err, &dead) || repo.conns[key("acme", "u-alice")].Status != "active" {
		t.Fatalf("err %v, row %+v", err, repo.conns[key("acme", "u-alice")])
	}
	f.refreshErr = nil
	if _, err := s.MintJoinToken(ctx, secretOf(t, link)); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
}

// A 401 although the token has not expired: one refresh, one more try.
func TestUnauthorizedWithAFreshTokenRefreshesOnce(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()
	connect(t, s, f, "u-alice")
	link, _ := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, t0.Add(48*time.Hour))

	f.revokeAccess("u-alice")
	if tok, err := s.MintJoinToken(ctx, secretOf(t, link)); err != nil || tok == "" || f.refreshCalls.Load() != 1 {
		t.Fatalf("%q %v, %d refreshes", tok, err, f.refreshCalls.Load())
	}
	// Zoom keeps refusing: exactly one more refresh, then the error.
	f.apiHook = func(string) bool { return false }
	_, err := s.MintJoinToken(ctx, secretOf(t, link))
	var dead *DeadConnectionError
	if err == nil || errors.As(err, &dead) || errors.Is(err, ErrNotHost) || f.refreshCalls.Load() != 2 {
		t.Fatalf("err %v, %d refreshes", err, f.refreshCalls.Load())
	}
}

func TestHostConnectionFindsTheMeetingsHost(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()
	if c, err := s.HostConnection(ctx, "acme", "111"); c != nil || err != nil {
		t.Fatalf("nobody connected: %+v %v", c, err)
	}
	connect(t, s, f, "u-alice")
	connect(t, s, f, "u-bob")
	if c, err := s.HostConnection(ctx, "acme", "222"); err != nil || c == nil || c.ZoomUserID != "u-bob" {
		t.Fatalf("bob's meeting: %+v %v", c, err)
	}
	if c, err := s.HostConnection(ctx, "acme", "111"); err != nil || c == nil || c.ZoomUserID != "u-alice" {
		t.Fatalf("alice's meeting: %+v %v", c, err)
	}
	if c, err := s.HostConnection(ctx, "acme", "999"); c != nil || err != nil {
		t.Fatalf("external meeting: %+v %v", c, err)
	}
	// Alice's connection cannot ask (Zoom 502): bob's meeting is still
	// found, but "nobody" is not concluded for an external one.
	f.meetingErr["u-alice"] = 502
	if c, err := s.HostConnection(ctx, "acme", "222"); err != nil || c == nil || c.ZoomUserID != "u-bob" {
		t.Fatalf("bob's meeting with alice failing: %+v %v", c, err)
	}
	if c, err := s.HostConnection(ctx, "acme", "999"); c != nil || err == nil {
		t.Fatalf("undecided must be an error: %+v %v", c, err)
	}
}

func TestJoinLinks(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()
	connect(t, s, f, "u-alice")

	if _, err := s.IssueJoinTokenURL(ctx, "acme", "111", "u-bob", "", false, t0.Add(time.Hour)); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("unconnected host: %v", err)
	}
	if _, err := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, t0); err == nil {
		t.Fatal("a link that is already expired")
	}
	link, err := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "bot/acme/111", false, t0.Add(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	secret := secretOf(t, link)
	if !strings.HasPrefix(link, "https://mv.example/bot/join-token?secret=") || len(secret) != 43 {
		t.Fatalf("link %s", link)
	}
	sum := sha256.Sum256([]byte(secret))
	l, ok := repo.links[hex.EncodeToString(sum[:])]
	if !ok || l.MeetingID != "111" || l.ZoomUserID != "u-alice" || l.WorkflowID != "bot/acme/111" {
		t.Fatalf("stored link %+v", repo.links)
	}

	tok1, err := s.MintJoinToken(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	tok2, err := s.MintJoinToken(ctx, secret)
	if err != nil || tok2 == tok1 {
		t.Fatalf("each fetch mints a fresh token: %q %q %v", tok1, tok2, err)
	}
	if _, err := s.MintJoinToken(ctx, secret+"x"); !errors.Is(err, ErrUnknownLink) {
		t.Fatalf("unknown secret: %v", err)
	}
	if _, err := s.MintJoinToken(ctx, ""); !errors.Is(err, ErrUnknownLink) {
		t.Fatalf("no secret: %v", err)
	}
	calls := len(f.jointokens)
	clk.Advance(30 * time.Minute)
	if tok, err := s.MintJoinToken(ctx, secret); !errors.Is(err, ErrLinkExpired) || tok != "" {
		t.Fatalf("expired link: %q %v", tok, err)
	}
	if len(f.jointokens) != calls {
		t.Fatal("an expired link reached Zoom")
	}

	// A link for a meeting the host does not host: Zoom refuses.
	other, _ := s.IssueJoinTokenURL(ctx, "acme", "222", "u-alice", "", false, clk.Now().Add(time.Hour))
	if _, err := s.MintJoinToken(ctx, secretOf(t, other)); !errors.Is(err, ErrNotHost) {
		t.Fatalf("not the host: %v", err)
	}
}

// Two services (two processes) on one store refresh an expired token at
// once: Zoom sees one refresh, both get a token, nobody presents the rotated
// refresh token. (The Postgres version is in integration_test.go.)
func TestConcurrentRefreshOnSharedStoreRefreshesOnce(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s1, s2 := newTestService(t, f, repo, clk), newTestService(t, f, repo, clk)
	ctx := context.Background()
	connect(t, s1, f, "u-alice")
	link, _ := s1.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, t0.Add(48*time.Hour))
	clk.Advance(2 * time.Hour)
	f.refreshDelay = 50 * time.Millisecond
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		s := s1
		if i%2 == 1 {
			s = s2
		}
		wg.Go(func() { _, errs[i] = s.MintJoinToken(ctx, secretOf(t, link)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
	}
	if n := f.refreshCalls.Load(); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	if row := repo.conns[key("acme", "u-alice")]; row.Status != store.HostConnectionActive || row.RefreshCount != 1 {
		t.Fatalf("row %+v", row)
	}
}

// invalid_client is the app's own credentials being wrong: an app
// configuration error naming the variables to fix; no connection is marked
// dead, and once the credentials work the same connection mints again.
func TestInvalidClientIsAnAppConfigurationErrorNotADeadConnection(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	s := newTestService(t, f, repo, clk)
	ctx := context.Background()
	connect(t, s, f, "u-alice")
	connect(t, s, f, "u-bob")
	link, _ := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, t0.Add(48*time.Hour))
	f.refreshErr = func() (int, string) {
		return 401, `{"reason":"Invalid client_id or client_secret","error":"invalid_client"}`
	}
	clk.Advance(2 * time.Hour)

	_, err := s.MintJoinToken(ctx, secretOf(t, link))
	var appErr *AppConfigError
	var dead *DeadConnectionError
	if !errors.As(err, &appErr) || errors.As(err, &dead) {
		t.Fatalf("err %v (%T), want *AppConfigError", err, err)
	}
	for _, want := range []string{"MEETVAULT_ZOOM_USER_CLIENT_ID", "MEETVAULT_ZOOM_USER_CLIENT_SECRET", "Invalid client_id"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("message %q lacks %q", err, want)
		}
	}
	if _, err := s.HostConnection(ctx, "acme", "111"); !errors.As(err, &appErr) {
		t.Fatalf("HostConnection must surface the app error, not conclude 'nobody hosts it': %v", err)
	}
	for _, u := range []string{"u-alice", "u-bob"} {
		if row := repo.conns[key("acme", u)]; row.Status != "active" || row.DeadReason != "" {
			t.Fatalf("%s marked %q (%s) for the app's fault", u, row.Status, row.DeadReason)
		}
	}
	f.refreshErr = nil
	if _, err := s.MintJoinToken(ctx, secretOf(t, link)); err != nil {
		t.Fatalf("with the credentials fixed the connection works again: %v", err)
	}
}

// A code exchange Zoom refuses with invalid_client is the app's
// configuration, not a bad link.
func TestCompleteWithWrongAppCredentialsIsAnAppConfigError(t *testing.T) {
	f, repo, clk := newFakeZoom(t), newMemRepo(), &clock{t: t0}
	cfg := testConfig(f, clk)
	cfg.ClientSecret = "wrong"
	s, err := newService(cfg, repo)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, err := s.AuthorizeURL(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	state, code := f.authorize(t, u, "u-alice")
	_, err = s.Complete(ctx, state, code)
	var appErr *AppConfigError
	if !errors.As(err, &appErr) || errors.Is(err, ErrCodeRejected) {
		t.Fatalf("err %v, want *AppConfigError", err)
	}
	if len(repo.conns) != 0 {
		t.Fatal("nothing may be stored")
	}
}
