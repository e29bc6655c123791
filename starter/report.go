package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func reportCmd() *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Show what a tenant's archive holds and what failed",
		RunE: func(cmd *cobra.Command, args []string) error {
			e, st, err := envStore(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := st.TenantReport(cmd.Context(), tenant)
			if err != nil {
				return err
			}
			revs, err := st.RTMSRevocations(cmd.Context(), tenant)
			if err != nil {
				return err
			}
			if jsonOut {
				return printJSON(reportWithRTMS{Report: r, RTMSRevocations: revs})
			}
			fmt.Printf("tenant %s\n", r.TenantID)
			fmt.Printf("  conversations: %d (%d with failed files)\n", r.Conversations, r.ConversationsFailed)
			fmt.Printf("  files archived: %d, %s\n", r.FilesArchived, humanBytes(r.BytesArchived))
			for _, t := range r.ByType {
				fmt.Printf("    %-10s %5d files %10s\n", t.FileType, t.Files, humanBytes(t.Bytes))
			}
			fmt.Printf("  files still processing at Zoom: %d\n", r.FilesProcessing)
			if len(r.Failures) > 0 {
				fmt.Printf("  files that could not be archived: %d\n", len(r.Failures))
				for _, f := range r.Failures {
					fmt.Printf("    %s %s (%s): %s: %s\n", f.ConversationUUID, f.FileID, f.FileType, f.Reason, f.Message)
				}
			}
			printRTMSRevocations(revs)
			fmt.Printf("  Temporal Web UI: %s/namespaces/%s/workflows?query=MeetvaultTenant%%3D%%22%s%%22\n", e.WebUIURL, e.Temporal.Namespace, r.TenantID)
			return nil
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant id (required)")
	_ = cmd.MarkFlagRequired("tenant")
	return cmd
}
