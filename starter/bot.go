package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"
	"github.com/spf13/cobra"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/workflows"
	"github.com/meetvault/meetvault/zoom"
)

func botCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bot", Short: "Send meeting bots to Zoom meetings and follow them"}
	cmd.AddCommand(botJoinCmd(), botStatusCmd(), botLeaveCmd())
	return cmd
}

func botJoinCmd() *cobra.Command {
	var (
		tenant, link, at, name string
		onBehalfOf             string
		wait                   bool
		p                      workflows.BotPolicy
	)
	cmd := &cobra.Command{
		Use:   "join --tenant T --meeting-url URL",
		Short: "Send a bot to a meeting: it asks for consent (or uses the host's join token), records, and the media is archived",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			meetingID, err := zoom.MeetingIDFromURL(link)
			if err != nil {
				return err
			}
			in := workflows.MeetingBotInput{TenantID: tenant, MeetingURL: link, MeetingID: meetingID, BotName: name, Policy: p,
				OnBehalfOf: onBehalfOf}
			if at != "" {
				if in.JoinAt, err = parseJoinAt(at, time.Now()); err != nil {
					return err
				}
			}
			if p.OnSettingsDenial != "leave" && p.OnSettingsDenial != "wait" {
				return fmt.Errorf("--on-settings-denial %q: use leave or wait", p.OnSettingsDenial)
			}
			if in.Policy.SettingsHelpURL == "" {
				var b config.Bots
				if err := envconfig.Process(config.Prefix, &b); err == nil {
					in.Policy.SettingsHelpURL = b.BotSettingsHelpURL
				}
			}
			return withTenantWorkflow(ctx, tenant, func(c client.Client, e env) error {
				id := workflows.MeetingBotID(tenant, meetingID)
				run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
					ID: id, TaskQueue: e.Temporal.TaskQueue,
					WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
					WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
				}, workflows.MeetingBot, in)
				if err != nil {
					return fmt.Errorf("starting the bot for meeting %s: %w (a bot already running there? starter bot status %s)", meetingID, err, id)
				}
				if !wait {
					if jsonOut {
						return printJSON(map[string]string{"workflow_id": id, "run_id": run.GetRunID()})
					}
					fmt.Printf("bot workflow %s started\n  follow: starter bot status %s\n  web UI: %s/namespaces/%s/workflows/%s\n",
						id, id, strings.TrimRight(e.WebUIURL, "/"), e.Temporal.Namespace, id)
					return nil
				}
				var st workflows.BotState
				if err := run.Get(ctx, &st); err != nil {
					return err
				}
				return printBotState(st, true)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&tenant, "tenant", "", "tenant the meeting belongs to (required)")
	f.StringVar(&onBehalfOf, "on-behalf-of", "", "tenant user (e-mail or Zoom user id) who sends the bot; needed for meetings outside the tenant's Zoom account (OBF token or ZAK from their Zoom OAuth connection)")
	f.StringVar(&link, "meeting-url", "", "the meeting's invite link, e.g. https://zoom.us/j/85012345678?pwd=... (required)")
	f.StringVar(&at, "at", "", "join later: an RFC 3339 time (2026-11-23T15:00:00Z) or a delay (10m)")
	f.StringVar(&name, "name", "meetvault notetaker", "the bot's display name in the meeting")
	f.BoolVar(&wait, "wait", false, "wait for the bot to finish and print its outcome (exit 1 unless archived)")
	f.DurationVar(&p.ConsentTimeout, "consent-timeout", 10*time.Minute, "how long to wait in the call for recording permission")
	f.DurationVar(&p.WaitingRoomTimeout, "waiting-room-timeout", 20*time.Minute, "how long to wait to be admitted")
	f.StringVar(&p.OnSettingsDenial, "on-settings-denial", "leave", "after a denial caused by the host's settings: leave, or wait until the consent timeout")
	f.IntVar(&p.ReaskAfterDenial, "reask", 0, "how often to ask a host who said no again (default never)")
	f.IntVar(&p.MaxJoinAttempts, "max-join-attempts", 3, "bots tried when Zoom fails internally while joining")
	f.DurationVar(&p.JoinRetryInterval, "join-retry-interval", 30*time.Second, "first wait before another join attempt (doubles)")
	f.BoolVar(&p.NoJoinToken, "no-join-token", false, "never use the host's Zoom OAuth join token; always ask")
	f.DurationVar(&p.PollInterval, "poll-interval", 30*time.Second, "poll the provider when no status webhook arrived for this long")
	f.DurationVar(&p.MaxDuration, "max-duration", 6*time.Hour, "leave after recording this long")
	f.StringVar(&p.SettingsHelpURL, "settings-help-url", "", "fix instructions linked in the chat message about settings (default MEETVAULT_BOT_SETTINGS_HELP_URL)")
	_ = cmd.MarkFlagRequired("tenant")
	_ = cmd.MarkFlagRequired("meeting-url")
	return cmd
}

