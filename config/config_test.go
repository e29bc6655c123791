package config

import (
	"encoding/base64"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/meetvault/meetvault/netguard"
)

// setenv clears every MEETVAULT_ variable (the dev stack's .dev/env may be
// loaded) and sets kv, restoring the environment when the test ends.
func setenv(t *testing.T, kv map[string]string) {
	for _, e := range os.Environ() {
		if k, _, _ := strings.Cut(e, "="); strings.HasPrefix(k, Prefix+"_") {
			t.Setenv(k, "")
			if err := os.Unsetenv(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	for k, v := range kv {
		t.Setenv(k, v)
	}
}

func TestLoadReadsEveryPlainlyPrefixedVariable(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	setenv(t, map[string]string{
		"MEETVAULT_DATABASE_URL":     "postgres://u@h:1/db",
		"MEETVAULT_S3_BUCKET":        "b",
		"MEETVAULT_S3_SECRET_KEY":    "s3secret",
		"MEETVAULT_SECRET_KEY":       key,
		"MEETVAULT_TEMPORAL_ADDRESS": "t:1",
		"MEETVAULT_TASK_QUEUE":       "q",
		"MEETVAULT_ZOOM_API_URL":     "http://sim/v2",
		"MEETVAULT_SHUTDOWN_GRACE":   "5s",
		"MEETVAULT_S3_PART_SIZE_MIB": "8",
		"MEETVAULT_INGRESS_ADDR":     "127.0.0.1:1",
	})
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]any{
		"database": {c.Database.URL, "postgres://u@h:1/db"},
		"bucket":   {c.S3.Bucket, "b"},
		"s3 key":   {c.S3.SecretKey, "s3secret"},
		"seal key": {c.SecretKey, key},
		"temporal": {c.Temporal.Address, "t:1"},
		"queue":    {c.Temporal.TaskQueue, "q"},
		"zoom":     {c.Zoom.APIURL, "http://sim/v2"},
		"oauth":    {c.Zoom.OAuthURL, "https://zoom.us"},
		"grace":    {c.Worker.ShutdownGrace, 5 * time.Second},
		"part":     {c.S3.PartSizeMiB, int64(8)},
		"ingress":  {c.Worker.IngressAddr, "127.0.0.1:1"},
	}
	for name, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s: got %v, want %v", name, v[0], v[1])
		}
	}
}

