package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
)

// run executes the CLI with args as main does and returns the exit status
// and the error main would print.
func run(t *testing.T, args ...string) (int, error) {
	t.Helper()
	jsonOut = false
	t.Cleanup(func() { jsonOut = false })
	root := rootCmd()
	root.SetArgs(args)
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	err := root.Execute()
	return exitCode(err), err
}

func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	root := rootCmd()
	n := 0
	walk(root, func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		n++
		require.NotEmpty(t, c.Short, "%s: no short help", c.CommandPath())
		require.NotEmpty(t, c.Example, "%s: no example (add one to examples.go)", c.CommandPath())
		require.NotNil(t, c.Flag("json"), "%s: no --json", c.CommandPath())
	})
	require.Greater(t, n, 25, "the whole tree was walked")
}

func TestExamplesNameRealCommands(t *testing.T) {
	paths := map[string]bool{}
	walk(rootCmd(), func(c *cobra.Command) { paths[c.CommandPath()] = true })
	for p := range examples {
		require.True(t, paths[p], "examples.go has an entry for %q, which is no command", p)
	}
}

func TestExitStatuses(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"doctor"}, exitUsage},                             // required --tenant
		{[]string{"doctor", "--tenant"}, exitUsage},                 // flag without its value
		{[]string{"report", "--tenant", "a", "--bogus"}, exitUsage}, // unknown flag
		{[]string{"nosuch"}, exitUsage},                             // unknown command
		{[]string{"bot", "status"}, exitUsage},                      // missing argument
		{[]string{"admin", "probe", "a", "b"}, exitUsage},           // too many arguments
		{[]string{"admin", "probe", "http://127.0.0.1:1/"}, exitFailure},
		{[]string{"--help"}, exitOK},
	} {
		got, err := run(t, tc.args...)
		require.Equal(t, tc.want, got, "%v: %v", tc.args, err)
	}
}

func TestShellCompletion(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, rootCmd().GenBashCompletionV2(&out, true))
	require.Contains(t, out.String(), "__start_starter")
	// --tenant completes to registered tenants; without a database, to nothing.
	t.Setenv("MEETVAULT_DATABASE_URL", "")
	root := rootCmd()
	doctor, _, err := root.Find([]string{"doctor"})
	require.NoError(t, err)
	fn, ok := doctor.GetFlagCompletionFunc("tenant")
	require.True(t, ok, "doctor --tenant has a completion function")
	got, directive := fn(doctor, nil, "")
	require.Empty(t, got)
	require.Equal(t, cobra.ShellCompDirectiveNoFileComp, directive)
}

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			return
		}
		http.Error(w, "postgres: down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	code, err := run(t, "admin", "probe", srv.URL+"/readyz")
	require.Equal(t, exitOK, code, "%v", err)
	code, err = run(t, "admin", "probe", srv.URL+"/other")
	require.Equal(t, exitFailure, code)
	require.ErrorContains(t, err, "HTTP 503")
}

func TestExitCodeOfWrappedErrors(t *testing.T) {
	require.Equal(t, exitOK, exitCode(nil))
	require.Equal(t, exitFailure, exitCode(errors.New("temporal: cannot reach")))
	blocked := blockedError(errors.New("3 problems"))
	require.Equal(t, exitBlocked, exitCode(fmt.Errorf("doctor: %w", blocked)))
	require.Equal(t, "3 problems", blocked.Error())
	require.Equal(t, exitUsage, exitCode(usageError(errors.New("bad flag"))))
}

// Commands that need the environment fail with status 1 and say what to
// set, instead of a usage error.
func TestMissingEnvironmentIsAFailure(t *testing.T) {
	t.Setenv("MEETVAULT_DATABASE_URL", "")
	code, err := run(t, "tenant", "list")
	require.Equal(t, exitFailure, code)
	require.ErrorContains(t, err, "DATABASE_URL")
}
