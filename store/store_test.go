package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/meetvault/meetvault/bench/benchkit"
)

// freshDatabase creates an empty database on the embedded stack's Postgres.
func freshDatabase(t *testing.T) string {
	if os.Getenv("MEETVAULT_INTEGRATION") != "1" || os.Getenv("MEETVAULT_DATABASE_URL") == "" {
		t.Skip("needs the embedded stack's Postgres: run make test")
	}
	url, drop, err := benchkit.Database(context.Background(), fmt.Sprintf("store_test_%d", time.Now().UnixNano()%1e9))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return url
}

// Several processes starting at once on a fresh database: the migrations
// are applied once, without a conflict.
func TestConcurrentMigrationsOnAFreshDatabase(t *testing.T) {
	url := freshDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := Open(ctx, url, nil)
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			errs[i] = st.Migrate(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrator %d: %v", i, err)
		}
	}
}

// Bots map to the workflow they report to; a bot meetvault did not create is
// unknown, not an error. Tenant secrets are sealed and come back unsealed.
func TestBotsAndSealedTenantSecrets(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, freshDatabase(t), make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertTenant(ctx, Tenant{ID: "acme", Name: "Acme", ZoomAccountID: "A", ZoomClientID: "C",
		ZoomClientSecret: "s3cret", WebhookSecretToken: "hook"}); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := st.Pool().QueryRow(ctx, `SELECT zoom_client_secret_sealed FROM tenants`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("s3cret")) {
		t.Fatal("client secret stored in clear")
	}
	tn, err := st.Tenant(ctx, "acme")
	if err != nil || tn.ZoomClientSecret != "s3cret" || tn.WebhookSecretToken != "hook" {
		t.Fatalf("tenant %+v, %v", tn, err)
	}
	if err := st.RegisterBot(ctx, "bot-1", "acme", "bot/acme/m1"); err != nil {
		t.Fatal(err)
	}
	if wid, ok, err := st.BotWorkflow(ctx, "bot-1"); err != nil || !ok || wid != "bot/acme/m1" {
		t.Fatalf("bot-1: %q %v %v", wid, ok, err)
	}
	if _, ok, err := st.BotWorkflow(ctx, "bot-x"); err != nil || ok {
		t.Fatalf("unknown bot: %v %v", ok, err)
	}
}
