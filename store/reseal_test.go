package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A key rotation end to end on Postgres: values sealed with the old key (and
// one in the format before key ids) open while both keys are configured;
// Reseal rewrites every sealed column under the new key and strips tokens
// from stored webhook bodies; afterwards the new key alone opens everything,
// and a second Reseal changes nothing.
func TestResealRotatesEverySealedColumn(t *testing.T) {
	ctx := context.Background()
	url := freshDatabase(t)
	oldKey, newKey := randomKey(t), randomKey(t)

	before, err := Open(ctx, url, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	defer before.Close()
	if err := before.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(before.UpsertTenant(ctx, Tenant{ID: "acme", Name: "Acme", ZoomAccountID: "A1", ZoomClientID: "cid",
		ZoomClientSecret: "client-secret-1", WebhookSecretToken: "webhook-secret-1"}))
	must(before.UpsertTenant(ctx, Tenant{ID: "beta", Name: "Beta", ZoomAccountID: "B1", ZoomClientID: "cid2",
		ZoomClientSecret: "client-secret-2"}))
	must(before.SaveDownloadToken(ctx, "acme", "uuid-1", "download-token-1", now.Add(time.Hour)))
	must(before.SaveHostConnection(ctx, HostConnection{TenantID: "acme", ZoomUserID: "u1", Email: "h@acme.test",
		AccessToken: "access-1", RefreshToken: "refresh-1", AccessExpiresAt: now.Add(time.Hour), ConnectedAt: now, RefreshedAt: now}))
	must(before.SaveHostOAuthState(ctx, HostOAuthState{StateSHA256: []byte{1, 2, 3}, TenantID: "acme", Verifier: "verifier-1",
		ExpiresAt: now.Add(10 * time.Minute)}, now))
	// beta's secret in the format before key ids.
	_, err = before.Pool().Exec(ctx, `UPDATE tenants SET zoom_client_secret_sealed = $1 WHERE id = 'beta'`,
		legacySeal(t, oldKey, "client-secret-2", "client:beta"))
	must(err)
	// A webhook body stored before bodies were stripped.
	_, err = before.Pool().Exec(ctx, `INSERT INTO webhook_events (tenant_id, event, payload) VALUES ('acme', 'recording.deleted', $1)`,
		`{"event":"recording.deleted","download_token":"old-download-token","payload":{"object":{"topic":"t"}}}`)
	must(err)
	must(before.NoteEvent(ctx, "acme", "recording.trashed", "uuid-1", now, []byte(`{"download_token":"fresh-token","payload":{}}`)))

	// Rotated: the new key seals, the old one still opens.
	rotated, err := Open(ctx, url, newKey, oldKey)
	must(err)
	defer rotated.Close()
	pending, err := rotated.SealedWithOtherKeys(ctx)
	must(err)
	if pending != 7 {
		t.Fatalf("values under the old key = %d, want 7 (2 tenants' client secrets, 1 webhook secret, download token, access, refresh, verifier)", pending)
	}
	if tn, err := rotated.Tenant(ctx, "beta"); err != nil || tn.ZoomClientSecret != "client-secret-2" {
		t.Fatalf("legacy value before reseal: %q, %v", tn.ZoomClientSecret, err)
	}
	rep, err := rotated.Reseal(ctx)
	must(err)
	resealed, failed := 0, 0
	for _, c := range rep.Columns {
		resealed += c.Resealed
		failed += c.Failed
	}
	if resealed != 7 || failed != 0 || rep.KeyID != SealKeyID(newKey) {
		t.Fatalf("reseal report %+v: want 7 resealed, 0 failed, key %s", rep, SealKeyID(newKey))
	}
	if rep.WebhookEventsRedacted != 1 {
		t.Fatalf("webhook events redacted = %d, want 1 (the body stored before stripping)", rep.WebhookEventsRedacted)
	}
	again, err := rotated.Reseal(ctx)
	must(err)
	for _, c := range again.Columns {
		if c.Resealed != 0 {
			t.Fatalf("a second reseal rewrote %s", c.Column)
		}
	}

	// The old key can go: the new key alone opens every value.
	after, err := Open(ctx, url, newKey)
	must(err)
	defer after.Close()
	if n, err := after.SealedWithOtherKeys(ctx); err != nil || n != 0 {
		t.Fatalf("after reseal %d values still need the old key (%v)", n, err)
	}
	a, err := after.Tenant(ctx, "acme")
	must(err)
	b, err := after.Tenant(ctx, "beta")
	must(err)
	if a.ZoomClientSecret != "client-secret-1" || a.WebhookSecretToken != "webhook-secret-1" || b.ZoomClientSecret != "client-secret-2" {
		t.Fatalf("tenants after reseal: %+v %+v", a, b)
	}
	if tok, err := after.DownloadToken(ctx, "acme", "uuid-1", now); err != nil || tok != "download-token-1" {
		t.Fatalf("download token after reseal: %q, %v", tok, err)
	}
	hc, err := after.HostConnection(ctx, "acme", "u1")
	must(err)
	if hc.AccessToken != "access-1" || hc.RefreshToken != "refresh-1" {
		t.Fatalf("host connection after reseal: %+v", hc)
	}
	st, err := after.TakeHostOAuthState(ctx, []byte{1, 2, 3})
	must(err)
	if st.Verifier != "verifier-1" {
		t.Fatalf("verifier after reseal: %q", st.Verifier)
	}
	rows, err := after.Pool().Query(ctx, `SELECT payload::text FROM webhook_events`)
	must(err)
	defer rows.Close()
	for rows.Next() {
		var p string
		must(rows.Scan(&p))
		if strings.Contains(p, "old-download-token") || strings.Contains(p, "fresh-token") {
			t.Fatalf("webhook_events keeps a token: %s", p)
		}
	}
}
