package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/kelseyhightower/envconfig"
	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/temporalconn"
)

var jsonOut bool

// env is the part of meetvault's configuration the CLI needs.
type env struct {
	config.Temporal
	config.Database
	SecretKey string `envconfig:"SECRET_KEY"`
	WebUIURL  string `envconfig:"WEB_UI_URL" default:"http://127.0.0.1:8233" desc:"Temporal Web UI address printed for operators"`
}

func loadEnv() (env, error) {
	var e env
	if err := envconfig.Process(config.Prefix, &e); err != nil {
		return e, fmt.Errorf("config: %w (source .dev/env for the embedded stack)", err)
	}
	if e.Database.URL == "" {
		return e, fmt.Errorf("config: MEETVAULT_DATABASE_URL is empty: set it to the Postgres URL (source .dev/env for the embedded stack)")
	}
	return e, nil
}

func openStore(ctx context.Context, e env, needSecrets bool) (*store.Store, error) {
	var key []byte
	if needSecrets || e.SecretKey != "" {
		c := config.Config{SecretKey: e.SecretKey}
		k, err := c.SecretKeyBytes()
		if err != nil {
			return nil, err
		}
		key = k
	}
	// Keys retired by a rotation still open what `admin reseal` has not
	// rewritten yet.
	previous, err := store.PreviousKeysFromEnv()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, e.Database.URL, key, previous...)
}

// envStore loads the environment and opens the store it names; the caller
// closes the store.
func envStore(ctx context.Context, needSecrets bool) (env, *store.Store, error) {
	e, err := loadEnv()
	if err != nil {
		return e, nil, err
	}
	st, err := openStore(ctx, e, needSecrets)
	return e, st, err
}

// tenantStore is envStore for a command about one tenant: it fails unless
// the tenant is registered. The caller closes the store.
func tenantStore(ctx context.Context, tenantID string) (env, *store.Store, error) {
	e, st, err := envStore(ctx, false)
	if err != nil {
		return e, nil, err
	}
	ids, err := st.TenantIDs(ctx)
	if err == nil && !slices.Contains(ids, tenantID) {
		err = fmt.Errorf("no tenant %q: register it with starter tenant add", tenantID)
	}
	if err != nil {
		st.Close()
		return e, nil, err
	}
	return e, st, nil
}

// dialTemporal connects with the TLS / mTLS / API key settings of package
// temporalconn (MEETVAULT_TEMPORAL_TLS_*, MEETVAULT_TEMPORAL_API_KEY*).
func dialTemporal(ctx context.Context, e env) (client.Client, error) {
	return temporalconn.Dial(ctx, e.Temporal.Address, e.Temporal.Namespace, quietLogger{})
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// quietLogger keeps the SDK's info logs off the operator's terminal.
type quietLogger struct{}

func (quietLogger) Debug(string, ...interface{}) {}
func (quietLogger) Info(string, ...interface{})  {}
func (quietLogger) Warn(msg string, kv ...interface{}) {
	fmt.Fprintln(os.Stderr, "temporal:", msg, kv)
}
func (quietLogger) Error(msg string, kv ...interface{}) {
	fmt.Fprintln(os.Stderr, "temporal:", msg, kv)
}
