package codec

import "github.com/kelseyhightower/envconfig"

// usageVars lists the variables for `workers -print-config`; FromLookup
// and ServerFromLookup read them (envconfig only prints them here, since
// tests hand their own environment to FromLookup).
type usageVars struct {
	Keys         string `envconfig:"CODEC_KEYS" desc:"payload codec keys id:base64key[,...] (32 bytes each, AES-256-GCM); unset with no key file: Temporal payloads are not encrypted"`
	KeyFile      string `envconfig:"CODEC_KEY_FILE" desc:"file with codec keys, one id:base64key a line (# comments)"`
	CurrentKeyID string `envconfig:"CODEC_CURRENT_KEY_ID" desc:"id of the codec key that encrypts (default: the only key)"`
	AuthToken    string `envconfig:"CODEC_AUTH_TOKEN" desc:"token the ingress' codec server (/codec/) requires (Authorization header or /codec/TOKEN/decode); unset: no codec server"`
	CORSOrigins  string `envconfig:"CODEC_CORS_ORIGINS" desc:"Temporal Web UI origins allowed to call the codec server, comma-separated"`
}

// Usage prints the codec's variables in envconfig's format.
func Usage() error { return envconfig.Usage("MEETVAULT", &usageVars{}) }
