package main

import (
	"fmt"

	"github.com/meetvault/meetvault/store"
)

// reportWithRTMS is the JSON of starter report: the tenant report plus the
// RTMS revocation records (streams Zoom revoked and whose assets were deleted).
type reportWithRTMS struct {
	store.Report
	RTMSRevocations []store.RTMSRevocation `json:"rtms_revocations"`
}

// printRTMSRevocations prints the revocation records of starter report.
func printRTMSRevocations(revs []store.RTMSRevocation) {
	if len(revs) == 0 {
		return
	}
	fmt.Printf("  RTMS streams revoked (assets deleted): %d\n", len(revs))
	for _, r := range revs {
		fmt.Printf("    %s stream %s of meeting %s, by %s: %d objects deleted, %d kept by object lock, %d rows\n",
			r.RevokedAt.UTC().Format("2006-01-02 15:04:05Z"), r.StreamID, r.MeetingUUID, r.RevokedBy,
			r.ObjectsDeleted, r.ObjectsRetained, r.RowsDeleted)
		for _, o := range r.Objects {
			state := "deleted"
			if !o.Deleted {
				state = "retained until " + o.RetainedUntil.Format("2006-01-02") + ": " + o.Error
			}
			fmt.Printf("      %s %d bytes sha256 %s (%s)\n", o.Key, o.Size, o.SHA256, state)
		}
	}
}
