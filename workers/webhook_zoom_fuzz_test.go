package main

import (
	"bytes"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/meetvault/meetvault/zoom"
)

// FuzzZoomWebhook feeds arbitrary bodies and headers to both routes: the
// handler never panics, answers one of its documented statuses, and reaches
// the pipeline only with a body signed by the routed tenant's secret.
func FuzzZoomWebhook(f *testing.F) {
	f.Add(recordingCompleted("ACC-A", "u1"), "", "", true, true)
	f.Add(transcriptCompleted("ACC-A", "u1"), "", "", false, true)
	f.Add([]byte(`{"event":"endpoint.url_validation","payload":{"plainToken":"x"}}`), "", "", false, true)
	f.Add([]byte(`{"event":"recording.completed","payload":{"account_id":"ACC-G","object":{"uuid":"/a//b"}}}`), "v0=00", "1", false, false)
	f.Add([]byte(`not json`), "v0=zz", "abc", true, false)
	f.Fuzz(func(t *testing.T, body []byte, sig, ts string, tenantRoute, signWithA bool) {
		h, sink := newTestWebhooks()
		path := "/webhooks/zoom"
		if tenantRoute {
			path = "/webhooks/zoom/acme"
		}
		r := httptest.NewRequest("POST", path, bytes.NewReader(body))
		if signWithA {
			r.Header.Set("x-zm-request-timestamp", strconv.FormatInt(testNow.Unix(), 10))
			r.Header.Set("x-zm-signature", zoom.WebhookSignature("secret-a", testNow.Unix(), body))
		} else {
			r.Header.Set("x-zm-request-timestamp", ts)
			r.Header.Set("x-zm-signature", sig)
		}
		w := serve(h, r)
		switch w.Code {
		case 200, 400, 401, 403, 404, 413:
		default:
			t.Fatalf("unexpected status %d", w.Code)
		}
		for _, c := range sink.calls {
			tenant := fakeDirectory{"acme": {SecretToken: "secret-a"}, "globex": {SecretToken: "secret-g"}}[c.tenant]
			if err := zoom.VerifyWebhook(tenant.SecretToken, r.Header, body, testNow); err != nil {
				t.Fatalf("unverified delivery reached the pipeline for %s: %v", c.tenant, err)
			}
		}
	})
}
