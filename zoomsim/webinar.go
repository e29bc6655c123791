package zoomsim

import (
	"math/rand/v2"
	"time"
)

// Webinar recordings are meetings of type 5, 6 or 9: Zoom lists them with
// the meetings' recordings and announces them with recording.completed.
// /_sim/truth names their source "webinar".

const sourceWebinar = "webinar"

// source is the conversation's source in /_sim/truth.
func (m *meeting) source() string {
	switch m.Type {
	case 5, 6, 9:
		return sourceWebinar
	}
	return sourceMeeting
}

// genWebinars draws n webinar recordings of the users: mostly type 5, some
// recurring (6, 9), each with Zoom's usual files.
func genWebinars(r *rand.Rand, g *GenerateRequest, users []ScenarioUser, from time.Time, days int) []ScenarioMeeting {
	out := make([]ScenarioMeeting, 0, max(g.Webinars, 0))
	for range g.Webinars {
		host := users[r.IntN(len(users))]
		w := ScenarioMeeting{
			UUID:      meetingUUID(r, false),
			ID:        90000000000 + r.Int64N(9999999999),
			HostID:    host.ID,
			Topic:     "Webinar: " + topics[r.IntN(len(topics))],
			StartTime: from.AddDate(0, 0, r.IntN(days)).Add(time.Duration(14*3600+r.IntN(6*3600)) * time.Second),
			Duration:  30 + r.IntN(60),
			Timezone:  host.Timezone,
		}
		w.Type.N = []int{5, 5, 6, 9}[r.IntN(4)]
		w.Files = genFiles(r, g, w.Duration)
		out = append(out, w)
	}
	return out
}