func TestLoadRejectsBadConfiguration(t *testing.T) {
	base := map[string]string{
		"MEETVAULT_DATABASE_URL": "postgres://u@h:1/db",
		"MEETVAULT_S3_BUCKET":    "b",
		"MEETVAULT_SECRET_KEY":   base64.StdEncoding.EncodeToString(make([]byte, 32)),
	}
	cases := map[string]struct {
		k, v, want string
	}{
		"short seal key": {"MEETVAULT_SECRET_KEY", "c2hvcnQ=", "exactly 32 bytes"},
		"tiny parts":     {"MEETVAULT_S3_PART_SIZE_MIB", "1", "5 MiB"},
		"missing db":     {"MEETVAULT_DATABASE_URL", "", "DATABASE_URL"},
		"bad duration":   {"MEETVAULT_SHUTDOWN_GRACE", "soon", "SHUTDOWN_GRACE"},
		"bad host entry": {"MEETVAULT_DOWNLOAD_ALLOWED_HOSTS", "zoom.us,ftp://files.example", "MEETVAULT_DOWNLOAD_ALLOWED_HOSTS"},
		"no hosts":       {"MEETVAULT_DOWNLOAD_ALLOWED_HOSTS", " ", "MEETVAULT_DOWNLOAD_ALLOWED_HOSTS is empty"},
		"bad tenant map": {"MEETVAULT_TENANT_DOWNLOAD_ALLOWED_HOSTS", "acme", "MEETVAULT_TENANT_DOWNLOAD_ALLOWED_HOSTS"},
		"tenant twice":   {"MEETVAULT_TENANT_DOWNLOAD_ALLOWED_HOSTS", "a=zoom.us;a=x.example", "listed twice"},
		"bad media host": {"MEETVAULT_BOT_MEDIA_ALLOWED_HOSTS", "*.com", "MEETVAULT_BOT_MEDIA_ALLOWED_HOSTS"},
		"zero cap":       {"MEETVAULT_DOWNLOAD_MAX_UNKNOWN_SIZE_MIB", "0", "MEETVAULT_DOWNLOAD_MAX_UNKNOWN_SIZE_MIB"},
		"bad number":     {"MEETVAULT_MAX_CONCURRENT_DOWNLOADS", "lots", `config: MEETVAULT_MAX_CONCURRENT_DOWNLOADS="lots" is not a valid int`},
		"no downloads":   {"MEETVAULT_MAX_CONCURRENT_DOWNLOADS", "0", "MEETVAULT_MAX_CONCURRENT_DOWNLOADS=0 must be at least 1"},
		"api url":        {"MEETVAULT_ZOOM_API_URL", "api.zoom.us/v2", "MEETVAULT_ZOOM_API_URL"},
		"db url":         {"MEETVAULT_DATABASE_URL", "mysql://x", "MEETVAULT_DATABASE_URL"},
		"temporal addr":  {"MEETVAULT_TEMPORAL_ADDRESS", "localhost", "MEETVAULT_TEMPORAL_ADDRESS"},
		"bot key":        {"MEETVAULT_BOT_API_URL", "https://us-east-1.recall.ai", "MEETVAULT_BOT_API_KEY is empty"},
		"user app":       {"MEETVAULT_ZOOM_USER_CLIENT_ID", "x", "MEETVAULT_ZOOM_USER_CLIENT_SECRET"},
		"log level":      {"MEETVAULT_LOG_LEVEL", "loud", "MEETVAULT_LOG_LEVEL"},
		"skew":           {"MEETVAULT_WEBHOOK_MAX_SKEW", "0s", "MEETVAULT_WEBHOOK_MAX_SKEW"},
		"short token":    {"MEETVAULT_OPS_TOKEN", "abc", "MEETVAULT_OPS_TOKEN"},
		"ops addr":       {"MEETVAULT_OPS_ADDR", "127.0.0.1:8088", "MEETVAULT_OPS_ADDR"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			setenv(t, base)
			t.Setenv(tc.k, tc.v)
			_, err := Load()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
}

func TestEgressDefaultsAreZoomsHostsOnly(t *testing.T) {
	setenv(t, map[string]string{
		"MEETVAULT_DATABASE_URL":                  "postgres://u@h:1/db",
		"MEETVAULT_S3_BUCKET":                     "b",
		"MEETVAULT_SECRET_KEY":                    base64.StdEncoding.EncodeToString(make([]byte, 32)),
		"MEETVAULT_BOT_API_URL":                   "https://us-east-1.recall.ai",
		"MEETVAULT_BOT_API_KEY":                   "k",
		"MEETVAULT_TENANT_DOWNLOAD_ALLOWED_HOSTS": "acme=zoom.us,http://files.acme.example:8080; beta=*.zoom.us",
	})
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.ParseEgress()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Downloads.String(); got != netguard.DefaultZoomHosts {
		t.Errorf("default downloads %q, want %q", got, netguard.DefaultZoomHosts)
	}
	if got := p.ZoomTokenHosts.String(); got != netguard.DefaultZoomHosts {
		t.Errorf("default token hosts %q", got)
	}
	u, _ := url.Parse("https://us-east-1.recall.ai/media/x")
	if !p.BotMedia.Allows(u) {
		t.Error("bot media does not allow the provider's own host")
	}
	if len(p.TenantDownloads) != 2 || p.TenantDownloads["acme"].String() != "zoom.us,http://files.acme.example:8080" {
		t.Errorf("tenant lists %v", p.TenantDownloads)
	}
	if p.MaxUnknownBytes != 16<<30 {
		t.Errorf("cap %d", p.MaxUnknownBytes)
	}
}
