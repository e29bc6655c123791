// Package config loads meetvault's configuration from the environment
// (envconfig, prefix MEETVAULT_). Every variable is listed in the README.
package config

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/meetvault/meetvault/netguard"
)

// Temporal is how the processes reach the Temporal cluster.
type Temporal struct {
	Address   string `envconfig:"TEMPORAL_ADDRESS" default:"127.0.0.1:7233" desc:"Temporal frontend host:port"`
	Namespace string `envconfig:"TEMPORAL_NAMESPACE" default:"default" desc:"Temporal namespace"`
	TaskQueue string `envconfig:"TASK_QUEUE" default:"meetvault" desc:"task queue for workflows and activities"`
}

// Database is the Postgres holding tenants and the archive index.
type Database struct {
	URL string `envconfig:"DATABASE_URL" required:"true" desc:"Postgres URL, e.g. postgres://user@host:5432/meetvault"`
}

// S3 is the bucket recordings are archived into.
type S3 struct {
	Endpoint     string `envconfig:"S3_ENDPOINT" desc:"S3 endpoint URL; empty for AWS S3"`
	Region       string `envconfig:"S3_REGION" default:"us-east-1" desc:"S3 region"`
	Bucket       string `envconfig:"S3_BUCKET" required:"true" desc:"bucket that receives recordings"`
	AccessKey    string `envconfig:"S3_ACCESS_KEY" desc:"static access key; empty uses the AWS default credential chain"`
	SecretKey    string `envconfig:"S3_SECRET_KEY" desc:"static secret key"`
	PathStyle    bool   `envconfig:"S3_PATH_STYLE" default:"false" desc:"path-style addressing (most S3-compatible servers)"`
	CreateBucket bool   `envconfig:"S3_CREATE_BUCKET" default:"false" desc:"create the bucket at start-up when missing (development)"`
	PartSizeMiB  int64  `envconfig:"S3_PART_SIZE_MIB" default:"16" desc:"multipart part size in MiB (min 5)"`
}

// Zoom holds the base URLs of Zoom's API; tenants' credentials live in Postgres.
type Zoom struct {
	APIURL   string `envconfig:"ZOOM_API_URL" default:"https://api.zoom.us/v2" desc:"Zoom REST base URL"`
	OAuthURL string `envconfig:"ZOOM_OAUTH_URL" default:"https://zoom.us" desc:"Zoom OAuth base URL (token endpoint is /oauth/token)"`
	Plan     string `envconfig:"ZOOM_PLAN" default:"business" desc:"Zoom plan whose per-second rate limits the worker keeps to: business (Business and above) or pro"`
	// QueueRate caps, for all workers together, how many Zoom API
	// activities per second the server hands out on the Zoom task queue.
	QueueRate float64 `envconfig:"ZOOM_QUEUE_RATE" default:"50" desc:"Zoom API activities per second handed out to all workers together (Temporal TaskQueueActivitiesPerSecond on {queue}-zoom)"`
}

// Egress limits where the worker fetches URLs that come from outside
// (download links in webhooks and API answers, bot media links). Parsed by
// Config.Egress; entry syntax in netguard.Parse.
type Egress struct {
	DownloadAllowedHosts string `envconfig:"DOWNLOAD_ALLOWED_HOSTS" default:"zoom.us,*.zoom.us,zoomgov.com,*.zoomgov.com" desc:"hosts recording downloads (and each redirect hop) may reach: comma-separated [http://]host[:port|:*], *.domain for sub-domains; https and port 443 unless written"`
	// TenantDownloadAllowedHosts replaces DownloadAllowedHosts for the
	// named tenants: "acme=zoom.us,*.zoom.us,files.acme.example;beta=...".
	TenantDownloadAllowedHosts string `envconfig:"TENANT_DOWNLOAD_ALLOWED_HOSTS" desc:"per-tenant replacement of MEETVAULT_DOWNLOAD_ALLOWED_HOSTS: tenant=list;tenant=list"`
	ZoomTokenHosts             string `envconfig:"ZOOM_TOKEN_HOSTS" default:"zoom.us,*.zoom.us,zoomgov.com,*.zoomgov.com" desc:"hosts a download may send the Zoom token to (besides the MEETVAULT_ZOOM_API_URL host); never a redirect target on another host"`
	BotMediaAllowedHosts       string `envconfig:"BOT_MEDIA_ALLOWED_HOSTS" default:"*.amazonaws.com" desc:"hosts bot media links (and each redirect hop) may reach, besides the MEETVAULT_BOT_API_URL host (Recall serves media from S3)"`
	DownloadMaxUnknownMiB      int64  `envconfig:"DOWNLOAD_MAX_UNKNOWN_SIZE_MIB" default:"16384" desc:"largest download archived when its size was not announced (MiB); larger ones fail as download_too_large"`
}

