package config

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"
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
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			setenv(t, base)
			t.Setenv(tc.k, tc.v)
			_, err := Load()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}
