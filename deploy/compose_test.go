package deploy

import (
	"context"
	"github.com/meetvault/meetvault/codec"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/temporalconn"
)

// loadCompose loads ../docker-compose.yml as `docker compose` would: the
// compose-spec JSON schema, interpolation, normalisation and the
// consistency checks (unknown services in depends_on, cycles).
func loadCompose(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, "docker-compose.yml")}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("meetvault", true) })
}

// oneShot are the jobs that run to completion; every other service runs on.
var oneShot = []string{"temporal-schema", "temporal-namespace", "s3-init", "meetvault-setup"}

// noHealthcheck are long-running services without one, and why: versitygw's
// image has no HTTP client (s3-init gates on it instead); the worker in
// -mode worker serves no HTTP; nothing waits for the Web UI.
var noHealthcheck = []string{"s3", "worker", "temporal-ui"}

func TestComposeFileIsValidAndOrdered(t *testing.T) {
	p, err := loadCompose(t, composeSecrets("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
	require.NoError(t, err)

	require.ElementsMatch(t, []string{"temporal-postgresql", "temporal-schema", "temporal", "temporal-namespace", "temporal-ui",
		"postgres", "s3", "s3-init", "zoomsim", "meetvault-setup", "worker", "ingress"}, p.ServiceNames())

	for name, s := range p.Services {
		long := !slices.Contains(oneShot, name)
		if long {
			require.Equal(t, "unless-stopped", s.Restart, "%s runs on and restarts", name)
			if !slices.Contains(noHealthcheck, name) {
				require.NotNil(t, s.HealthCheck, "%s needs a healthcheck", name)
				require.NotEmpty(t, s.HealthCheck.Test, name)
			}
		} else {
			require.True(t, s.Restart == "no" || strings.HasPrefix(s.Restart, "on-failure"), "%s is a one-shot job: %q", name, s.Restart)
		}
		for dep, d := range s.DependsOn {
			target, ok := p.Services[dep]
			require.True(t, ok, "%s depends on unknown %s", name, dep)
			switch d.Condition {
			case types.ServiceConditionHealthy:
				require.NotNil(t, target.HealthCheck, "%s waits for %s to be healthy, which has no healthcheck", name, dep)
			case types.ServiceConditionCompletedSuccessfully:
				require.Contains(t, oneShot, dep, "%s waits for %s to complete, which never does", name, dep)
			case types.ServiceConditionStarted:
			default:
				t.Fatalf("%s: unknown condition %q on %s", name, d.Condition, dep)
			}
		}
		for _, port := range s.Ports {
			require.Equal(t, "127.0.0.1", port.HostIP, "%s publishes %s beyond localhost", name, port.Published)
		}
	}

	// The order Temporal's compose examples use: schema, server, namespace;
	// then meetvault's setup before any worker or ingress.
	require.Equal(t, types.ServiceConditionCompletedSuccessfully, p.Services["temporal"].DependsOn["temporal-schema"].Condition)
	require.Equal(t, types.ServiceConditionHealthy, p.Services["temporal-namespace"].DependsOn["temporal"].Condition)
	require.Equal(t, types.ServiceConditionCompletedSuccessfully, p.Services["meetvault-setup"].DependsOn["temporal-namespace"].Condition)
	for _, svc := range []string{"worker", "ingress"} {
		require.Equal(t, types.ServiceConditionCompletedSuccessfully, p.Services[svc].DependsOn["meetvault-setup"].Condition, svc)
		require.Equal(t, "false", *p.Services[svc].Environment["MEETVAULT_MIGRATE"], "only meetvault-setup migrates")
	}
	require.Equal(t, []string{"-mode", "worker"}, []string(p.Services["worker"].Command))
	require.Equal(t, []string{"-mode", "ingress"}, []string(p.Services["ingress"].Command))
	require.Equal(t, []string{"/usr/local/bin/starter", "admin", "setup"}, []string(p.Services["meetvault-setup"].Entrypoint))

	// Temporal runs on PostgreSQL, not the dev server.
	tmp := p.Services["temporal"]
	require.True(t, strings.HasPrefix(tmp.Image, "temporalio/server:"), tmp.Image)
	require.Equal(t, "postgres12", *tmp.Environment["DB"])
	require.Equal(t, "temporal-postgresql", *tmp.Environment["POSTGRES_SEEDS"])
	require.Contains(t, p.Services["temporal-schema"].Command[0], "temporal-sql-tool --plugin postgres12")
	require.Contains(t, p.Services["temporal-schema"].Command[0], "visibility/versioned")

	// The dynamic config file the server is told to read is the one mounted.
	dc := *tmp.Environment["DYNAMIC_CONFIG_FILE_PATH"]
	require.Len(t, tmp.Volumes, 1)
	_, err = os.Stat(filepath.Join(tmp.Volumes[0].Source, filepath.Base(dc)))
	require.NoError(t, err, "%s not in %s", dc, tmp.Volumes[0].Source)
	require.Equal(t, "/etc/temporal/"+filepath.Dir(dc), tmp.Volumes[0].Target)
}

// composeSecrets is the environment `docker compose up` needs: the sealing
// key, the payload codec's key and the codec server's token.
func composeSecrets(secretKey string) map[string]string {
	return map[string]string{"MEETVAULT_SECRET_KEY": secretKey,
		"MEETVAULT_CODEC_KEY": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "MEETVAULT_CODEC_AUTH_TOKEN": "dev-token"}
}

func TestComposeNeedsTheSecretKey(t *testing.T) {
	_, err := loadCompose(t, map[string]string{})
	require.ErrorContains(t, err, "set MEETVAULT_SECRET_KEY")
}

// Every MEETVAULT_ variable the compose file sets is one meetvault reads,
// so a renamed variable cannot silently fall back to its default.
func TestComposeVariablesAreKnown(t *testing.T) {
	p, err := loadCompose(t, composeSecrets("k"))
	require.NoError(t, err)
	known := map[string]bool{"MEETVAULT_SIM_URL": true} // the dev commands' simulator (starter dev --sim)
	for _, name := range []string{codec.EnvKeys, codec.EnvKeyFile, codec.EnvCurrentKeyID, codec.EnvAuthToken, codec.EnvCORSOrigins} {
		known[name] = true
	}
	for _, v := range []any{config.Config{}, temporalconn.Security{}} {
		collectEnvNames(reflect.TypeOf(v), known)
	}
	for name, s := range p.Services {
		for k := range s.Environment {
			if strings.HasPrefix(k, "MEETVAULT_") {
				require.True(t, known[k], "%s sets %s, which nothing reads", name, k)
			}
		}
	}
}

func collectEnvNames(t reflect.Type, into map[string]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			collectEnvNames(f.Type, into)
			continue
		}
		if tag := f.Tag.Get("envconfig"); tag != "" {
			into[config.Prefix+"_"+tag] = true
		}
	}
}