// parseJoinAt reads --at: an RFC 3339 time or a delay from now.
func parseJoinAt(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--at %q: want an RFC 3339 time (2026-11-23T15:00:00Z) or a delay (10m)", s)
	}
	return t, nil
}

// botWorkflowID accepts a workflow ID (bot/T/M) or T/M.
func botWorkflowID(arg string) (tenant, id string, err error) {
	parts := strings.Split(strings.TrimPrefix(arg, "bot/"), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("%q: name the bot as bot/TENANT/MEETING_ID (as starter bot join printed) or TENANT/MEETING_ID", arg)
	}
	return parts[0], workflows.MeetingBotID(parts[0], parts[1]), nil
}

func botStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use: "status bot/TENANT/MEETING_ID", Short: "Show a bot's state, status history and outcome", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tenant, id, err := botWorkflowID(args[0])
			if err != nil {
				return err
			}
			return withTenantWorkflow(cmd.Context(), tenant, func(c client.Client, _ env) error {
				st, err := queryBot(cmd.Context(), c, id)
				if err != nil {
					return err
				}
				return printBotState(st, false)
			})
		},
	}
}

func queryBot(ctx context.Context, c client.Client, id string) (workflows.BotState, error) {
	var st workflows.BotState
	v, err := c.QueryWorkflow(ctx, id, "", workflows.QueryBotState)
	if err != nil {
		return st, fmt.Errorf("bot %s: %w (start one with starter bot join)", id, err)
	}
	return st, v.Get(&st)
}

func botLeaveCmd() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use: "leave bot/TENANT/MEETING_ID", Short: "Take the bot out of the meeting (what it recorded is still archived)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tenant, id, err := botWorkflowID(args[0])
			if err != nil {
				return err
			}
			return withTenantWorkflow(cmd.Context(), tenant, func(c client.Client, _ env) error {
				if err := c.SignalWorkflow(cmd.Context(), id, "", workflows.SignalBotLeave, workflows.BotLeaveSignal{Reason: reason}); err != nil {
					return fmt.Errorf("bot %s: %w (is it still running? starter bot status %s)", id, err, id)
				}
				if jsonOut {
					return printJSON(map[string]string{"workflow_id": id, "signal": workflows.SignalBotLeave})
				}
				fmt.Printf("asked %s to leave\n", id)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, kept in the bot's history")
	return cmd
}

// printBotState prints the state; with final set, an outcome other than
// archived is an error (exit 1).
func printBotState(st workflows.BotState, final bool) error {
	if jsonOut {
		if err := printJSON(st); err != nil {
			return err
		}
	} else {
		fmt.Printf("meeting %s (tenant %s): %s\n", st.MeetingID, st.TenantID, st.Phase)
		if st.BotID != "" {
			how := "consent dialog"
			if st.JoinToken {
				how = "host's join token"
			}
			fmt.Printf("  bot %s, last status %s, via %s (bots used: %d)\n", st.BotID, orDash(st.LastStatus), how, len(st.Bots))
		}
		if o := st.Outcome; o != nil {
			fmt.Printf("  outcome: %s (%s)\n  %s\n", o.State, orDash(o.SubCode), o.Message)
			if o.Advice != "" {
				fmt.Printf("  what to do: %s\n", o.Advice)
			}
		}
		for _, m := range st.ChatMessages {
			fmt.Printf("  chat to host: %s\n", m)
		}
		tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  TIME\tBOT\tSTATUS\tSUB CODE\tVIA")
		for _, h := range st.History {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", h.At.UTC().Format("15:04:05"), h.BotID, h.Code, orDash(h.SubCode), h.Via)
		}
		_ = tw.Flush()
		for _, ev := range st.Events {
			fmt.Printf("  %s  %s\n", ev.At.UTC().Format("15:04:05"), ev.What)
		}
	}
	if final && st.Outcome != nil && st.Outcome.State != workflows.BotArchived {
		return errors.New(st.Outcome.State + " (" + orDash(st.Outcome.SubCode) + "): " + st.Outcome.Message)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
