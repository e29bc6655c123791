// Package temporalconn is how every meetvault process (worker, ingress,
// starter) connects to a Temporal service: the dev server on localhost, a
// self-hosted cluster behind TLS or mutual TLS, or Temporal Cloud with an API
// key or mTLS.
//
// The address and namespace stay in config.Temporal (MEETVAULT_TEMPORAL_ADDRESS,
// MEETVAULT_TEMPORAL_NAMESPACE); this package adds the security settings,
// read from the environment with envconfig under the same MEETVAULT_ prefix:
//
//	MEETVAULT_TEMPORAL_TLS              use TLS with the system's roots (implied by any of the below)
//	MEETVAULT_TEMPORAL_TLS_CA           PEM file of the CA(s) that sign the server's certificate
//	MEETVAULT_TEMPORAL_TLS_CERT / _KEY  client certificate and key (mTLS)
//	MEETVAULT_TEMPORAL_TLS_SERVER_NAME  name to verify when it differs from the address' host
//	MEETVAULT_TEMPORAL_API_KEY[_FILE]   API key (Temporal Cloud), sent as a bearer token over TLS
//
// The CA and the API key file are read at start-up; the client certificate
// and key are read again whenever they change on disk (certreload.go), so
// a rotated certificate needs no restart.
package temporalconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/meetvault/meetvault/codec"
	"os"
	"strings"

	"github.com/kelseyhightower/envconfig"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
)

// Prefix is the environment prefix of the settings (config.Prefix's value;
// not imported to keep this package free of the worker's configuration).
const Prefix = "MEETVAULT"

// Security is how a process authenticates to Temporal and verifies it.
type Security struct {
	TLS        bool   `envconfig:"TEMPORAL_TLS" default:"false" desc:"connect to Temporal over TLS (implied by a CA, client certificate or API key)"`
	CAFile     string `envconfig:"TEMPORAL_TLS_CA" desc:"PEM file with the CA certificate(s) of the Temporal frontend; empty uses the system roots"`
	CertFile   string `envconfig:"TEMPORAL_TLS_CERT" desc:"PEM file with the client certificate for mutual TLS"`
	KeyFile    string `envconfig:"TEMPORAL_TLS_KEY" desc:"PEM file with the client certificate's private key"`
	ServerName string `envconfig:"TEMPORAL_TLS_SERVER_NAME" desc:"server name to verify, when it differs from the host in MEETVAULT_TEMPORAL_ADDRESS"`
	APIKey     string `envconfig:"TEMPORAL_API_KEY" desc:"Temporal Cloud API key (prefer MEETVAULT_TEMPORAL_API_KEY_FILE)"`
	APIKeyFile string `envconfig:"TEMPORAL_API_KEY_FILE" desc:"file holding the Temporal Cloud API key"`
}

// Load reads the security settings from the environment.
func Load() (Security, error) {
	var s Security
	if err := envconfig.Process(Prefix, &s); err != nil {
		return s, fmt.Errorf("temporal config: %w (see README, Configuration)", err)
	}
	return s, nil
}

// Usage prints the variables of this package with their defaults.
func Usage() error {
	var s Security
	return envconfig.Usage(Prefix, &s)
}

// usesTLS reports whether any setting asks for TLS.
func (s Security) usesTLS() bool {
	return s.TLS || s.CAFile != "" || s.CertFile != "" || s.KeyFile != "" || s.ServerName != "" ||
		s.APIKey != "" || s.APIKeyFile != ""
}

// TLSConfig builds the client TLS configuration, nil for a plaintext
// connection (the dev server). Errors name the variable to fix.
func (s Security) TLSConfig() (*tls.Config, error) {
	if !s.usesTLS() {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: s.ServerName}
	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			return nil, fmt.Errorf("temporal: MEETVAULT_TEMPORAL_TLS_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("temporal: MEETVAULT_TEMPORAL_TLS_CA=%s holds no PEM certificate", s.CAFile)
		}
		cfg.RootCAs = pool
	}
	if (s.CertFile == "") != (s.KeyFile == "") {
		return nil, errors.New("temporal: mutual TLS needs both MEETVAULT_TEMPORAL_TLS_CERT and MEETVAULT_TEMPORAL_TLS_KEY")
	}
	if s.CertFile != "" {
		r, err := newCertReloader(s.CertFile, s.KeyFile)
		if err != nil {
			return nil, err
		}
		cfg.GetClientCertificate = r.GetClientCertificate
	}
	return cfg, nil
}

// apiKey returns the API key from the variable or the file.
func (s Security) apiKey() (string, error) {
	if s.APIKey != "" && s.APIKeyFile != "" {
		return "", errors.New("temporal: set MEETVAULT_TEMPORAL_API_KEY or MEETVAULT_TEMPORAL_API_KEY_FILE, not both")
	}
	if s.APIKeyFile == "" {
		return s.APIKey, nil
	}
	b, err := os.ReadFile(s.APIKeyFile)
	if err != nil {
		return "", fmt.Errorf("temporal: MEETVAULT_TEMPORAL_API_KEY_FILE: %w", err)
	}
	key := strings.TrimSpace(string(b))
	if key == "" {
		return "", fmt.Errorf("temporal: MEETVAULT_TEMPORAL_API_KEY_FILE=%s is empty", s.APIKeyFile)
	}
	return key, nil
}

// ClientOptions returns the SDK options for address and namespace with these
// security settings applied.
func (s Security) ClientOptions(address, namespace string, logger log.Logger) (client.Options, error) {
	opts := client.Options{HostPort: address, Namespace: namespace, Logger: logger}
	tlsCfg, err := s.TLSConfig()
	if err != nil {
		return opts, err
	}
	opts.ConnectionOptions.TLS = tlsCfg
	key, err := s.apiKey()
	if err != nil {
		return opts, err
	}
	if key != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(key)
	}
	return opts, nil
}

// Describe says how the connection is secured, for logs and the doctor
// (never the key or file contents).
func (s Security) Describe() string {
	var parts []string
	switch {
	case !s.usesTLS():
		return "plaintext"
	case s.CertFile != "":
		parts = append(parts, "mTLS")
	default:
		parts = append(parts, "TLS")
	}
	if s.CAFile != "" {
		parts = append(parts, "CA "+s.CAFile)
	}
	if s.APIKey != "" || s.APIKeyFile != "" {
		parts = append(parts, "API key")
	}
	return strings.Join(parts, ", ")
}

// Dial loads the security settings from the environment and connects to
// address / namespace. The error says what was tried and how to fix it.
func Dial(ctx context.Context, address, namespace string, logger log.Logger) (client.Client, error) {
	sec, err := Load()
	if err != nil {
		return nil, err
	}
	return sec.Dial(ctx, address, namespace, logger)
}

// Dial connects with these settings.
func (s Security) Dial(ctx context.Context, address, namespace string, logger log.Logger) (client.Client, error) {
	opts, err := s.ClientOptions(address, namespace, logger)
	if err != nil {
		return nil, err
	}
	// Payloads are encrypted with the codec MEETVAULT_CODEC_* describes
	// (none set: plain payloads).
	if _, err := codec.ApplyFromEnv(&opts); err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("temporal: cannot reach %s (namespace %s, %s): %w — check MEETVAULT_TEMPORAL_ADDRESS and the TLS / API key settings",
			address, namespace, s.Describe(), err)
	}
	return c, nil
}
