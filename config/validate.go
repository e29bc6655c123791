package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/kelseyhightower/envconfig"
)

// Configuration errors are one line each, naming the variable and what is
// wrong with it, so a worker that cannot start says why in its first (and
// only) line of output.

// processError turns envconfig's error into that one line.
func processError(err error) error {
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("config: %s=%q is not a valid %s (%v)", pe.KeyName, pe.Value, pe.TypeName, pe.Err)
	}
	return fmt.Errorf("config: %w (see README, Configuration)", err)
}

// validate checks what envconfig cannot: URLs, addresses, ranges and
// settings that only make sense together.
func (c Config) validate() error {
	urls := []struct {
		name, value string
		optional    bool
	}{
		{"ZOOM_API_URL", c.Zoom.APIURL, false},
		{"ZOOM_OAUTH_URL", c.Zoom.OAuthURL, false},
		{"BOT_API_URL", c.Bots.BotAPIURL, true},
		{"BOT_SETTINGS_HELP_URL", c.Bots.BotSettingsHelpURL, true},
		{"PUBLIC_URL", c.HostOAuth.PublicURL, false},
		{"S3_ENDPOINT", c.S3.Endpoint, true},
	}
	for _, u := range urls {
		if u.value == "" && u.optional {
			continue
		}
		if err := checkURL(u.value); err != nil {
			return fmt.Errorf("config: %s_%s=%q %v", Prefix, u.name, u.value, err)
		}
	}
	if u, err := url.Parse(c.Database.URL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("config: %s_DATABASE_URL is not a postgres:// URL (e.g. postgres://user@host:5432/meetvault)", Prefix)
	}
	addrs := []struct{ name, value string }{
		{"TEMPORAL_ADDRESS", c.Temporal.Address}, {"INGRESS_ADDR", c.Worker.IngressAddr}, {"OPS_ADDR", c.Worker.OpsAddr},
	}
	for _, a := range addrs {
		if a.value == "" && a.name == "OPS_ADDR" {
			continue
		}
		if _, port, err := net.SplitHostPort(a.value); err != nil || port == "" {
			return fmt.Errorf("config: %s_%s=%q is not host:port", Prefix, a.name, a.value)
		}
	}
	switch {
	case c.Worker.MaxConcurrentFiles <= 0:
		return fmt.Errorf("config: %s_MAX_CONCURRENT_DOWNLOADS=%d must be at least 1", Prefix, c.Worker.MaxConcurrentFiles)
	case c.Worker.MaxConcurrentActs <= 0:
		return fmt.Errorf("config: %s_MAX_CONCURRENT_ACTIVITIES=%d must be at least 1", Prefix, c.Worker.MaxConcurrentActs)
	case c.Worker.WebhookMaxSkew <= 0:
		return fmt.Errorf("config: %s_WEBHOOK_MAX_SKEW=%s must be positive (Zoom's rule is 5m)", Prefix, c.Worker.WebhookMaxSkew)
	case c.Worker.ShutdownGrace < 0:
		return fmt.Errorf("config: %s_SHUTDOWN_GRACE=%s must not be negative", Prefix, c.Worker.ShutdownGrace)
	case c.Bots.BotAPIURL != "" && c.Bots.BotAPIKey == "":
		return fmt.Errorf("config: %s_BOT_API_URL is set but %s_BOT_API_KEY is empty: set the provider's API key, or unset the URL to disable bots", Prefix, Prefix)
	case (c.HostOAuth.ZoomUserClientID == "") != (c.HostOAuth.ZoomUserClientSecret == ""):
		return fmt.Errorf("config: %s_ZOOM_USER_CLIENT_ID and %s_ZOOM_USER_CLIENT_SECRET must be set together (or both left empty to disable host OAuth)", Prefix, Prefix)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: %s_LOG_LEVEL=%q: use debug, info, warn or error", Prefix, c.LogLevel)
	}
	return nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("is not a URL (%v)", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must start with https:// (or http:// for a local service)")
	case u.Host == "":
		return errors.New("has no host")
	}
	return nil
}
