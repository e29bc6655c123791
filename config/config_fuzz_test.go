package config

import (
	"strings"
	"testing"
)

// FuzzLoad sets arbitrary values on the variables most often mistyped.
// Properties: no panic; a configuration that loads is usable (the checks
// Load promises hold); a refusal names a MEETVAULT_ variable and never
// repeats the secret key's value.
func FuzzLoad(f *testing.F) {
	good := "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	f.Add(good, "16", "business", "50", "5m", "32", "false", "info")
	f.Add(good, "4", "pro", "0", "-1s", "x", "maybe", "loud")
	f.Add("c2hvcnQ=", "16", "enterprise", "1e309", "5", "-3", "1", "debug")
	f.Add("", "", "", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, secret, partSize, plan, queueRate, skew, downloads, pathStyle, logLevel string) {
		t.Setenv(Prefix+"_DATABASE_URL", "postgres://meetvault@127.0.0.1:55432/meetvault")
		t.Setenv(Prefix+"_S3_BUCKET", "meetvault")
		for name, v := range map[string]string{
			"SECRET_KEY": secret, "S3_PART_SIZE_MIB": partSize, "ZOOM_PLAN": plan, "ZOOM_QUEUE_RATE": queueRate,
			"WEBHOOK_MAX_SKEW": skew, "MAX_CONCURRENT_DOWNLOADS": downloads, "S3_PATH_STYLE": pathStyle, "LOG_LEVEL": logLevel,
		} {
			if strings.ContainsRune(v, 0) {
				return // no environment can hold a NUL
			}
			t.Setenv(Prefix+"_"+name, v)
		}
		c, err := Load()
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, Prefix+"_") {
				t.Fatalf("refusal names no variable: %v", err)
			}
			if len(secret) >= 8 && strings.Contains(msg, secret) {
				t.Fatalf("refusal repeats MEETVAULT_SECRET_KEY: %v", err)
			}
			return
		}
		if _, err := c.SecretKeyBytes(); err != nil {
			t.Fatalf("loaded with an unusable secret key: %v", err)
		}
		if c.S3.PartSizeMiB < 5 || c.Zoom.QueueRate <= 0 || (c.Zoom.Plan != "business" && c.Zoom.Plan != "pro") {
			t.Fatalf("loaded a configuration Load should refuse: %+v %+v", c.S3, c.Zoom)
		}
	})
}