// Worker is the worker process' own settings.
type Worker struct {
	IngressAddr        string        `envconfig:"INGRESS_ADDR" default:"127.0.0.1:8088" desc:"listen address of the webhook ingress and health endpoints"`
	OpsAddr            string        `envconfig:"OPS_ADDR" desc:"separate listen address for /metrics and the detailed /readyz (keep it off the public network); empty: none"`
	OpsToken           string        `envconfig:"OPS_TOKEN" desc:"bearer token that unlocks /metrics and the detailed /readyz on the public ingress; empty: they are not served there"`
	BotWebhookSecret   string        `envconfig:"BOT_WEBHOOK_SECRET" desc:"the bot provider's webhook signing secret (whsec_...), for POST /webhooks/bot"`
	WebhookMaxSkew     time.Duration `envconfig:"WEBHOOK_MAX_SKEW" default:"5m" desc:"largest difference between a webhook's signed timestamp and this host's clock (Zoom: 5 minutes)"`
	ZoomWebhookSecret  string        `envconfig:"ZOOM_APP_WEBHOOK_SECRET" desc:"secret token of a Zoom app installed by many accounts: answers endpoint.url_validation on POST /webhooks/zoom"`
	Migrate            bool          `envconfig:"MIGRATE" default:"true" desc:"apply database migrations at start-up"`
	MaxConcurrentFiles int           `envconfig:"MAX_CONCURRENT_DOWNLOADS" default:"32" desc:"file downloads archived at once by one worker"`
	MaxConcurrentActs  int           `envconfig:"MAX_CONCURRENT_ACTIVITIES" default:"64" desc:"other activities run at once by one worker"`
	ShutdownGrace      time.Duration `envconfig:"SHUTDOWN_GRACE" default:"30s" desc:"time given to running activities on SIGTERM"`
}

// Deployment is the worker's Worker Deployment Version (README, Versioning
// policy): the short workflows stay on the build that started them, Tenant
// moves to each new current build.
type Deployment struct {
	Versioning bool   `envconfig:"DEPLOYMENT_VERSIONING" default:"true" desc:"poll as a Worker Deployment Version (pinned short workflows); false runs unversioned"`
	Name       string `envconfig:"DEPLOYMENT_NAME" desc:"Worker Deployment name; empty uses the task queue name"`
	BuildID    string `envconfig:"BUILD_ID" desc:"this build's ID in the deployment; empty uses the binary's VCS revision (or a hash of the binary)"`
	SetCurrent bool   `envconfig:"DEPLOYMENT_SET_CURRENT" default:"true" desc:"make this build the deployment's current version at start-up; false leaves promotion to the operator (temporal worker deployment set-current-version)"`
}

// Bots is the Recall-compatible meeting-bot provider.
type Bots struct {
	BotAPIURL string `envconfig:"BOT_API_URL" desc:"bot provider API base URL, e.g. https://us-east-1.recall.ai (the simulator serves /api/v1 too); empty disables bots"`
	BotAPIKey string `envconfig:"BOT_API_KEY" desc:"bot provider API key, sent as Authorization: Token <key>"`
	// BotAPIVersion selects the provider's API version; among others it
	// decides where participants (and the host flag) are published.
	BotAPIVersion string `envconfig:"BOT_API_VERSION" desc:"bot provider API version sent as the Recall-Api-Version header (e.g. 2025-01-01); empty sends none (the provider's default)"`
	// BotSettingsHelpURL is linked in the chat message a bot sends when the
	// host's Zoom settings forbid local recording.
	BotSettingsHelpURL string `envconfig:"BOT_SETTINGS_HELP_URL" default:"https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0063640" desc:"fix instructions linked in the bot's chat message when the host's Zoom settings block local recording"`
}

