package integration

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/botprovider"
)

// The provider's API version decides where participants (and the host
// flag) are published: inline in meeting_participants for older versions,
// a participant-events download from 2025-01-01. The client finds the host
// either way, and never reads "absent" from a missing source.
func TestHostPresenceFromEitherParticipantSource(t *testing.T) {
	e := newBotEnv(t)
	const meeting = 88000000001
	e.simPOST("/_sim/scenario", botScenario(e, []liveMeeting{
		{"id": meeting, "host_id": "owner@acme.test", "host_joins_after_ms": 200, "answer_after_ms": 200, "ends_after_ms": 30000},
	}))
	e.registerTenant()
	ctx := context.Background()
	for _, tc := range []struct {
		version string
		source  botprovider.ParticipantSource
	}{{"", botprovider.ParticipantsInline}, {"2025-06-01", botprovider.ParticipantsDownload}} {
		c, err := botprovider.New(botprovider.Config{BaseURL: e.sim.URL(), APIKey: itBotKey, APIVersion: tc.version})
		require.NoError(t, err)
		bot, err := c.CreateBot(ctx, botprovider.CreateBotRequest{MeetingURL: meetingURL(meeting), BotName: "it " + tc.version})
		require.NoError(t, err)
		var src botprovider.ParticipantSource
		var list []botprovider.Participant
		require.Eventually(t, func() bool {
			b, err := c.GetBot(ctx, bot.ID)
			require.NoError(t, err)
			list, src, err = c.Participants(ctx, b)
			require.NoError(t, err)
			if tc.version != "" && src == botprovider.ParticipantsNone {
				require.Empty(t, b.MeetingParticipants, "newer versions publish nothing inline")
			}
			return botprovider.HostPresent(list)
		}, 20*time.Second, 200*time.Millisecond, "version %q: host never found (source %q, %v)", tc.version, src, list)
		require.Equal(t, tc.source, src, "version %q", tc.version)
		require.NoError(t, c.LeaveCall(ctx, bot.ID))
	}
}
