package hostauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/meetvault/meetvault/bench/benchkit"
	"github.com/meetvault/meetvault/store"
)

// pgStores opens n stores (n connection pools, as n processes would) on a
// fresh database of the embedded stack's Postgres, with tenant acme.
func pgStores(t *testing.T, n int) []*store.Store {
	t.Helper()
	if os.Getenv("MEETVAULT_INTEGRATION") != "1" || os.Getenv("MEETVAULT_DATABASE_URL") == "" {
		t.Skip("needs the embedded stack's Postgres: run make test (or MEETVAULT_INTEGRATION=1 with .dev/env)")
	}
	ctx := context.Background()
	url, drop, err := benchkit.Database(ctx, fmt.Sprintf("hostauth_test_%d", time.Now().UnixNano()%1e9))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	key := bytes.Repeat([]byte{7}, 32)
	var out []*store.Store
	for i := range n {
		st, err := store.Open(ctx, url, key)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		if i == 0 {
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := st.UpsertTenant(ctx, store.Tenant{ID: "acme", Name: "Acme", ZoomAccountID: testAccount, ZoomClientID: "s2s", ZoomClientSecret: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, st)
	}
	return out
}

// Two services, each on its own pool of one Postgres database, refresh an
// expired token at once from many goroutines: Zoom sees exactly one refresh
// (the row lock makes the others use the token it stored), every caller gets
// a join token, and the rotated refresh token is what is stored.
func TestIntegrationConcurrentRefreshAcrossServices(t *testing.T) {
	stores := pgStores(t, 2)
	f, clk := newFakeZoom(t), &clock{t: time.Now()}
	s1, err := New(testConfig(f, clk), stores[0])
	if err != nil {
		t.Fatal(err)
	}
	s2, err := New(testConfig(f, clk), stores[1])
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := connect(t, s1, f, "u-alice")
	if c.LocalRecording == nil || !*c.LocalRecording {
		t.Fatalf("connection %+v", c)
	}
	before, _ := stores[0].HostConnection(ctx, "acme", "u-alice")
	var raw []byte
	if err := stores[0].Pool().QueryRow(ctx, `SELECT refresh_token_sealed FROM host_connections`).Scan(&raw); err != nil || containsBytes(raw, before.RefreshToken) {
		t.Fatalf("refresh token in clear or missing: %v", err)
	}
	link, err := s2.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "bot/acme/111", true, clk.Now().Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	clk.Advance(2 * time.Hour)
	f.refreshDelay = 200 * time.Millisecond
	var wg sync.WaitGroup
	errs := make([]error, 10)
	toks := make([]string, 10)
	for i := range errs {
		s := []*Service{s1, s2}[i%2]
		wg.Go(func() { toks[i], errs[i] = s.MintJoinToken(ctx, secretOf(t, link)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil || toks[i] == "" {
			t.Fatalf("caller %d: %q %v", i, toks[i], err)
		}
	}
	if n := f.refreshCalls.Load(); n != 1 {
		t.Fatalf("%d refreshes, want exactly 1", n)
	}
	after, err := stores[1].HostConnection(ctx, "acme", "u-alice")
	if err != nil || after.Status != store.HostConnectionActive || after.RefreshCount != 1 || after.RefreshToken == before.RefreshToken ||
		!f.liveRefreshToken(after.RefreshToken) || f.liveRefreshToken(before.RefreshToken) {
		t.Fatalf("after %+v, %v", after, err)
	}
}

// invalid_grant through the Postgres store: the row is marked dead, the
// error is a *DeadConnectionError, and the listing shows the reason.
func TestIntegrationInvalidGrantMarksDead(t *testing.T) {
	stores := pgStores(t, 1)
	f, clk := newFakeZoom(t), &clock{t: time.Now()}
	s, err := New(testConfig(f, clk), stores[0])
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	connect(t, s, f, "u-alice")
	link, _ := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, clk.Now().Add(48*time.Hour))

	// Expired link: 410-worthy, Zoom never asked.
	gone, _ := s.IssueJoinTokenURL(ctx, "acme", "111", "u-alice", "", false, clk.Now().Add(time.Minute))
	clk.Advance(2 * time.Hour)
	if _, err := s.MintJoinToken(ctx, secretOf(t, gone)); !errors.Is(err, ErrLinkExpired) || f.refreshCalls.Load() != 0 {
		t.Fatalf("expired link: %v", err)
	}

	f.refreshErr = func() (int, string) { return 400, `{"reason":"Invalid Token!","error":"invalid_grant"}` }
	_, err = s.MintJoinToken(ctx, secretOf(t, link))
	var dead *DeadConnectionError
	if !errors.As(err, &dead) || dead.ZoomUserID != "u-alice" {
		t.Fatalf("err %v", err)
	}
	list, err := s.Connections(ctx, "acme")
	if err != nil || len(list) != 1 || list[0].Status != "dead" || list[0].DeadReason != "invalid_grant: Invalid Token!" {
		t.Fatalf("connections %+v %v", list, err)
	}
	if _, err := s.MintJoinToken(ctx, "no-such-secret"); !errors.Is(err, ErrUnknownLink) {
		t.Fatalf("unknown link: %v", err)
	}
}
