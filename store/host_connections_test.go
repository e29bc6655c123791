package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"testing"
	"time"
)

func hostStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, freshDatabase(t), make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertTenant(ctx, Tenant{ID: "acme", Name: "Acme", ZoomAccountID: "A", ZoomClientID: "C", ZoomClientSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	return st
}

// Tokens are sealed at rest and come back unsealed; the listing carries no
// tokens; a locked refresh stores the rotated pair; a dead mark is kept even
// when the caller returns an error; reconnecting revives the connection.
func TestHostConnectionsSealLockAndRevive(t *testing.T) {
	st := hostStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	on := true
	c := HostConnection{TenantID: "acme", ZoomUserID: "u1", ZoomAccountID: "A", Email: "a@acme.example", Scope: "meeting:read",
		AccessToken: "acc-secret-1", RefreshToken: "ref-secret-1", AccessExpiresAt: now.Add(time.Hour), LocalRecording: &on, ConnectedAt: now}
	if err := st.SaveHostConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	var access, refresh []byte
	if err := st.Pool().QueryRow(ctx, `SELECT access_token_sealed, refresh_token_sealed FROM host_connections`).Scan(&access, &refresh); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(access, []byte("acc-secret")) || bytes.Contains(refresh, []byte("ref-secret")) {
		t.Fatal("tokens stored in clear")
	}
	got, err := st.HostConnection(ctx, "acme", "u1")
	if err != nil || got.AccessToken != "acc-secret-1" || got.RefreshToken != "ref-secret-1" || got.Status != HostConnectionActive ||
		got.LocalRecording == nil || !*got.LocalRecording || !got.AccessExpiresAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("connection %+v, %v", got, err)
	}
	if _, err := st.HostConnection(ctx, "acme", "u2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown connection: %v", err)
	}

	err = st.LockHostConnection(ctx, "acme", "u1", func(ctx context.Context, c HostConnection, w HostConnectionWriter) error {
		if c.RefreshToken != "ref-secret-1" {
			t.Errorf("locked row %+v", c)
		}
		return w.SaveTokens(ctx, HostTokens{AccessToken: "acc-secret-2", RefreshToken: "ref-secret-2", Expiry: now.Add(2 * time.Hour), RefreshedAt: now.Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = st.HostConnection(ctx, "acme", "u1")
	if got.RefreshToken != "ref-secret-2" || got.RefreshCount != 1 || got.Scope != "meeting:read" || !got.RefreshedAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("after refresh %+v", got)
	}

	boom := errors.New("token endpoint said invalid_grant")
	err = st.LockHostConnection(ctx, "acme", "u1", func(ctx context.Context, c HostConnection, w HostConnectionWriter) error {
		if err := w.MarkDead(ctx, "invalid_grant: Invalid Token!"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("fn's error is returned: %v", err)
	}
	list, err := st.HostConnections(ctx, "acme")
	if err != nil || len(list) != 1 || list[0].Status != HostConnectionDead || list[0].DeadReason != "invalid_grant: Invalid Token!" ||
		list[0].AccessToken != "" || list[0].RefreshToken != "" {
		t.Fatalf("listing %+v, %v", list, err)
	}

	c.AccessToken, c.RefreshToken, c.ConnectedAt = "acc-secret-3", "ref-secret-3", now.Add(3*time.Hour)
	if err := st.SaveHostConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, _ = st.HostConnection(ctx, "acme", "u1")
	if got.Status != HostConnectionActive || got.DeadReason != "" || got.RefreshCount != 0 || got.RefreshToken != "ref-secret-3" {
		t.Fatalf("reconnected %+v", got)
	}
	if err := st.LockHostConnection(ctx, "acme", "nobody", func(context.Context, HostConnection, HostConnectionWriter) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("locking an unknown connection: %v", err)
	}
}

// A second locker waits until the first commits, then sees its writes.
func TestLockHostConnectionSerialises(t *testing.T) {
	st := hostStore(t)
	ctx := context.Background()
	now := time.Now()
	if err := st.SaveHostConnection(ctx, HostConnection{TenantID: "acme", ZoomUserID: "u1", AccessToken: "a0", RefreshToken: "r0",
		AccessExpiresAt: now, ConnectedAt: now}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	seen := make(chan string, 2)
	for i := range 2 {
		wg.Go(func() {
			err := st.LockHostConnection(ctx, "acme", "u1", func(ctx context.Context, c HostConnection, w HostConnectionWriter) error {
				seen <- c.RefreshToken
				time.Sleep(100 * time.Millisecond)
				return w.SaveTokens(ctx, HostTokens{AccessToken: "a", RefreshToken: c.RefreshToken + "+", Expiry: now, RefreshedAt: now})
			})
			if err != nil {
				t.Errorf("locker %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	close(seen)
	var got []string
	for s := range seen {
		got = append(got, s)
	}
	if len(got) != 2 || got[0] != "r0" || got[1] != "r0+" {
		t.Fatalf("lockers saw %v: the second must see the first's rotation", got)
	}
	if c, _ := st.HostConnection(ctx, "acme", "u1"); c.RefreshToken != "r0++" || c.RefreshCount != 2 {
		t.Fatalf("final %+v", c)
	}
}

func TestOAuthStatesAndJoinLinks(t *testing.T) {
	st := hostStore(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	h := sha256.Sum256([]byte("state-1"))
	if err := st.SaveHostOAuthState(ctx, HostOAuthState{StateSHA256: h[:], TenantID: "acme", Verifier: "verifier-secret", ExpiresAt: now.Add(10 * time.Minute)}, now); err != nil {
		t.Fatal(err)
	}
	var sealed []byte
	if err := st.Pool().QueryRow(ctx, `SELECT verifier_sealed FROM host_oauth_states`).Scan(&sealed); err != nil || bytes.Contains(sealed, []byte("verifier-secret")) {
		t.Fatalf("verifier in clear or missing: %v", err)
	}
	got, err := st.TakeHostOAuthState(ctx, h[:])
	if err != nil || got.TenantID != "acme" || got.Verifier != "verifier-secret" || !got.ExpiresAt.Equal(now.Add(10*time.Minute)) {
		t.Fatalf("state %+v, %v", got, err)
	}
	if _, err := st.TakeHostOAuthState(ctx, h[:]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a state is taken once: %v", err)
	}
	// Expired states are purged when new ones are saved.
	old := sha256.Sum256([]byte("state-old"))
	_ = st.SaveHostOAuthState(ctx, HostOAuthState{StateSHA256: old[:], TenantID: "acme", Verifier: "v", ExpiresAt: now.Add(-time.Minute)}, now.Add(-time.Hour))
	_ = st.SaveHostOAuthState(ctx, HostOAuthState{StateSHA256: h[:], TenantID: "acme", Verifier: "v", ExpiresAt: now.Add(10 * time.Minute)}, now)
	if _, err := st.TakeHostOAuthState(ctx, old[:]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired state not purged: %v", err)
	}

	s := sha256.Sum256([]byte("link-secret"))
	if err := st.SaveJoinLink(ctx, JoinLink{SecretSHA256: s[:], TenantID: "acme", MeetingID: "111", ZoomUserID: "u1", WorkflowID: "bot/acme/111",
		BypassWaitingRoom: true, ExpiresAt: now.Add(time.Hour), CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		l, err := st.UseJoinLink(ctx, s[:], now)
		if err != nil || l.MeetingID != "111" || l.ZoomUserID != "u1" || !l.BypassWaitingRoom || l.Uses != i || !l.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Fatalf("use %d: %+v, %v", i, l, err)
		}
	}
	if l, _ := st.UseJoinLink(ctx, s[:], now); l.Kind != JoinLinkKindJoinToken {
		t.Fatalf("a link saved without a kind is a join-token link: %q", l.Kind)
	}
	obf := sha256.Sum256([]byte("obf-secret"))
	if err := st.SaveJoinLink(ctx, JoinLink{SecretSHA256: obf[:], Kind: JoinLinkKindOBF, TenantID: "acme", MeetingID: "111",
		ZoomUserID: "u1", ExpiresAt: now.Add(time.Hour), CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if l, err := st.UseJoinLink(ctx, obf[:], now); err != nil || l.Kind != JoinLinkKindOBF {
		t.Fatalf("obf link: %+v %v", l, err)
	}
	other := sha256.Sum256([]byte("other"))
	if _, err := st.UseJoinLink(ctx, other[:], now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown link: %v", err)
	}
}