// HostOAuth is the user-level Zoom OAuth app (authorization code + PKCE)
// hosts connect so bots can record their meetings with a join token.
type HostOAuth struct {
	ZoomUserClientID     string `envconfig:"ZOOM_USER_CLIENT_ID" desc:"client ID of the user-level Zoom OAuth app hosts connect (join tokens for local recording); empty disables host OAuth"`
	ZoomUserClientSecret string `envconfig:"ZOOM_USER_CLIENT_SECRET" desc:"client secret of that app"`
	// PublicURL is where Zoom's OAuth redirect and the bot provider reach the
	// ingress: /oauth/zoom/callback and /bot/join-token hang off it.
	PublicURL string `envconfig:"PUBLIC_URL" default:"http://127.0.0.1:8088" desc:"public base URL of the ingress (OAuth redirect and the bots' join_token_url)"`
}

// Config is everything the worker needs.
//
// The sections are embedded so their variables keep the plain MEETVAULT_
// prefix (envconfig prefixes named struct fields with the field name).
type Config struct {
	Temporal
	Database
	S3
	Zoom
	Worker
	Deployment
	Bots
	HostOAuth
	Egress
	// SecretKey seals tenants' Zoom credentials at rest (AES-256-GCM).
	SecretKey string `envconfig:"SECRET_KEY" required:"true" desc:"base64 of 32 random bytes sealing credentials at rest"`
	// SecretPreviousKeys still open values sealed before a rotation (parsed
	// by store.PreviousKeysFromEnv; starter admin reseal rewrites them).
	SecretPreviousKeys string `envconfig:"SECRET_PREVIOUS_KEYS" desc:"retired sealing keys, comma-separated base64, that still open values until starter admin reseal rewrote them"`
	LogLevel           string `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
}

// Prefix is the environment prefix of every variable.
const Prefix = "MEETVAULT"

// Load reads the configuration from the environment and validates it.
func Load() (Config, error) {
	var c Config
	if err := envconfig.Process(Prefix, &c); err != nil {
		return c, processError(err)
	}
	if c.Database.URL == "" {
		return c, fmt.Errorf("config: MEETVAULT_DATABASE_URL is empty: set it to the Postgres URL")
	}
	if c.S3.Bucket == "" {
		return c, fmt.Errorf("config: MEETVAULT_S3_BUCKET is empty: set it to the bucket that receives recordings")
	}
	if _, err := c.SecretKeyBytes(); err != nil {
		return c, err
	}
	if c.Zoom.Plan != "business" && c.Zoom.Plan != "pro" {
		return c, fmt.Errorf("config: MEETVAULT_ZOOM_PLAN=%q: use business or pro", c.Zoom.Plan)
	}
	if c.Zoom.QueueRate <= 0 {
		return c, fmt.Errorf("config: MEETVAULT_ZOOM_QUEUE_RATE=%v must be positive", c.Zoom.QueueRate)
	}
	if c.PartSizeMiB < 5 {
		return c, fmt.Errorf("config: MEETVAULT_S3_PART_SIZE_MIB=%d is below S3's 5 MiB minimum part size", c.S3.PartSizeMiB)
	}
	if err := c.validate(); err != nil {
		return c, err
	}
	if _, err := c.ParseEgress(); err != nil {
		return c, err
	}
	if c.Worker.OpsAddr != "" && c.Worker.OpsAddr == c.Worker.IngressAddr {
		return c, fmt.Errorf("config: %s_OPS_ADDR=%q is the ingress address: give the ops listener its own address, or leave it empty and set %s_OPS_TOKEN", Prefix, c.Worker.OpsAddr, Prefix)
	}
	if t := c.Worker.OpsToken; t != "" && len(t) < 16 {
		return c, fmt.Errorf("config: %s_OPS_TOKEN is %d characters: use at least 16 random ones (head -c24 /dev/urandom | base64)", Prefix, len(t))
	}
	return c, nil
}

// EgressPolicy is the parsed Egress section.
type EgressPolicy struct {
	Downloads netguard.Allowlist
	// TenantDownloads replaces Downloads for the tenants it names.
	TenantDownloads map[string]netguard.Allowlist
	// ZoomTokenHosts, plus the Zoom API base URL's host, may receive the
	// Zoom token.
	ZoomTokenHosts netguard.Allowlist
	// BotMedia includes the bot provider's API host when one is configured.
	BotMedia        netguard.Allowlist
	MaxUnknownBytes int64
}

// ParseEgress parses and checks the Egress variables; errors name the
// variable and what is wrong.
func (c Config) ParseEgress() (EgressPolicy, error) {
	var p EgressPolicy
	var err error
	if p.Downloads, err = netguard.Parse(Prefix+"_DOWNLOAD_ALLOWED_HOSTS", c.Egress.DownloadAllowedHosts); err != nil {
		return p, fmt.Errorf("config: %w", err)
	}
	if p.Downloads.Empty() {
		return p, fmt.Errorf("config: %s_DOWNLOAD_ALLOWED_HOSTS is empty: no recording could be downloaded; leave it unset for Zoom's hosts", Prefix)
	}
	if p.TenantDownloads, err = parseTenantLists(Prefix+"_TENANT_DOWNLOAD_ALLOWED_HOSTS", c.Egress.TenantDownloadAllowedHosts); err != nil {
		return p, err
	}
	if p.ZoomTokenHosts, err = netguard.Parse(Prefix+"_ZOOM_TOKEN_HOSTS", c.Egress.ZoomTokenHosts); err != nil {
		return p, fmt.Errorf("config: %w", err)
	}
	if p.BotMedia, err = netguard.Parse(Prefix+"_BOT_MEDIA_ALLOWED_HOSTS", c.Egress.BotMediaAllowedHosts); err != nil {
		return p, fmt.Errorf("config: %w", err)
	}
	if c.Bots.BotAPIURL != "" {
		provider, err := netguard.HostOf(Prefix+"_BOT_API_URL", c.Bots.BotAPIURL)
		if err != nil {
			return p, fmt.Errorf("config: %w", err)
		}
		p.BotMedia = p.BotMedia.Union(provider)
	}
	if c.Egress.DownloadMaxUnknownMiB <= 0 {
		return p, fmt.Errorf("config: %s_DOWNLOAD_MAX_UNKNOWN_SIZE_MIB=%d must be positive", Prefix, c.Egress.DownloadMaxUnknownMiB)
	}
	p.MaxUnknownBytes = c.Egress.DownloadMaxUnknownMiB << 20
	return p, nil
}

// parseTenantLists reads "tenant=list;tenant=list".
func parseTenantLists(name, spec string) (map[string]netguard.Allowlist, error) {
	out := map[string]netguard.Allowlist{}
	for _, item := range strings.Split(spec, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		tenant, list, ok := strings.Cut(item, "=")
		tenant = strings.TrimSpace(tenant)
		if !ok || tenant == "" {
			return nil, fmt.Errorf("config: %s: %q is not tenant=host,host (separate tenants with ;)", name, item)
		}
		if _, dup := out[tenant]; dup {
			return nil, fmt.Errorf("config: %s: tenant %q is listed twice", name, tenant)
		}
		a, err := netguard.Parse(name+"["+tenant+"]", list)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		out[tenant] = a
	}
	return out, nil
}

// SecretKeyBytes decodes MEETVAULT_SECRET_KEY.
func (c Config) SecretKeyBytes() ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(c.SecretKey)
	if err != nil || len(k) != 32 {
		return nil, fmt.Errorf("config: MEETVAULT_SECRET_KEY must be base64 of exactly 32 bytes (generate one with: head -c32 /dev/urandom | base64)")
	}
	return k, nil
}

// Usage prints every variable with its default and description.
func Usage() error {
	var c Config
	return envconfig.Usage(Prefix, &c)
}
